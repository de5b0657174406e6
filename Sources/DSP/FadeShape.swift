/// The shape of a fade, as a fade-in over t = 0 … 1 (a fade-out runs it backwards):
/// linear t, equal-power sin(πt/2) (constant power across a crossfade), S-curve
/// (1 − cos πt)/2 = sin²(πt/2) (slow at both ends).
public enum FadeShape: UInt8, CaseIterable, Sendable, BitwiseCopyable {
    case linear, equalPower, sCurve

    public var name: String {
        switch self {
        case .linear: "linear"
        case .equalPower: "equal-power"
        case .sCurve: "s-curve"
        }
    }

    public init?(name: String) {
        guard let s = Self.allCases.first(where: { $0.name == name.lowercased() }) else { return nil }
        self = s
    }

    /// Either thread: the gain at `t` (clamped to 0 … 1).
    @inlinable @_noLocks
    public func gain(_ t: Double) -> Double {
        let x = Swift.min(1, Swift.max(0, t))
        switch self {
        case .linear: return x
        case .equalPower: return Self.quarterSine(x)
        case .sCurve:
            let s = Self.quarterSine(x)
            return s * s
        }
    }

    /// sin(πx/2) for x in 0 … 1, without libm: its Taylor series to x¹¹ (error below
    /// 6e-8 at x = 1, under a float's resolution there).
    @inlinable @_noLocks
    static func quarterSine(_ x: Double) -> Double {
        let a = x * 1.5707963267948966, a2 = a * a
        return a * (1 - a2 / 6 * (1 - a2 / 20 * (1 - a2 / 42 * (1 - a2 / 72 * (1 - a2 / 110)))))
    }
}
