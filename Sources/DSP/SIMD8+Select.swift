extension SIMD8 where Scalar == Float {
    /// Lane-wise clamp by compare-and-select. The standard library's `clamped` goes
    /// through `pointwiseMin`/`pointwiseMax`, a lane-by-lane scalar loop with NaN checks
    /// that the optimiser leaves as a call; this compiles to cmpps and blends. A NaN lane
    /// comes out as `low`, never NaN: callers build bit patterns from the result.
    @inlinable @_noLocks
    public func clampedLanes(_ low: Float, _ high: Float) -> SIMD8<Float> {
        let lows = SIMD8(repeating: low), highs = SIMD8(repeating: high)
        return replacing(with: lows, where: .!(self .>= lows)).replacing(with: highs, where: self .> highs)
    }

    /// The largest lane, by halving compare-and-selects (the standard library's `max()`
    /// is a scalar loop with NaN checks, left as a call). For lanes that are not NaN (a
    /// meter's running peak never is).
    @inlinable @_noLocks
    public func largestLane() -> Float {
        let lo = lowHalf, hi = highHalf
        let four = lo.replacing(with: hi, where: hi .> lo)
        let two = four.lowHalf.replacing(with: four.highHalf, where: four.highHalf .> four.lowHalf)
        return two[1] > two[0] ? two[1] : two[0]
    }
}
