import Atomics
import CJack
import CShim
import Engine

/// What the JACK process callback needs, as plain values and pointers: the port
/// handles, the engine core and the counters it reports. Allocated before activation;
/// the callback only reads and writes through it.
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
    var lastRolling = false
    var lastFrame: UInt32 = 0
    var seenTransport = false
    /// The server's frame time at the previous cycle's start and that cycle's length
    /// (the period may change between them); nil before the first.
    var lastCycle: (frame: UInt32, length: UInt32)?

    /// Process thread: one JACK cycle.
    #if RT_CHECKS
    @_noLocks
    #endif
    mutating func cycle(_ nframes: UInt32) {
        let start = dawg_monotonic_ns()
        let (woke, missed) = cyclePosition(nframes)
        let frames = Int(nframes)
        for i in 0..<inputCount {
            inputBuffers[i] = jackBuffer(inputPorts[i], nframes).map { UnsafePointer($0) }
        }
        if followTransport { follow(nframes) }
        if let left = jackBuffer(outLeft, nframes), let right = jackBuffer(outRight, nframes) {
            core.pointee.process(frames: frames, inputs: UnsafePointer(inputBuffers), left: left, right: right, nanos: start)
        }
        let elapsed = dawg_monotonic_ns() &- start
        let timing = CycleTiming(busyNanos: UInt32(truncatingIfNeeded: min(elapsed, UInt64(UInt32.max))), wakeMicros: woke, missed: missed)
        if !cycleTimes.push(timing) {
            droppedTimes.wrappingIncrement(ordering: .relaxed)
        }
    }

    /// Where this cycle stands in the server's: microseconds from the server's cycle
    /// start to now (how long the thread took to run after JACK woke it, in JACK's
    /// clock), and how many whole cycles the server ran since the previous callback
    /// without this one running (the thread was held up past them).
    mutating func cyclePosition(_ nframes: UInt32) -> (wakeMicros: UInt32, missed: UInt32) {
        var frame: jack_nframes_t = 0
        var cycleStart: jack_time_t = 0
        var nextStart: jack_time_t = 0
        var period: Float = 0
        guard jack_get_cycle_times(client, &frame, &cycleStart, &nextStart, &period) == 0 else { return (0, 0) }
        let now = jack_get_time()
        let wake = now > cycleStart ? UInt32(truncatingIfNeeded: min(now - cycleStart, UInt64(UInt32.max))) : 0
        var missed: UInt32 = 0
        if let last = lastCycle, last.length > 0 {
            let cycles = (frame &- last.frame) / last.length
            missed = cycles > 1 ? cycles - 1 : 0
        }
        lastCycle = (frame, nframes)
        return (wake, missed)
    }

    /// Follow JACK transport: start and stop with it, and relocate when it jumps
    /// (another client located it). The engine's own loop is not a JACK jump.
    mutating func follow(_ nframes: UInt32) {
        var pos = jack_position_t()
        let state = jack_transport_query(client, &pos)
        let rolling = state == JackTransportRolling
        if !seenTransport {
            seenTransport = true
            core.pointee.follow(playing: rolling, locate: Int64(pos.frame))
        } else {
            let expected = lastFrame &+ (lastRolling ? nframes : 0)
            let jumped = pos.frame != expected
            if rolling != lastRolling || jumped {
                core.pointee.follow(playing: rolling, locate: jumped ? Int64(pos.frame) : nil)
            }
        }
        lastRolling = rolling
        lastFrame = pos.frame
    }

    func jackBuffer(_ port: OpaquePointer?, _ nframes: UInt32) -> UnsafeMutablePointer<Float>? {
        guard let port, let raw = jack_port_get_buffer(port, nframes) else { return nil }
        return raw.assumingMemoryBound(to: Float.self)
    }
}
