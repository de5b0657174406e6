#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Peak and RMS meter ballistics, advanced block by block on the realtime side.
///
/// Peak: the block's largest |x|, or the held peak fallen at a fixed rate in dB per
/// second, whichever is higher (the console fall-back), so a surface polling at 30 Hz
/// never misses a transient. RMS: a one-pole average of x² with a 300 ms time constant,
/// applied per block (exact for steady signals), so a steady sine of amplitude A reads
/// A/√2. Per block rather than per sample: the sums vectorise; the recurrences do not.
public struct MeterBallistics: Sendable {
    /// Multiplier applied to the held peak per sample (from the fall rate).
    public var peakFallPerSample: Float
    /// What the mean square keeps of itself per sample (1 − the one-pole coefficient).
    public var rmsKeepPerSample: Float

    public init(sampleRate: Double, peakFallDbPerSecond: Double = 20, rmsTimeConstant: Double = 0.3) {
        peakFallPerSample = Float(Decibels.toGain(Float(-peakFallDbPerSecond / sampleRate)))
        rmsKeepPerSample = Float(exp(-1 / (rmsTimeConstant * sampleRate)))
    }

    /// The per-block factors for blocks of `count` frames: computed once per block and
    /// shared by every strip.
    @inlinable @_noLocks
    public func block(_ count: Int) -> MeterBlock {
        MeterBlock(count: count, peakFall: Kernels.power(peakFallPerSample, count), rmsKeep: Kernels.power(rmsKeepPerSample, count))
    }
}

/// Ballistics for one block length.
public struct MeterBlock: Sendable {
    public var count: Int
    public var peakFall: Float
    public var rmsKeep: Float

    @inlinable
    public init(count: Int, peakFall: Float, rmsKeep: Float) {
        self.count = count
        self.peakFall = peakFall
        self.rmsKeep = rmsKeep
    }
}

public struct MeterState: Sendable {
    public var peak: Float = 0
    public var meanSquare: Float = 0

    @inlinable public init() {}

    public var rms: Float { meanSquare.squareRoot() }

    /// Fold in a block whose largest |x| is `blockPeak` and whose Σx² is `sumOfSquares`.
    @inlinable @_noLocks
    public mutating func update(blockPeak: Float, sumOfSquares: Float, _ b: MeterBlock) {
        guard b.count > 0 else { return }
        let p = Swift.max(blockPeak, peak * b.peakFall)
        let ms = meanSquare * b.rmsKeep + (1 - b.rmsKeep) * (sumOfSquares / Float(b.count))
        // Flush tiny values so a silent strip decays to exactly zero, not to denormals.
        peak = p < 1e-20 ? 0 : p
        meanSquare = ms < 1e-30 ? 0 : ms
    }

    @inlinable @_noLocks
    public mutating func update(_ src: UnsafePointer<Float>, _ b: MeterBlock) {
        let r = Kernels.peakAndSumOfSquares(src, b.count)
        update(blockPeak: r.peak, sumOfSquares: r.sumOfSquares, b)
    }

    /// Silence: used when a strip is skipped because its gain is zero.
    @inlinable @_noLocks
    public mutating func decay(_ b: MeterBlock) {
        update(blockPeak: 0, sumOfSquares: 0, b)
    }
}
