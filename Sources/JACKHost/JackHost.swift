import Atomics
import CJack
import CShim
import Engine
import Logging

public struct JackError: Error, CustomStringConvertible {
    public let description: String
    /// True when no server was running (the caller may start one).
    public let noServer: Bool
}

/// The JACK client: opens it, registers `in_1…in_N`, `out_L`, `out_R`, runs the engine
/// in the process callback, follows JACK transport, reports latency, counts xruns and
/// notices the server going away.
public final class JackHost: @unchecked Sendable {
    // @unchecked Sendable: after `start`, mutable state is atomics or behind `lock`.
    public let client: OpaquePointer
    public let clientName: String
    public let sampleRate: Int
    public let xruns = ManagedAtomic<Int>(0)
    public let bufferSize: ManagedAtomic<Int>
    let logger: Logger
    private let lock = ControlLock()
    private var shutdownReason: String?
    private var closed = false
    private var realtime: UnsafeMutablePointer<HostRealtime>?
    private var inputs: [OpaquePointer] = []
    private var outputs: [OpaquePointer] = []

    /// Connect to the server `serverName` (nil: the default one); never starts one.
    public init(clientName: String, serverName: String?, logger: Logger) throws {
        var status = jack_status_t(rawValue: 0)
        jack_set_error_function(dawgJackMessage)
        jack_set_info_function(dawgJackMessage)
        jackMessagesQuiet.store(true, ordering: .relaxed)
        let opened = dawg_jack_client_open(clientName, serverName, 1, &status)
        jackMessagesQuiet.store(false, ordering: .relaxed)
        guard let client = opened else {
            let failed = status.rawValue & JackServerFailed.rawValue != 0
            throw JackError(
                description: "cannot connect to JACK server \(serverName ?? "(default)") (status 0x\(String(status.rawValue, radix: 16)))",
                noServer: failed
            )
        }
        self.client = client
        self.clientName = String(cString: jack_get_client_name(client))
        self.sampleRate = Int(jack_get_sample_rate(client))
        self.bufferSize = ManagedAtomic(Int(jack_get_buffer_size(client)))
        self.logger = logger
    }

    deinit {
        close()
    }

    /// Register ports, install callbacks, warm the engine up and activate.
    public func start(engine: EngineHandle, inputs count: Int, followTransport: Bool = true) throws {
        for i in 1...max(1, count) where count > 0 {
            inputs.append(try register("in_\(i)", JackPortIsInput, pretty: "Input \(i)"))
        }
        outputs = [try register("out_L", JackPortIsOutput, pretty: "Master L"), try register("out_R", JackPortIsOutput, pretty: "Master R")]
        let portTable = UnsafeMutablePointer<OpaquePointer?>.allocate(capacity: max(1, inputs.count))
        for (i, p) in inputs.enumerated() { portTable[i] = p }
        let buffers = UnsafeMutablePointer<UnsafePointer<Float>?>.allocate(capacity: max(1, inputs.count))
        buffers.initialize(repeating: nil, count: max(1, inputs.count))
        let rt = UnsafeMutablePointer<HostRealtime>.allocate(capacity: 1)
        rt.initialize(to: HostRealtime(
            client: client, core: engine.core, inputPorts: portTable, inputCount: inputs.count,
            outLeft: outputs[0], outRight: outputs[1], inputBuffers: buffers,
            cycleTimes: SPSCRing(capacity: 1 << 16), droppedTimes: .create(0), followTransport: followTransport
        ))
        realtime = rt
        warmUp(engine)

        let me = Unmanaged.passUnretained(self).toOpaque()
        jack_set_process_callback(client, dawgProcess, rt)
        if followTransport { jack_set_sync_callback(client, dawgSync, rt) }
        jack_set_xrun_callback(client, dawgXrun, me)
        jack_set_buffer_size_callback(client, dawgBufferSize, me)
        jack_set_sample_rate_callback(client, dawgSampleRate, me)
        jack_set_latency_callback(client, dawgLatency, me)
        jack_on_info_shutdown(client, dawgShutdown, me)
        guard jack_activate(client) == 0 else { throw JackError(description: "cannot activate the JACK client", noServer: false) }
    }

    /// Run a few silent cycles before activation, so every page the process path
    /// touches is mapped and every lazy runtime path has been taken.
    private func warmUp(_ engine: EngineHandle) {
        let frames = min(engine.config.maxFrames, max(bufferSize.load(ordering: .relaxed), 1))
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: 2 * frames)
        scratch.initialize(repeating: 0, count: 2 * frames)
        let inputs = UnsafeMutablePointer<UnsafePointer<Float>?>.allocate(capacity: max(1, engine.config.inputs))
        inputs.initialize(repeating: nil, count: max(1, engine.config.inputs))
        let saved = engine.core.pointee
        for _ in 0..<4 {
            engine.core.pointee.process(frames: frames, inputs: inputs, left: scratch, right: scratch + frames, nanos: dawg_monotonic_ns())
        }
        // The warm-up must not advance the transport or the frame clock.
        engine.core.pointee.restoreClock(from: saved)
        inputs.deallocate()
        scratch.deallocate()
    }

    private func register(_ name: String, _ flags: JackPortFlags, pretty: String) throws -> OpaquePointer {
        guard let port = jack_port_register(client, name, JACK_DEFAULT_AUDIO_TYPE, UInt(flags.rawValue), 0) else {
            throw JackError(description: "cannot register port \(name)", noServer: false)
        }
        jack_set_property(client, jack_port_uuid(port), "http://jackaudio.org/metadata/pretty-name", "\(clientName) \(pretty)", "text/plain")
        return port
    }

    // MARK: - Control side

    /// Cycle timings since the last call.
    public func drainCycleTimes(_ body: (CycleTiming) -> Void) {
        guard let rt = realtime else { return }
        while let t = rt.pointee.cycleTimes.pop() { body(t) }
    }

    public var dspLoad: Float { jack_cpu_load(client) }

    var allPorts: [OpaquePointer] { lock.withLock { inputs + outputs } }

    /// Set once the server has gone; the reason JACK gave.
    public var shutdown: String? { lock.withLock { shutdownReason } }

    /// Signalled when the server goes away, so a waiting thread hears of it at once.
    public var shutdownSignal: Wakeup? {
        get { lock.withLock { _shutdownSignal } }
        set { lock.withLock { _shutdownSignal = newValue } }
    }
    private var _shutdownSignal: Wakeup?

    func serverShutDown(_ reason: String) {
        let wake = lock.withLock {
            shutdownReason = reason
            return _shutdownSignal
        }
        wake?.signal()
    }

    func bufferSizeChanged(_ frames: Int) {
        bufferSize.store(frames, ordering: .relaxed)
        logger.info("JACK period is now \(frames) frames")
    }

    func sampleRateChanged(_ rate: Int) {
        if rate != sampleRate {
            logger.error("JACK sample rate changed from \(sampleRate) to \(rate) Hz; files stay at \(sampleRate) Hz until reloaded")
        }
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

    /// Leave the server: deactivate and close the client (once).
    /// Frames between a sound leaving dawg and the same moment arriving back on capture
    /// port `input` (from 0): the port's capture latency plus the outputs' playback
    /// latency, as JACK reports them (the maxima of the ranges). A take recorded through
    /// `input` is placed this much earlier on the timeline, where it was heard.
    public func recordingLatency(input: Int) -> Int {
        let (ins, outs) = lock.withLock { (inputs, outputs) }
        guard input >= 0, input < ins.count else { return 0 }
        var capture = jack_latency_range_t()
        jack_port_get_latency_range(ins[input], JackCaptureLatency, &capture)
        var playback: UInt32 = 0
        for p in outs {
            var r = jack_latency_range_t()
            jack_port_get_latency_range(p, JackPlaybackLatency, &r)
            playback = max(playback, r.max)
        }
        return Int(capture.max) + Int(playback)
    }

    public func close() {
        let first = lock.withLock { () -> Bool in
            defer { closed = true }
            return !closed
        }
        guard first else { return }
        // Take our ports' metadata away while this client still reads its notifications:
        // left to jack_client_close, the server sends one property notification per port
        // to the closing client, which no longer reads them, and past a few dozen ports
        // both wait on each other for ever.
        for port in inputs + outputs { jack_remove_properties(client, jack_port_uuid(port)) }
        jack_deactivate(client)
        jack_client_close(client)
    }
}
