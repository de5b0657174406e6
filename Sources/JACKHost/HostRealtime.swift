import Atomics
import CFloatEnv
import CJack
import CShim
import Engine

/// What the JACK process callback needs, as plain values and pointers: the port
/// handles, the engine core and the counters it reports. Allocated before activation;
/// the callback only reads and writes through it.
///
/// Two layers: `cycle` is the glue that calls into C (libjack, the clock, the FPU
/// mode) and nothing else; `render` is all the logic and is checked by the compiler
/// (`@_noLocks` in release builds), like every processor it calls.
struct HostRealtime {
    let client: OpaquePointer
    let core: UnsafeMutablePointer<RealtimeCore>
    let inputPorts: UnsafeMutablePointer<OpaquePointer?>
    let inputCount: Int
    let outLeft: OpaquePointer
    let outRight: OpaquePointer
    /// This cycle's capture buffers, filled at the top of each cycle.
    let inputBuffers: UnsafeMutablePointer<UnsafePointer<Float>?>
    /// Each cycle's timing, drained by the control side.
    let cycleTimes: SPSCRing<CycleTiming>
    /// Timings that found the ring full (the control side stopped draining).
    let droppedTimes: UnsafeAtomic<Int>
    let followTransport: Bool
    /// Per MIDI out slot: its JACK MIDI port's pointer bits, 0 for none (set by the
    /// control side while the client runs).
    let midiPorts: UnsafeMutablePointer<UnsafeAtomic<Int>>
    let midiSlots: Int
    var lastRolling = false
    var lastFrame: UInt32 = 0
    var seenTransport = false
    /// The server's frame time at the previous cycle's start and that cycle's length
    /// (the period may change between them); nil before the first.
    var lastCycle: (frame: UInt32, length: UInt32)?

    /// What libjack says about this cycle, fetched by the glue.
    struct CycleFacts {
        var frames: UInt32
        /// Frame time at the server's cycle start, and µs from that start to now.
        var serverCycle: (frame: UInt32, wakeMicros: UInt32)?
        /// JACK transport: rolling, and its frame.
        var transport: (rolling: Bool, frame: UInt32)?
        /// Beats per minute, when a timebase master publishes bar-beat-tick.
        var tempo: Float?
        var left: UnsafeMutablePointer<Float>?
        var right: UnsafeMutablePointer<Float>?
        var start: UInt64
    }

    /// Process thread: one JACK cycle. The glue: C calls only.
    mutating func cycle(_ nframes: UInt32) {
        dawg_flush_denormals()
        var facts = CycleFacts(frames: nframes, start: dawg_monotonic_ns())
        var frame: jack_nframes_t = 0, cycleStart: jack_time_t = 0, nextStart: jack_time_t = 0
        var period: Float = 0
        if jack_get_cycle_times(client, &frame, &cycleStart, &nextStart, &period) == 0 {
            let now = jack_get_time()
            facts.serverCycle = (frame, now > cycleStart ? UInt32(truncatingIfNeeded: min(now - cycleStart, UInt64(UInt32.max))) : 0)
        }
        for i in 0..<inputCount {
            inputBuffers[i] = jackBuffer(inputPorts[i], nframes).map { UnsafePointer($0) }
        }
        if followTransport {
            var pos = jack_position_t()
            let state = jack_transport_query(client, &pos)
            facts.transport = (state == JackTransportRolling, pos.frame)
            if pos.valid.rawValue & JackPositionBBT.rawValue != 0 { facts.tempo = Float(pos.beats_per_minute) }
        }
        facts.left = jackBuffer(outLeft, nframes)
        facts.right = jackBuffer(outRight, nframes)
        render(facts)
        sendMIDI(nframes, rendered: facts.left != nil && facts.right != nil)
        record(busy: dawg_monotonic_ns() &- facts.start, facts)
    }

    /// Process thread (glue): each MIDI track's messages of this cycle out of its port
    /// (every port's buffer is cleared each cycle, as JACK asks).
    func sendMIDI(_ nframes: UInt32, rendered: Bool) {
        let outputs = core.pointee.midi
        for slot in 0..<midiSlots {
            let bits = midiPorts[slot].load(ordering: .acquiring)
            guard bits != 0, let buffer = jack_port_get_buffer(OpaquePointer(bitPattern: bits), nframes) else { continue }
            jack_midi_clear_buffer(buffer)
            guard rendered else { continue }
            for m in outputs.messages(slot) where m.offset < nframes {
                var bytes = (m.status, m.data1, m.data2)
                let size = m.status & 0xE0 == 0xC0 ? 2 : 3  // programs and channel pressure have one data byte
                _ = withUnsafeBytes(of: &bytes) { jack_midi_event_write(buffer, m.offset, $0.baseAddress!.assumingMemoryBound(to: UInt8.self), size) }
            }
        }
    }

    /// Process thread: follow the transport and run the engine.
    #if RT_CHECKS
    @_noLocks
    #endif
    mutating func render(_ facts: CycleFacts) {
        if let server = facts.serverCycle {
            core.pointee.published.hostFrameOffset.store(UInt64(server.frame) &- core.pointee.clock, ordering: .relaxed)
        }
        if let t = facts.transport { follow(t.rolling, t.frame, facts.frames, missed: missedFrames(facts)) }
        if facts.transport != nil { core.pointee.follow(tempo: facts.tempo) }
        if let left = facts.left, let right = facts.right {
            core.pointee.process(frames: Int(facts.frames), inputs: UnsafePointer(inputBuffers), left: left, right: right, nanos: facts.start)
        }
    }

    /// Process thread: hand the cycle's timing to the control side. Where this cycle
    /// stands in the server's: how long after the server's cycle start the callback
    /// began, and how many whole cycles the server ran since the previous callback
    /// without this one running (the thread was held up past them).
    #if RT_CHECKS
    @_noLocks
    #endif
    mutating func record(busy: UInt64, _ facts: CycleFacts) {
        var wake: UInt32 = 0, missed: UInt32 = 0
        if let server = facts.serverCycle {
            wake = server.wakeMicros
            if let last = lastCycle, last.length > 0 {
                let cycles = (server.frame &- last.frame) / last.length
                missed = cycles > 1 ? cycles - 1 : 0
            }
            lastCycle = (server.frame, facts.frames)
        }
        let timing = CycleTiming(busyNanos: UInt32(truncatingIfNeeded: min(busy, UInt64(UInt32.max))), wakeMicros: wake, missed: missed)
        if !cycleTimes.push(timing) {
            droppedTimes.wrappingIncrement(ordering: .relaxed)
        }
    }

    /// Process thread: frames of server cycles run since the previous callback that this
    /// client never saw (it was held up past them); 0 when none or when the server's
    /// clock moved too far for that (a new server).
    #if RT_CHECKS
    @_noLocks
    #endif
    func missedFrames(_ facts: CycleFacts) -> UInt32 {
        guard let server = facts.serverCycle, let last = lastCycle else { return 0 }
        let advanced = server.frame &- last.frame
        guard advanced > last.length, advanced - last.length <= Self.mostMissed else { return 0 }
        return advanced - last.length
    }

    /// More missed than this (about ten seconds) is not a late client but another clock.
    static let mostMissed: UInt32 = 1 << 19

    /// Follow JACK transport: start and stop with it, and relocate when it jumps
    /// (another client located it). The engine's own loop is not a JACK jump, and
    /// neither is the transport rolling on through cycles this client missed.
    #if RT_CHECKS
    @_noLocks
    #endif
    mutating func follow(_ rolling: Bool, _ frame: UInt32, _ nframes: UInt32, missed: UInt32) {
        if !seenTransport {
            seenTransport = true
            core.pointee.follow(playing: rolling, locate: Int64(frame))
        } else {
            let expected = lastFrame &+ (lastRolling ? nframes : 0)
            let jumped = frame != expected
            let ahead = frame &- expected
            if rolling && lastRolling && frame == lastFrame {
                // A late client makes JACK hand out one period twice (and skip the next),
                // its transport standing still for it: not a locate. The engine rolls on
                // from where it was; the skip that follows lands where it expects.
                lastFrame = expected
                return
            } else if rolling && lastRolling && missed > 0 && ahead > 0 && ahead <= missed &+ 4 &* nframes {
                // Rolled on through cycles this client missed: the transport moved ahead
                // by about what the server's clock says was missed. Under load the two
                // can disagree by a period or more (the dummy driver's timer catching
                // up), so the transport's own step is taken, up to four periods beyond.
                core.pointee.follow(skipped: Int64(ahead))
            } else if rolling != lastRolling || jumped {
                core.pointee.follow(playing: rolling, locate: jumped ? Int64(frame) : nil)
            }
        }
        lastRolling = rolling
        lastFrame = frame
    }

    /// Process thread (glue).
    func jackBuffer(_ port: OpaquePointer?, _ nframes: UInt32) -> UnsafeMutablePointer<Float>? {
        guard let port, let raw = jack_port_get_buffer(port, nframes) else { return nil }
        return raw.assumingMemoryBound(to: Float.self)
    }
}
