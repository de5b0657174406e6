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
    /// Callback durations in nanoseconds, drained by the control side.
    let callbackTimes: SPSCRing<UInt32>
    /// Durations that found the ring full (the control side stopped draining).
    let droppedTimes: UnsafeAtomic<Int>
    let followTransport: Bool
    var lastRolling = false
    var lastFrame: UInt32 = 0
    var seenTransport = false

    /// Process thread: one JACK cycle.
    #if RT_CHECKS
    @_noLocks
    #endif
    mutating func cycle(_ nframes: UInt32) {
        let start = dawg_monotonic_ns()
        let frames = Int(nframes)
        for i in 0..<inputCount {
            inputBuffers[i] = jackBuffer(inputPorts[i], nframes).map { UnsafePointer($0) }
        }
        if followTransport { follow(nframes) }
        if let left = jackBuffer(outLeft, nframes), let right = jackBuffer(outRight, nframes) {
            core.pointee.process(frames: frames, inputs: UnsafePointer(inputBuffers), left: left, right: right, nanos: start)
        }
        let elapsed = dawg_monotonic_ns() &- start
        if !callbackTimes.push(UInt32(truncatingIfNeeded: min(elapsed, UInt64(UInt32.max)))) {
            droppedTimes.wrappingIncrement(ordering: .relaxed)
        }
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
