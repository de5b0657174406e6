/// Block kernels over raw sample pointers. Every one is bounded by `count`, touches
/// only the memory it is given, and is checked by the compiler to take no locks.
public enum Kernels {
    @inlinable @_noLocks
    public static func clear(_ dst: UnsafeMutablePointer<Float>, _ count: Int) {
        for i in 0..<count { dst[i] = 0 }
    }

    /// dst = src. Eight lanes at a time by hand: a plain loop becomes a call to memcpy,
    /// which costs more than the copy for a block of 64 samples.
    @inlinable @_noLocks
    public static func copy(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ count: Int) {
        var i = 0
        while i + 8 <= count {
            UnsafeMutableRawPointer(dst + i).storeBytes(of: UnsafeRawPointer(src + i).loadUnaligned(as: SIMD8<Float>.self), as: SIMD8<Float>.self)
            i += 8
        }
        while i < count { dst[i] = src[i]; i += 1 }
    }

    /// Σ a[i]·b[i], sixteen lanes at a time (two sums of eight: the
    /// additions of one wait on the previous).
    @inlinable @_noLocks
    public static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
        var acc = SIMD8<Float>(repeating: 0), acc2 = SIMD8<Float>(repeating: 0)
        let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
        var i = 0
        while i + 16 <= n {
            acc += ra.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self) * rb.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
            acc2 += ra.loadUnaligned(fromByteOffset: i * 4 + 32, as: SIMD8<Float>.self) * rb.loadUnaligned(fromByteOffset: i * 4 + 32, as: SIMD8<Float>.self)
            i += 16
        }
        var sum = (acc + acc2).sum()
        while i < n {
            sum += a[i] * b[i]
            i += 1
        }
        return sum
    }

    /// dst = src × gain, for a steady gain.
    @inlinable @_noLocks
    public static func multiply(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ count: Int, gain: Float) {
        for i in 0..<count { dst[i] = src[i] * gain }
    }

    /// dst += src
    @inlinable @_noLocks
    public static func accumulate(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ count: Int) {
        for i in 0..<count { dst[i] += src[i] }
    }

    /// dst = src × gain, the gain following `ramp` (which advances by `count`).
    @inlinable @_noLocks
    public static func multiply(
        _ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ count: Int, ramp: inout Ramp
    ) {
        if ramp.remaining == 0 {
            let g = ramp.value
            for i in 0..<count { dst[i] = src[i] * g }
        } else {
            for i in 0..<count { dst[i] = src[i] * ramp.next() }
        }
    }

    /// dst += src × gain, the gain following `ramp` (which advances by `count`).
    @inlinable @_noLocks
    public static func accumulate(
        _ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ count: Int, ramp: inout Ramp
    ) {
        if ramp.remaining == 0 {
            let g = ramp.value
            if g == 0 { return }
            for i in 0..<count { dst[i] += src[i] * g }
        } else {
            for i in 0..<count { dst[i] += src[i] * ramp.next() }
        }
    }

    /// dst += src × gain, for a steady gain.
    @inlinable @_noLocks
    public static func accumulate(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ count: Int, gain: Float) {
        for i in 0..<count { dst[i] += src[i] * gain }
    }

    /// Largest |x| and Σx² in one pass, eight lanes wide (a scalar loop cannot be
    /// vectorised: float addition is not reassociated for us).
    @inlinable @_noLocks
    public static func peakAndSumOfSquares(_ src: UnsafePointer<Float>, _ count: Int) -> (peak: Float, sumOfSquares: Float) {
        var peak8 = SIMD8<Float>(repeating: 0), sum8 = SIMD8<Float>(repeating: 0)
        var i = 0
        while i + 8 <= count {
            let v = UnsafeRawPointer(src + i).loadUnaligned(as: SIMD8<Float>.self)
            // Compare-and-select, not `pointwiseMax`: the standard library's is a lane-by-
            // lane scalar loop with NaN checks, left as a call (it was a fifth of the
            // process thread's time with 128 tracks); this compiles to andps/maxps.
            let magnitude = v.replacing(with: -v, where: v .< 0)
            peak8 = peak8.replacing(with: magnitude, where: magnitude .> peak8)
            sum8 += v * v
            i += 8
        }
        var peak = peak8.largestLane(), sum = sum8.sum()
        while i < count {
            peak = Swift.max(peak, Swift.abs(src[i]))
            sum += src[i] * src[i]
            i += 1
        }
        return (peak, sum)
    }

    /// A steady strip: `left (+)= src × gl`, `right (+)= src × gr` (added when `add`,
    /// else written), returning the peak and Σx² of `src`. Two passes, both vectorised:
    /// plain loops the compiler widens beat hand-written SIMD loads and stores here.
    @inlinable @_noLocks
    public static func panMetered(
        _ src: UnsafePointer<Float>, _ left: UnsafeMutablePointer<Float>, _ right: UnsafeMutablePointer<Float>,
        _ count: Int, gainLeft gl: Float, gainRight gr: Float, add: Bool
    ) -> (peak: Float, sumOfSquares: Float) {
        let m = peakAndSumOfSquares(src, count)
        if add {
            for i in 0..<count { left[i] += src[i] * gl; right[i] += src[i] * gr }
        } else {
            for i in 0..<count { left[i] = src[i] * gl; right[i] = src[i] * gr }
        }
        return m
    }

    /// `dst (+)= src × gain`, returning the peak and Σx² of `src`.
    @inlinable @_noLocks
    public static func scaleMetered(
        _ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ count: Int, gain: Float, add: Bool
    ) -> (peak: Float, sumOfSquares: Float) {
        let m = peakAndSumOfSquares(src, count)
        if add { accumulate(src, dst, count, gain: gain) } else { multiply(src, dst, count, gain: gain) }
        return m
    }

    /// x^n by repeated squaring: at most 2·log2(n) multiplications, no libm.
    @inlinable @_noLocks
    public static func power(_ x: Float, _ n: Int) -> Float {
        var result: Float = 1, base = x, e = n
        while e > 0 {
            if e & 1 == 1 { result *= base }
            base *= base
            e >>= 1
        }
        return result
    }
}
