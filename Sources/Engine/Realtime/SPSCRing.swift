import Atomics

/// A fixed-capacity single-producer, single-consumer ring of plain values.
///
/// Storage is allocated and its pages touched once on the control side; `push` and
/// `pop` never allocate, lock, wait or fault in a page, so either end may be the
/// realtime thread (`@_noLocks` callers check them once specialised). One thread may
/// push and one may pop at a time: callers with several producers serialise them
/// themselves.
public struct SPSCRing<Element: BitwiseCopyable>: @unchecked Sendable {
    // @unchecked Sendable: the two ends touch disjoint slots, ordered by the
    // acquire/release pair on `head` and `tail`; the SPSC contract above keeps it so.
    @usableFromInline let storage: UnsafeMutablePointer<Element>
    @usableFromInline let mask: Int
    /// Next slot the producer writes.
    @usableFromInline let head: UnsafeAtomic<Int>
    /// Next slot the consumer reads.
    @usableFromInline let tail: UnsafeAtomic<Int>

    /// Control side. `capacity` is rounded up to a power of two.
    public init(capacity: Int) {
        var size = 1
        while size < max(2, capacity) { size <<= 1 }
        storage = .allocate(capacity: size)
        touchPages(storage, count: size)
        mask = size - 1
        head = .create(0)
        tail = .create(0)
    }

    /// Control side, once neither end is in use.
    public func destroy() {
        storage.deallocate()
        head.destroy()
        tail.destroy()
    }

    public var capacity: Int { mask + 1 }

    /// Producer thread. False when the ring is full (nothing is written).
    @inlinable
    public func push(_ element: Element) -> Bool {
        let h = head.load(ordering: .relaxed)
        let t = tail.load(ordering: .acquiring)
        if h - t > mask { return false }
        (storage + (h & mask)).initialize(to: element)
        head.store(h + 1, ordering: .releasing)
        return true
    }

    /// Consumer thread. Nil when empty.
    @inlinable
    public func pop() -> Element? {
        let t = tail.load(ordering: .relaxed)
        let h = head.load(ordering: .acquiring)
        if t == h { return nil }
        let element = storage[t & mask]
        tail.store(t + 1, ordering: .releasing)
        return element
    }

    /// Consumer thread: the next element, left in the ring. Nil when empty.
    @inlinable
    public func peek() -> Element? {
        let t = tail.load(ordering: .relaxed)
        return t == head.load(ordering: .acquiring) ? nil : storage[t & mask]
    }

    /// Either thread; a snapshot, exact only on the consumer's side.
    public var count: Int {
        head.load(ordering: .acquiring) - tail.load(ordering: .acquiring)
    }
}
