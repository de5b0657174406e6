#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Conversions between decibels and linear amplitude. Control-side helpers: they call
/// libm, so the realtime side receives their results, never calls them per sample.
public enum Decibels {
    /// Linear amplitude for `db`; −∞ dB is silence (0).
    @inlinable
    public static func toGain(_ db: Float) -> Float {
        if db == -.infinity { return 0 }
        return powf(10, db / 20)
    }

    /// Level in dB of a linear amplitude; 0 (and anything non-positive) is −∞.
    @inlinable
    public static func fromGain(_ gain: Float) -> Float {
        if !(gain > 0) { return -.infinity }
        return 20 * log10f(gain)
    }

    /// dBFS of a meter value, floored so a silent strip reads a finite number that
    /// surfaces can draw (−∞ is not valid JSON and many OSC surfaces reject it).
    @inlinable
    public static func meterReading(_ gain: Float, floor: Float = -120) -> Float {
        Swift.max(floor, fromGain(gain))
    }
}
