/// Coefficients of a second-order state-variable filter in Andrew Simper's
/// trapezoidal form (Cytomic, "SvfLinearTrapOptimised2"): `g = tan(π f / fs)`,
/// `k = 1 / Q`, and the mix `m0·x + m1·band + m2·low` that makes it a low-pass,
/// high-pass, bell or shelf. The response is the analog prototype's under the bilinear
/// transform (the same as the RBJ cookbook's biquads), and unlike a direct-form biquad
/// it stays well behaved while its coefficients move, so knobs glide without clicks.
public struct SVFCoefficients: Equatable, Sendable {
    public var g: Float
    public var k: Float
    public var m0: Float
    public var m1: Float
    public var m2: Float

    @inlinable
    public init(g: Float, k: Float, m0: Float, m1: Float, m2: Float) {
        self.g = g
        self.k = k
        self.m0 = m0
        self.m1 = m1
        self.m2 = m2
    }

    /// Passes everything unchanged (a bell at 0 dB).
    public static let identity = SVFCoefficients(g: 0.1, k: 1, m0: 1, m1: 0, m2: 0)

    /// `a + (b − a)·t`, coefficient by coefficient.
    @inlinable @_noLocks
    public static func mix(_ a: SVFCoefficients, _ b: SVFCoefficients, _ t: Float) -> SVFCoefficients {
        SVFCoefficients(
            g: a.g + (b.g - a.g) * t, k: a.k + (b.k - a.k) * t,
            m0: a.m0 + (b.m0 - a.m0) * t, m1: a.m1 + (b.m1 - a.m1) * t, m2: a.m2 + (b.m2 - a.m2) * t
        )
    }
}

/// One SVF stage's memory (the two integrator states) for one channel.
public struct SVFState: Sendable {
    public var ic1: Float = 0
    public var ic2: Float = 0
    @inlinable public init() {}
}

/// The per-sample recurrence, with `a1 = 1 / (1 + g(g + k))`, `a2 = g·a1`,
/// `a3 = g·a2` precomputed.
public struct SVFKernel: Sendable {
    public var a1: Float
    public var a2: Float
    public var a3: Float
    public var m0: Float
    public var m1: Float
    public var m2: Float

    @inlinable @_noLocks
    public init(_ c: SVFCoefficients) {
        a1 = 1 / (1 + c.g * (c.g + c.k))
        a2 = c.g * a1
        a3 = c.g * a2
        m0 = c.m0
        m1 = c.m1
        m2 = c.m2
    }

    @inlinable @_noLocks
    public func tick(_ x: Float, _ s: inout SVFState) -> Float {
        let v3 = x - s.ic2
        let v1 = a1 * s.ic1 + a2 * v3
        let v2 = s.ic2 + a2 * s.ic1 + a3 * v3
        s.ic1 = 2 * v1 - s.ic1
        s.ic2 = 2 * v2 - s.ic2
        return m0 * x + m1 * v1 + m2 * v2
    }

    /// Run the block in place (or from `src` to `dst`) with steady coefficients.
    @inlinable @_noLocks
    public func run(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ count: Int, _ s: inout SVFState) {
        var st = s
        for i in 0..<count { dst[i] = tick(src[i], &st) }
        // Flush what has decayed below hearing, so silence never runs on denormals.
        if abs(st.ic1) < 1e-20 { st.ic1 = 0 }
        if abs(st.ic2) < 1e-20 { st.ic2 = 0 }
        s = st
    }
}
