#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// ITU-R BS.1770-4's K-weighting for any sample rate: a high shelf (+4 dB above about
/// 1.5 kHz, the head's effect) then a high-pass (the RLB curve), both as biquads whose
/// coefficients come from the analog prototypes the standard's 48 kHz ones were made
/// from (as libebur128 does), so 44.1 kHz, 96 kHz … measure alike. Plain values: safe
/// on the process thread once made.
public struct KWeighting: Sendable {
    /// Direct form I state and coefficients of one biquad, in Double: the energy sums
    /// that follow are long, and Float filters drift by hundredths of a dB.
    public struct Biquad: Sendable {
        @usableFromInline var b0, b1, b2, a1, a2: Double
        @usableFromInline var x1 = 0.0, x2 = 0.0, y1 = 0.0, y2 = 0.0

        init(b0: Double, b1: Double, b2: Double, a1: Double, a2: Double) {
            (self.b0, self.b1, self.b2, self.a1, self.a2) = (b0, b1, b2, a1, a2)
        }

        @inlinable
        mutating func run(_ x: Double) -> Double {
            let y = b0 * x + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2
            x2 = x1
            x1 = x
            y2 = y1
            y1 = y
            return y
        }
    }

    @usableFromInline var shelf: Biquad
    @usableFromInline var highPass: Biquad

    public init(sampleRate: Double) {
        // The pre-filter: a high shelf of G dB at f0 with quality Q.
        let f0 = 1681.974450955533, gain = 3.999843853973347, q = 0.7071752369554196
        var k = tan(Double.pi * f0 / sampleRate)
        let vh = pow(10, gain / 20), vb = pow(vh, 0.4996667741545416)
        var a0 = 1 + k / q + k * k
        shelf = Biquad(b0: (vh + vb * k / q + k * k) / a0, b1: 2 * (k * k - vh) / a0, b2: (vh - vb * k / q + k * k) / a0,
                       a1: 2 * (k * k - 1) / a0, a2: (1 - k / q + k * k) / a0)
        // The RLB high-pass.
        let f1 = 38.13547087613982, q1 = 0.5003270373253953
        k = tan(Double.pi * f1 / sampleRate)
        a0 = 1 + k / q1 + k * k
        highPass = Biquad(b0: 1, b1: -2, b2: 1, a1: 2 * (k * k - 1) / a0, a2: (1 - k / q1 + k * k) / a0)
    }

    /// Any thread (the process thread included).
    @inlinable
    public mutating func run(_ x: Double) -> Double { highPass.run(shelf.run(x)) }
}
