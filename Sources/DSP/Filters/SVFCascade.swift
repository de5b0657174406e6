/// Up to eight SVF sections in series, run as the lanes of one SIMD vector in a
/// wavefront: at step n, lane b works on sample n − b, taking what lane b − 1 produced
/// one step earlier. The sections' recurrences, each bound by its own latency when run
/// one after another, then overlap: one vector step per sample for the whole cascade.
/// Exactly the same arithmetic as `SVFKernel.tick`, section by section; no latency.
public struct SVFCascade {
    public var a1 = SIMD8<Float>(repeating: 0), a2 = SIMD8<Float>(repeating: 0), a3 = SIMD8<Float>(repeating: 0)
    public var m0 = SIMD8<Float>(repeating: 1), m1 = SIMD8<Float>(repeating: 0), m2 = SIMD8<Float>(repeating: 0)
    /// Sections in use (lanes 0 ..< count).
    public var count = 0

    @inlinable public init() {}

    /// Add a section after the others (at most eight).
    @inlinable @_noLocks
    public mutating func append(_ k: SVFKernel) {
        a1[count] = k.a1; a2[count] = k.a2; a3[count] = k.a3
        m0[count] = k.m0; m1[count] = k.m1; m2[count] = k.m2
        count += 1
    }

    /// Run the cascade over `x` in place. `ic1`/`ic2` hold each lane's section memory.
    @inlinable @_noLocks
    public func run(_ x: UnsafeMutablePointer<Float>, _ frames: Int, _ ic1: inout SIMD8<Float>, _ ic2: inout SIMD8<Float>) {
        let s = count
        guard s > 0, frames > 0 else { return }
        var s1 = ic1, s2 = ic2
        var previous = SIMD8<Float>(repeating: 0)
        let last = frames + s - 1
        var n = 0
        // Lane b is live at step n while 0 ≤ n − b < frames: a mask at either end.
        while n < last {
            let input = SIMD8<Float>(n < frames ? x[n] : 0, previous[0], previous[1], previous[2], previous[3], previous[4], previous[5], previous[6])
            let v3 = input - s2
            let v1 = a1 * s1 + a2 * v3
            let v2 = s2 + a2 * s1 + a3 * v3
            let out = m0 * input + m1 * v1 + m2 * v2
            let n1 = 2 * v1 - s1, n2 = 2 * v2 - s2
            if n >= s - 1 && n < frames {
                s1 = n1
                s2 = n2
            } else {
                // 1 where the lane is live, 0 where not, by arithmetic (a select would be
                // done lane by lane): live while n − lane ≥ 0 and n − lane < frames.
                let lanes = SIMD8<Float>(0, 1, 2, 3, 4, 5, 6, 7), step = SIMD8<Float>(repeating: Float(n))
                let one = SIMD8<Float>(repeating: 1)
                let started = (step - lanes + 1).clampedLanes(0, 1)
                let unfinished = (SIMD8<Float>(repeating: Float(frames)) - step + lanes).clampedLanes(0, 1)
                let live = started * unfinished
                s1 = live * n1 + (one - live) * s1  // exactly n1 or s1
                s2 = live * n2 + (one - live) * s2
            }
            if n >= s - 1 { x[n - (s - 1)] = out[s - 1] }
            previous = out
            n += 1
        }
        // Flush what has decayed below hearing, so silence never runs on denormals.
        let tiny = SIMD8<Float>(repeating: 1e-20)
        s1.replace(with: 0, where: s1 .< tiny .& s1 .> -tiny)
        s2.replace(with: 0, where: s2 .< tiny .& s2 .> -tiny)
        ic1 = s1
        ic2 = s2
    }
}
