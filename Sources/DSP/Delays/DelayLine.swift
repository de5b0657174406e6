/// A circular delay line in memory allocated on the control side, read at a whole or
/// fractional delay (linear interpolation) so a delay time can glide.
public struct DelayLine: Sendable {
    // Sendable: the pointee is touched by one thread at a time (the process thread
    // once scheduled, the control side only to allocate and free).
    @usableFromInline nonisolated(unsafe) let buffer: UnsafeMutablePointer<Float>
    /// A power of two, at least the longest delay plus two.
    @usableFromInline let mask: Int
    @usableFromInline var write = 0

    /// Control side: room for `maxDelay` samples, every page touched.
    public init(maxDelay: Int) {
        var size = 4
        while size < maxDelay + 2 { size <<= 1 }
        buffer = .allocate(capacity: size)
        buffer.initialize(repeating: 0, count: size)
        mask = size - 1
    }

    /// Control side, once nothing can reach it.
    public func free() { buffer.deallocate() }

    public var capacity: Int { mask - 1 }

    /// The sample written `delay` samples ago (1 … capacity).
    @inlinable @_noLocks
    public func read(_ delay: Int) -> Float { buffer[(write &- delay) & mask] }

    /// The sample `delay` samples ago, between samples by linear interpolation.
    @inlinable @_noLocks
    public func read(fractional delay: Float) -> Float {
        let whole = Int(delay)
        let f = delay - Float(whole)
        let a = buffer[(write &- whole) & mask], b = buffer[(write &- whole &- 1) & mask]
        return a + f * (b - a)
    }

    @inlinable @_noLocks
    public mutating func push(_ x: Float) {
        buffer[write] = x
        write = (write + 1) & mask
    }

    /// Silence the whole line (control side, or a reset on the process thread).
    @inlinable @_noLocks
    public func clear() {
        for i in 0...mask { buffer[i] = 0 }
    }
}
