#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension PeriodicityAnalyzer {
    /// Whether what makes the frame repeat at twice candidate `i`'s period is a lone tone
    /// an octave under a note of i's pitch that has harmonics of its own: the energy at
    /// half i's frequency is over `oddShare` times that of the odd multiples of the half
    /// above it (3/2 … 9/2) and under that of i's harmonics 2 … 5. FluidR3's nylon guitar
    /// carries such a tone 5–14 dB under many notes (its harmonics 9–19 dB over it,
    /// nothing at 3/2 or 5/2), heard as the note. A voice whose only strong partial is its
    /// second harmonic, on a formant, looks alike but for the harmonics (25 dB under the
    /// tone): it is its fundamental's, whatever the fundamental's strength.
    /// Measured in the stretches `analyze` compared at that lag (`x` is the frame given to
    /// `analyze`), Hann-windowed, one DFT term per frequency. Not realtime (offline
    /// tracker); false when the stretches leave the frame.
    public func isLoneSubOctave(of i: Int, _ x: UnsafePointer<Float>, placement: WindowPlacement, oddShare: Double = 0.5) -> Bool {
        let period = candidates[i].period
        let lag = Int(2 * period + 0.5)
        let length = window(lag)
        let end = Self.end(placement, at: instant(placement), length: length, lag: lag)
        let start = end - length - lag
        guard start >= 0, end <= span else { return false }
        let n = end - start
        var windowed = [Double](repeating: 0, count: n)
        for k in 0..<n { windowed[k] = Double(x[start + k]) * (0.5 - 0.5 * cos(2 * Double.pi * Double(k) / Double(n - 1))) }
        let half = Double.pi / Double(period)  // half i's frequency, radians per sample
        func energy(_ multiples: [Double]) -> Double {
            var total = 0.0
            for m in multiples where half * m < 0.9 * Double.pi {
                // Goertzel's recurrence.
                let coefficient = 2 * cos(half * m)
                var s1 = 0.0, s2 = 0.0
                for v in windowed { (s2, s1) = (s1, v + coefficient * s1 - s2) }
                total += s1 * s1 + s2 * s2 - coefficient * s1 * s2
            }
            return total
        }
        let sub = energy([1])
        return energy([3, 5, 7, 9]) < oddShare * sub && sub < energy([4, 6, 8, 10])
    }
}
