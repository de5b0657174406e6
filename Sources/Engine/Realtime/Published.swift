import Atomics

/// Values the realtime side publishes for the control side to read: meters, the
/// transport, the frame clock and counters. Each is a single atomic word, written by
/// the realtime side only (relaxed stores are enough: readers want the latest value,
/// not an ordering with other memory), except the cycle anchor, which is a seqlock.
public struct Published: @unchecked Sendable {
    // @unchecked Sendable: every field is an atomic or a pointer to atomics.
    @usableFromInline let meterStorage: UnsafeMutablePointer<UnsafeAtomic<UInt32>.Storage>
    public let playing: UnsafeAtomic<Bool>
    public let position: UnsafeAtomic<Int64>
    /// Frames processed since the engine started.
    public let clock: UnsafeAtomic<UInt64>
    /// Seqlock over (`anchorClock`, `anchorNanos`): the frame clock and monotonic time
    /// at the start of the latest cycle. Odd while being written.
    public let anchorSequence: UnsafeAtomic<UInt64>
    public let anchorClock: UnsafeAtomic<UInt64>
    public let anchorNanos: UnsafeAtomic<UInt64>
    /// Commands applied later than their time (the ring was late or the time past).
    public let lateCommands: UnsafeAtomic<Int>
    /// Timed commands applied at once because the pending table was full.
    public let pendingOverflows: UnsafeAtomic<Int>
    /// Cycles larger than `maxFrames`, answered with silence.
    public let oversizedCycles: UnsafeAtomic<Int>
    public let cycles: UnsafeAtomic<UInt64>
    /// Events the process thread dropped because the event ring was full.
    public let droppedEvents: UnsafeAtomic<Int>
    /// The transport tempo in use (bpm, a Float's bits): set over OSC or followed from
    /// the JACK timebase master.
    public let tempoBits: UnsafeAtomic<UInt32>
    /// True while the tempo comes from another client's bar-beat-tick (JACK timebase).
    public let tempoFollowed: UnsafeAtomic<Bool>
    /// Record enabled.
    public let recording: UnsafeAtomic<Bool>
    /// The host's frame time less the engine's frame clock, at the last cycle's start
    /// (JACK: `jack_get_cycle_times`' frame), so an engine frame maps to a JACK frame.
    public let hostFrameOffset: UnsafeAtomic<UInt64>

    init(strips: Int) {
        meterStorage = .allocate(capacity: strips * 3)
        meterStorage.initialize(repeating: .init(0), count: strips * 3)
        playing = .create(false)
        position = .create(0)
        clock = .create(0)
        anchorSequence = .create(0)
        anchorClock = .create(0)
        anchorNanos = .create(0)
        lateCommands = .create(0)
        pendingOverflows = .create(0)
        oversizedCycles = .create(0)
        cycles = .create(0)
        droppedEvents = .create(0)
        tempoBits = .create(Float(120).bitPattern)
        tempoFollowed = .create(false)
        recording = .create(false)
        hostFrameOffset = .create(0)
    }

    func destroy() {
        meterStorage.deallocate()
        for a in [lateCommands, pendingOverflows, oversizedCycles, droppedEvents] { a.destroy() }
        playing.destroy(); position.destroy(); clock.destroy(); cycles.destroy(); tempoBits.destroy(); tempoFollowed.destroy(); recording.destroy(); hostFrameOffset.destroy()
        anchorSequence.destroy(); anchorClock.destroy(); anchorNanos.destroy()
    }

    /// Realtime side.
    #if RT_CHECKS
    @_noLocks
    #endif
    @inlinable
    func storeMeter(strip: Int, peak: Float, meanSquare: Float) {
        UnsafeAtomic<UInt32>(at: meterStorage + 3 * strip).store(peak.bitPattern, ordering: .relaxed)
        UnsafeAtomic<UInt32>(at: meterStorage + 3 * strip + 1).store(meanSquare.bitPattern, ordering: .relaxed)
    }

    /// Realtime side: a dynamics processor's gain reduction on a strip, in dB (≥ 0).
    #if RT_CHECKS
    @_noLocks
    #endif
    @inlinable
    func storeGainReduction(strip: Int, db: Float) {
        UnsafeAtomic<UInt32>(at: meterStorage + 3 * strip + 2).store(db.bitPattern, ordering: .relaxed)
    }

    /// Control side: the tempo the engine runs at.
    public var tempo: Float { Float(bitPattern: tempoBits.load(ordering: .relaxed)) }

    /// Control side: the latest gain reduction of a strip's compressor, in dB.
    public func gainReduction(strip: Int) -> Float {
        Float(bitPattern: UnsafeAtomic<UInt32>(at: meterStorage + 3 * strip + 2).load(ordering: .relaxed))
    }

    /// Control side: the latest peak (with fall-back) and RMS of a strip, linear.
    public func meter(strip: Int) -> (peak: Float, rms: Float) {
        let p = UnsafeAtomic<UInt32>(at: meterStorage + 3 * strip).load(ordering: .relaxed)
        let r = UnsafeAtomic<UInt32>(at: meterStorage + 3 * strip + 1).load(ordering: .relaxed)
        return (Float(bitPattern: p), Float(bitPattern: r).squareRoot())
    }

    /// Realtime side: record the start of a cycle.
    #if RT_CHECKS
    @_noLocks
    #endif
    @inlinable
    func storeAnchor(clock c: UInt64, nanos: UInt64) {
        let s = anchorSequence.load(ordering: .relaxed)
        anchorSequence.store(s &+ 1, ordering: .relaxed)
        atomicMemoryFence(ordering: .releasing)
        anchorClock.store(c, ordering: .relaxed)
        anchorNanos.store(nanos, ordering: .relaxed)
        anchorSequence.store(s &+ 2, ordering: .releasing)
    }

    /// Control side: frame clock and monotonic nanoseconds at the latest cycle start.
    public func anchor() -> (clock: UInt64, nanos: UInt64) {
        while true {
            let s1 = anchorSequence.load(ordering: .acquiring)
            if s1 & 1 == 1 { continue }
            let c = anchorClock.load(ordering: .relaxed)
            let n = anchorNanos.load(ordering: .relaxed)
            atomicMemoryFence(ordering: .acquiring)
            if anchorSequence.load(ordering: .relaxed) == s1 { return (c, n) }
        }
    }
}
