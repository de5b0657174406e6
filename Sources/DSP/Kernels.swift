/// Block kernels over raw sample pointers. Every one is bounded by `count`, touches
/// only the memory it is given, and is checked by the compiler to take no locks.
public enum Kernels {
    @inlinable @_noLocks
    public static func clear(_ dst: UnsafeMutablePointer<Float>, _ count: Int) {
        for i in 0..<count { dst[i] = 0 }
    }

    @inlinable @_noLocks
    public static func copy(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ count: Int) {
        for i in 0..<count { dst[i] = src[i] }
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

    /// Largest absolute sample value.
    @inlinable @_noLocks
    public static func peak(_ src: UnsafePointer<Float>, _ count: Int) -> Float {
        var m: Float = 0
        for i in 0..<count { m = Swift.max(m, Swift.abs(src[i])) }
        return m
    }
}
