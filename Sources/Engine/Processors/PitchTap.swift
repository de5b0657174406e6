import Atomics
import DSP

/// Sink: the live pitch of a track's source (`LivePitchTracker`), a reading every 5 ms
/// into a `PitchStream`, each stamped with the engine frame it describes and the
/// transport position there (so a reference melody can follow the transport). It runs
/// whether or not the transport rolls: a singer is heard while the song is stopped.
/// Stereo sources are tracked as their mid (L + R) / 2.
public struct PitchTap: RealtimeProcessor {
    var tracker: LivePitchTracker
    let readings: SPSCRing<PitchEvent>
    let dropped: UnsafeAtomic<Int>
    /// Room for the readings one block can make.
    let scratch: UnsafeMutablePointer<PitchReading>
    let scratchCapacity: Int
    /// Input samples pushed so far (the tracker counts the same).
    var pushed: Int64 = 0

    /// Control side. `maxFrames`: the largest block the engine renders.
    public init(stream: PitchStream, sampleRate: Double, maxFrames: Int, settings: LivePitchTracker.Settings = .init()) {
        tracker = LivePitchTracker(sampleRate: sampleRate, settings: settings, maxBlock: maxFrames)
        readings = stream.readings
        dropped = stream.dropped
        // A reading every half hop at most (while the tracker waits for a voice).
        scratchCapacity = maxFrames / max(1, Int(settings.hopSeconds * sampleRate / 2)) + 2
        scratch = .allocate(capacity: scratchCapacity)
        scratch.initialize(repeating: PitchReading(hz: 0, confidence: 0, levelDb: 0, sample: 0), count: scratchCapacity)
    }

    /// Control side: the node, keeping the stream alive while any schedule can run it.
    public static func node(stream: PitchStream, sampleRate: Double, maxFrames: Int, settings: LivePitchTracker.Settings = .init()) -> NodeState {
        NodeState(.pitch, PitchTap(stream: stream, sampleRate: sampleRate, maxFrames: maxFrames, settings: settings), retaining: [stream])
    }

    public mutating func release() {
        tracker.free()
        scratch.deallocate()
    }

    /// Process thread.
    #if RT_CHECKS
    @_noLocks
    #endif
    public mutating func process(_ block: ProcessBlock) {
        let ctx = block.context.pointee
        let n = ctx.frames
        guard block.inputCount >= 1 else { return }
        var input = UnsafePointer(block.input(0))
        if block.inputCount >= 2 {
            let mid = ctx.scratch  // (L + R) / 2
            Kernels.copy(block.input(0), mid, n)
            Kernels.accumulate(block.input(1), mid, n)
            Kernels.multiply(mid, mid, n, gain: 0.5)
            input = UnsafePointer(mid)
        }
        let made = tracker.push(input, n, into: scratch, capacity: scratchCapacity)
        for i in 0..<made {
            let r = scratch[i]
            let into = max(0, r.sample - pushed)
            let position = ctx.playing ? ctx.position &+ into : PitchEvent.stopped
            if !readings.push(PitchEvent(reading: r, frame: ctx.clock &+ UInt64(into), position: position)) {
                dropped.wrappingIncrement(ordering: .relaxed)
            }
        }
        pushed += Int64(n)
    }
}
