/// The fader law used by `/strip/<id>/fader`: a normalised position 0…1 maps to a
/// gain in dB, piecewise linear between console-style breakpoints so that the top
/// quarter of travel is fine control around unity:
///
/// | position | dB |
/// | --- | --- |
/// | 0 | −∞ |
/// | 0.0625 | −60 |
/// | 0.25 | −30 |
/// | 0.5 | −12 |
/// | 0.75 | 0 |
/// | 1 | +12 |
///
/// Between 0 and 0.0625 the law runs linearly from −90 dB; exactly 0 is −∞.
public enum FaderLaw {
    public static let breakpoints: [(position: Float, db: Float)] = [
        (0, -90), (0.0625, -60), (0.25, -30), (0.5, -12), (0.75, 0), (1, 12),
    ]

    /// dB for a fader position (clamped to 0…1).
    public static func db(forPosition position: Float) -> Float {
        let x = Swift.min(1, Swift.max(0, position))
        if x == 0 { return -.infinity }
        for i in 1..<breakpoints.count where x <= breakpoints[i].position {
            let (x0, d0) = breakpoints[i - 1], (x1, d1) = breakpoints[i]
            return d0 + (x - x0) / (x1 - x0) * (d1 - d0)
        }
        return breakpoints[breakpoints.count - 1].db
    }

    /// Fader position for a gain in dB (clamped to the law's range).
    public static func position(forDb db: Float) -> Float {
        if db == -.infinity || db <= breakpoints[0].db { return 0 }
        for i in 1..<breakpoints.count where db <= breakpoints[i].db {
            let (x0, d0) = breakpoints[i - 1], (x1, d1) = breakpoints[i]
            return x0 + (db - d0) / (d1 - d0) * (x1 - x0)
        }
        return 1
    }
}
