#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Left/right gains for a pan position, computed on the control side.
public struct StereoGains: Equatable, Sendable {
    public var left: Float
    public var right: Float
    public init(left: Float, right: Float) { self.left = left; self.right = right }
}

/// Constant-power panning.
///
/// A mono source at pan `p` in −1…1 goes to `L = cos θ`, `R = sin θ` with
/// `θ = (p + 1)·π/4`: −3 dB on each side at centre, and L² + R² = 1 everywhere.
///
/// A stereo source is balanced with the same law scaled by √2 and capped at unity, so
/// centre leaves both channels untouched and a hard pan silences the other side.
public enum PanLaw {
    public static func mono(_ pan: Float) -> StereoGains {
        let theta = (Swift.min(1, Swift.max(-1, pan)) + 1) * Float.pi / 4
        return StereoGains(left: cosf(theta), right: sinf(theta))
    }

    public static func balance(_ pan: Float) -> StereoGains {
        if pan == 0 { return StereoGains(left: 1, right: 1) }
        let g = mono(pan)
        return StereoGains(
            left: Swift.min(1, g.left * Float(2).squareRoot()),
            right: Swift.min(1, g.right * Float(2).squareRoot())
        )
    }
}
