#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Peak and RMS meter ballistics for one channel, advanced block by block on the
/// realtime side.
///
/// Peak: instant attack, then falls at a fixed rate in dB per second (the usual
/// console fall-back), so a surface polling at 30 Hz never misses a transient.
/// RMS: a one-pole average of x² with a 300 ms time constant, so a steady sine of
/// amplitude A reads A/√2 (−3.01 dB below its peak).
public struct MeterBallistics: Sendable {
    /// Multiplier applied to the held peak per sample (from the fall rate).
    public var peakFallPerSample: Float
    /// One-pole coefficient for the mean square.
    public var rmsCoefficient: Float

    public init(sampleRate: Double, peakFallDbPerSecond: Double = 20, rmsTimeConstant: Double = 0.3) {
        peakFallPerSample = Float(Decibels.toGain(Float(-peakFallDbPerSecond / sampleRate)))
        rmsCoefficient = Float(1 - exp(-1 / (rmsTimeConstant * sampleRate)))
    }
}

public struct MeterState: Sendable {
    public var peak: Float = 0
    public var meanSquare: Float = 0

    @inlinable public init() {}

    public var rms: Float { meanSquare.squareRoot() }

    @inlinable @_noLocks
    public mutating func update(_ src: UnsafePointer<Float>, _ count: Int, _ b: MeterBallistics) {
        var p = peak
        var ms = meanSquare
        let c = b.rmsCoefficient
        for i in 0..<count {
            let x = src[i]
            p = Swift.max(Swift.abs(x), p * b.peakFallPerSample)
            ms += c * (x * x - ms)
        }
        // Flush tiny values so a silent strip decays to exactly zero, not to denormals.
        peak = p < 1e-20 ? 0 : p
        meanSquare = ms < 1e-30 ? 0 : ms
    }

    /// Silence: used when a strip is skipped because its gain is zero.
    @inlinable @_noLocks
    public mutating func decay(_ count: Int, _ b: MeterBallistics) {
        var p = peak
        var ms = meanSquare
        let keep = 1 - b.rmsCoefficient
        for _ in 0..<count { p *= b.peakFallPerSample; ms *= keep }
        peak = p < 1e-20 ? 0 : p
        meanSquare = ms < 1e-30 ? 0 : ms
    }
}

