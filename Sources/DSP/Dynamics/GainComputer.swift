/// The static curve of a compressor with a soft knee (Giannoulis, Massberg and Reiss,
/// "Digital Dynamic Range Compressor Design — A Tutorial and Analysis", JAES 2012):
/// below the knee the level passes, above it rises 1/ratio as fast, and across the knee
/// (`knee` dB wide, centred on the threshold) the two join in a quadratic.
public struct GainComputer: Sendable, Equatable {
    public var threshold: Float
    public var ratio: Float
    public var knee: Float

    @inlinable
    public init(threshold: Float, ratio: Float, knee: Float) {
        self.threshold = threshold
        self.ratio = ratio
        self.knee = knee
    }

    /// Gain reduction in dB (≥ 0) for an input level in dB.
    @inlinable @_noLocks
    public func reduction(_ level: Float) -> Float {
        let over = level - threshold
        let slope = 1 - 1 / ratio
        if 2 * over <= -knee { return 0 }
        if 2 * over < knee {
            let x = over + knee / 2
            return slope * x * x / (2 * knee)
        }
        return slope * over
    }
}

/// Gain-reduction smoothing in two stages, so attack and release times are what they
/// say: a peak stage that jumps up at once and falls with the release time constant
/// (holding between the peaks of a waveform), then an attack stage that rises with the
/// attack time constant and follows falls at once. Each time constant is the time to
/// cover 1 − 1/e (63 %) of a step.
public struct BallisticsState: Sendable {
    public var peak: Float = 0
    public var smooth: Float = 0
    @inlinable public init() {}

    @inlinable @_noLocks
    public mutating func follow(_ target: Float, attackKeep: Float, releaseKeep: Float) -> Float {
        peak = Swift.max(target, releaseKeep * peak + (1 - releaseKeep) * target)
        smooth = peak > smooth ? attackKeep * smooth + (1 - attackKeep) * peak : peak
        if smooth < 1e-6 { smooth = 0 }
        if peak < 1e-6 { peak = 0 }
        return smooth
    }
}
