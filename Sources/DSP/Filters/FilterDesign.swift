#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Control side: SVF coefficients for the shapes a mixer's EQ needs, designed in
/// double precision (they call libm, so never on the process thread).
public enum FilterDesign {
    /// The five shapes of a second-order section.
    public enum Shape: String, Sendable, CaseIterable {
        case lowPass, highPass, bell, lowShelf, highShelf
    }

    /// Butterworth quality factors of the two sections of a fourth-order filter.
    public static let butterworth4: (Double, Double) = (0.541196100146197, 1.306562964876377)

    /// A second-order section at `frequency` Hz (clamped below Nyquist), quality `q`,
    /// `gainDb` for bells and shelves.
    public static func section(_ shape: Shape, frequency: Double, q: Double, gainDb: Double = 0, sampleRate: Double) -> SVFCoefficients {
        let f = min(max(frequency, 1), sampleRate * 0.49)
        let w = tan(Double.pi * f / sampleRate)
        let k = 1 / q
        let a = pow(10, gainDb / 40)
        let (g, kk, m0, m1, m2): (Double, Double, Double, Double, Double)
        switch shape {
        case .lowPass: (g, kk, m0, m1, m2) = (w, k, 0, 0, 1)
        case .highPass: (g, kk, m0, m1, m2) = (w, k, 1, -k, -1)
        case .bell:
            let kb = 1 / (q * a)
            (g, kk, m0, m1, m2) = (w, kb, 1, kb * (a * a - 1), 0)
        case .lowShelf: (g, kk, m0, m1, m2) = (w / a.squareRoot(), k, 1, k * (a - 1), a * a - 1)
        case .highShelf: (g, kk, m0, m1, m2) = (w * a.squareRoot(), k, a * a, k * (1 - a) * a, 1 - a * a)
        }
        return SVFCoefficients(g: Float(g), k: Float(kk), m0: Float(m0), m1: Float(m1), m2: Float(m2))
    }
}
