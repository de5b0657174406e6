#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Control side: the per-sample keep factor `exp(−1 / (τ·fs))` of a one-pole smoother
/// whose time constant is τ (it covers 1 − 1/e of a step in τ).
public enum OnePole {
    public static func keep(seconds: Double, sampleRate: Double) -> Float {
        seconds <= 0 ? 0 : Float(exp(-1 / (seconds * sampleRate)))
    }

    public static func keep(ms: Float, sampleRate: Double) -> Float { keep(seconds: Double(ms) / 1000, sampleRate: sampleRate) }
}
