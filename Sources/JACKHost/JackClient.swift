import Atomics
import CJack
import CShim
import Engine
#if canImport(Glibc)
import Glibc
#endif

/// A MIDI track's JACK port: its short name (`midi_<track id>`) and the pretty name
/// patchbays show.
struct MIDIPortName: Equatable {
    var name: String
    var pretty: String
}

/// One connection to one JACK server: the client handle, our ports and what the
/// process callback reads. `JackHost` opens a new one each time a server comes back;
/// JACK's callbacks are handed this object, so a late notification from a dead
/// server's client is told apart from the live one's.
final class JackClient: @unchecked Sendable {
    // @unchecked Sendable: set up before activation, read-only afterwards; the host
    // serialises every control-side call that uses `handle`.
    let handle: OpaquePointer
    let name: String
    let sampleRate: Int
    let bufferSize: Int
    unowned let host: JackHost
    private(set) var inputs: [OpaquePointer] = []
    private(set) var outputs: [OpaquePointer] = []
    private(set) var realtime: UnsafeMutablePointer<HostRealtime>?
    private var portTable: UnsafeMutablePointer<OpaquePointer?>?
    private var inputBuffers: UnsafeMutablePointer<UnsafePointer<Float>?>?
    /// MIDI out slot → its JACK MIDI port (control side, under the host's call lock),
    /// and the table the process callback reads them from.
    private(set) var midiPorts: [Int: OpaquePointer] = [:]
    private var midiTable: UnsafeMutablePointer<UnsafeAtomic<Int>>?
    private var midiSlots = 0

    /// Connect to `server` (nil: the default one) as `name`; never starts a server.
    init(name: String, server: String?, host: JackHost) throws {
        var status = jack_status_t(rawValue: 0)
        jack_set_error_function(dawgJackMessage)
        jack_set_info_function(dawgJackMessage)
        jackMessagesQuiet.store(true, ordering: .relaxed)
        let opened = dawg_jack_client_open(name, server, 1, &status)
        jackMessagesQuiet.store(false, ordering: .relaxed)
        guard let opened else {
            let failed = status.rawValue & JackServerFailed.rawValue != 0
            throw JackError(
                description: "cannot connect to JACK server \(server ?? "(default)") (status 0x\(String(status.rawValue, radix: 16)))",
                noServer: failed
            )
        }
        handle = opened
        self.name = String(cString: jack_get_client_name(opened))
        sampleRate = Int(jack_get_sample_rate(opened))
        bufferSize = Int(jack_get_buffer_size(opened))
        self.host = host
    }

    /// Control thread, before activation: register `in_1…in_N`, `out_L`, `out_R` and
    /// everything the process callback reads.
    func registerPorts(inputs count: Int, core: UnsafeMutablePointer<RealtimeCore>, followTransport: Bool, midi: [Int: MIDIPortName] = [:]) throws {
        for i in 1...max(1, count) where count > 0 {
            inputs.append(try register("in_\(i)", JackPortIsInput, pretty: "Input \(i)"))
        }
        outputs = [try register("out_L", JackPortIsOutput, pretty: "Master L"), try register("out_R", JackPortIsOutput, pretty: "Master R")]
        let table = UnsafeMutablePointer<OpaquePointer?>.allocate(capacity: max(1, inputs.count))
        table.initialize(repeating: nil, count: max(1, inputs.count))
        for (i, p) in inputs.enumerated() { table[i] = p }
        let buffers = UnsafeMutablePointer<UnsafePointer<Float>?>.allocate(capacity: max(1, inputs.count))
        buffers.initialize(repeating: nil, count: max(1, inputs.count))
        midiSlots = core.pointee.midi.slots
        let midiTable = UnsafeMutablePointer<UnsafeAtomic<Int>>.allocate(capacity: max(1, midiSlots))
        for i in 0..<max(1, midiSlots) { (midiTable + i).initialize(to: .create(0)) }
        self.midiTable = midiTable
        for (slot, port) in midi.sorted(by: { $0.key < $1.key }) { try openMIDI(slot: slot, port) }
        let rt = UnsafeMutablePointer<HostRealtime>.allocate(capacity: 1)
        rt.initialize(to: HostRealtime(
            client: handle, core: core, inputPorts: table, inputCount: inputs.count,
            outLeft: outputs[0], outRight: outputs[1], inputBuffers: buffers,
            cycleTimes: SPSCRing(capacity: 1 << 16), droppedTimes: .create(0), followTransport: followTransport,
            midiPorts: midiTable, midiSlots: midiSlots
        ))
        portTable = table
        inputBuffers = buffers
        realtime = rt
    }

    /// Control thread: install the callbacks and activate.
    func activate(followTransport: Bool) throws {
        guard let rt = realtime else { throw JackError(description: "no ports registered", noServer: false) }
        let me = Unmanaged.passUnretained(self).toOpaque()
        jack_set_process_callback(handle, dawgProcess, rt)
        if followTransport { jack_set_sync_callback(handle, dawgSync, rt) }
        jack_set_xrun_callback(handle, dawgXrun, me)
        jack_set_buffer_size_callback(handle, dawgBufferSize, me)
        jack_set_sample_rate_callback(handle, dawgSampleRate, me)
        jack_set_latency_callback(handle, dawgLatency, me)
        jack_set_port_connect_callback(handle, dawgPortConnect, me)
        jack_set_port_registration_callback(handle, dawgPortRegistration, me)
        jack_on_info_shutdown(handle, dawgShutdown, me)
        guard jack_activate(handle) == 0 else { throw JackError(description: "cannot activate the JACK client", noServer: false) }
    }

    /// Control thread (under the host's call lock): the JACK MIDI port of `slot`, made
    /// or renamed; the process callback sends the slot's messages out of it from its
    /// next cycle.
    func openMIDI(slot: Int, _ port: MIDIPortName) throws {
        guard slot >= 0, slot < midiSlots, let table = midiTable else { return }
        if let existing = midiPorts[slot] {
            if String(cString: jack_port_short_name(existing)) == port.name { return }
            closeMIDI(slot: slot, cycles: nil)
        }
        let p = try register(port.name, JackPortIsOutput, pretty: port.pretty, type: JACK_DEFAULT_MIDI_TYPE)
        midiPorts[slot] = p
        table[slot].store(Int(bitPattern: UnsafeRawPointer(p)), ordering: .releasing)
    }

    /// Control thread (under the host's call lock): take `slot`'s port away. The process
    /// callback stops using it first; the port goes once a cycle has passed without it
    /// (`cycles` counts them; nil: no callback runs).
    func closeMIDI(slot: Int, cycles: UnsafeAtomic<UInt64>?) {
        guard let port = midiPorts.removeValue(forKey: slot), let table = midiTable else { return }
        table[slot].store(0, ordering: .releasing)
        if let cycles {
            let seen = cycles.load(ordering: .acquiring)
            for _ in 0..<200 where cycles.load(ordering: .acquiring) &- seen < 2 { usleep(500) }
        }
        jack_remove_properties(handle, jack_port_uuid(port))
        jack_port_unregister(handle, port)
    }

    private func register(_ port: String, _ flags: JackPortFlags, pretty: String, type: String = JACK_DEFAULT_AUDIO_TYPE) throws -> OpaquePointer {
        guard let p = jack_port_register(handle, port, type, UInt(flags.rawValue), 0) else {
            throw JackError(description: "cannot register port \(port)", noServer: false)
        }
        jack_set_property(handle, jack_port_uuid(p), "http://jackaudio.org/metadata/pretty-name", "\(name) \(pretty)", "text/plain")
        return p
    }

    /// Control thread, once: leave the server and free what the process callback
    /// read. `serverAlive` false when the server has gone: then only the handle is
    /// closed (nothing is left to deactivate or to take properties from).
    func close(serverAlive: Bool) {
        if serverAlive {
            // Take our ports' metadata away while this client still reads its
            // notifications: left to jack_client_close, the server sends one property
            // notification per port to the closing client, which no longer reads them,
            // and past a few dozen ports both wait on each other for ever.
            for port in inputs + outputs + Array(midiPorts.values) { jack_remove_properties(handle, jack_port_uuid(port)) }
            jack_deactivate(handle)
        }
        jack_client_close(handle)
        // No callback runs after jack_client_close: what they read can go.
        if let rt = realtime {
            rt.pointee.droppedTimes.destroy()
            rt.deinitialize(count: 1)
            rt.deallocate()
        }
        portTable?.deallocate()
        inputBuffers?.deallocate()
        if let midiTable {
            for i in 0..<max(1, midiSlots) { midiTable[i].destroy() }
            midiTable.deallocate()
        }
        midiTable = nil
        midiPorts = [:]
        realtime = nil
    }

    func propagateLatency(_ mode: jack_latency_callback_mode_t) {
        let (from, to) = mode == JackCaptureLatency ? (inputs, outputs) : (outputs, inputs)
        var total = jack_latency_range_t(min: UInt32.max, max: 0)
        for p in from {
            var r = jack_latency_range_t()
            jack_port_get_latency_range(p, mode, &r)
            total.min = min(total.min, r.min)
            total.max = max(total.max, r.max)
        }
        if total.min == UInt32.max { total.min = 0 }
        for p in to { jack_port_set_latency_range(p, mode, &total) }
    }
}
