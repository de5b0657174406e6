import Atomics

/// One 100 ms step of a loudness meter: the K-weighted mean square summed over the
/// channels (BS.1770's weighting, all channels at 1), the true peak in it (linear), and
/// the engine frame it ends at.
public struct LoudnessStep: BitwiseCopyable, Sendable, Equatable {
    public var energy: Double
    public var truePeak: Float
    public var frame: UInt64

    public init(energy: Double, truePeak: Float, frame: UInt64) {
        self.energy = energy
        self.truePeak = truePeak
        self.frame = frame
    }
}

/// The steps of one meter: a `LoudnessTap` pushes them on the process thread, the
/// control side pops them. A full ring drops the step and counts it.
public final class LoudnessStream: @unchecked Sendable {
    // @unchecked Sendable: an SPSC ring (tap pushes, one consumer pops) and an atomic.
    public let steps: SPSCRing<LoudnessStep>
    public let dropped: UnsafeAtomic<Int>

    /// Control side: room for about 400 s of steps.
    public init(capacity: Int = 4096) {
        steps = SPSCRing(capacity: capacity)
        dropped = .create(0)
    }

    deinit {
        steps.destroy()
        dropped.destroy()
    }
}
