extension SIMD8 where Scalar == Float {
    /// Lane-wise clamp by compare-and-select. The standard library's `clamped` goes
    /// through `pointwiseMin`/`pointwiseMax`, a lane-by-lane scalar loop with NaN checks
    /// that the optimiser leaves as a call; this compiles to cmpps and blends.
    @inlinable @_noLocks
    public func clampedLanes(_ low: Float, _ high: Float) -> SIMD8<Float> {
        replacing(with: low, where: self .< low).replacing(with: high, where: self .> high)
    }
}
