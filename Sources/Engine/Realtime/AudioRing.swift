import Atomics

/// A single-producer, single-consumer ring of samples for streaming audio between the
/// process thread and a disk thread (recording taps, file streaming), after JACK's and
/// Ardour's ring buffers: a power-of-two size, and two-part read and write vectors so
/// either side copies in bulk, straight into or out of its own buffers, with no
/// per-sample index arithmetic. Neither end waits or allocates; a full ring makes
/// `write` write less, which the producer counts as an overrun.
public struct AudioRing: @unchecked Sendable {
    // @unchecked Sendable: the two ends touch disjoint regions, ordered by the
    // acquire/release pair on `written` and `read`; the SPSC contract keeps it so.
    @usableFromInline let storage: UnsafeMutablePointer<Float>
    @usableFromInline let mask: Int
    /// Samples written so far (the producer's count).
    @usableFromInline let written: UnsafeAtomic<Int>
    /// Samples read so far (the consumer's count).
    @usableFromInline let readCount: UnsafeAtomic<Int>

    /// Control side: room for at least `capacity` samples, every page touched.
    public init(capacity: Int) {
        var size = 2
        while size < capacity { size <<= 1 }
        storage = .allocate(capacity: size)
        storage.initialize(repeating: 0, count: size)
        mask = size - 1
        written = .create(0)
        readCount = .create(0)
    }

    /// Control side, once neither end is in use.
    public func destroy() {
        storage.deallocate()
        written.destroy()
        readCount.destroy()
    }

    public var capacity: Int { mask + 1 }

    /// Either side: samples waiting to be read (exact on the consumer's side).
    public var readable: Int { written.load(ordering: .acquiring) - readCount.load(ordering: .acquiring) }

    /// Producer: where the next samples go, as up to two regions (the second when the
    /// free space wraps). Write into them, then `commitWrite`.
    @inlinable
    public func writeVector() -> (UnsafeMutableBufferPointer<Float>, UnsafeMutableBufferPointer<Float>) {
        let w = written.load(ordering: .relaxed)
        let free = capacity - (w - readCount.load(ordering: .acquiring))
        return split(at: w & mask, count: free)
    }

    /// Producer: publish `count` samples written into the write vector.
    @inlinable
    public func commitWrite(_ count: Int) {
        written.store(written.load(ordering: .relaxed) + count, ordering: .releasing)
    }

    /// Consumer: the samples waiting, as up to two regions. Read them, then `commitRead`.
    @inlinable
    public func readVector() -> (UnsafeBufferPointer<Float>, UnsafeBufferPointer<Float>) {
        let r = readCount.load(ordering: .relaxed)
        let available = written.load(ordering: .acquiring) - r
        let (a, b) = split(at: r & mask, count: available)
        return (UnsafeBufferPointer(a), UnsafeBufferPointer(b))
    }

    /// Consumer: release `count` samples read from the read vector.
    @inlinable
    public func commitRead(_ count: Int) {
        readCount.store(readCount.load(ordering: .relaxed) + count, ordering: .releasing)
    }

    /// Producer: copy up to `count` samples in; returns how many fit.
    @inlinable
    public func write(_ source: UnsafePointer<Float>, count: Int) -> Int {
        let (a, b) = writeVector()
        let first = min(count, a.count), second = min(count - first, b.count)
        if first > 0 { a.baseAddress!.update(from: source, count: first) }
        if second > 0 { b.baseAddress!.update(from: source + first, count: second) }
        commitWrite(first + second)
        return first + second
    }

    /// Consumer: copy up to `count` samples out; returns how many there were.
    @inlinable
    public func read(into destination: UnsafeMutablePointer<Float>, count: Int) -> Int {
        let (a, b) = readVector()
        let first = min(count, a.count), second = min(count - first, b.count)
        if first > 0 { destination.update(from: a.baseAddress!, count: first) }
        if second > 0 { (destination + first).update(from: b.baseAddress!, count: second) }
        commitRead(first + second)
        return first + second
    }

    @inlinable
    func split(at start: Int, count: Int) -> (UnsafeMutableBufferPointer<Float>, UnsafeMutableBufferPointer<Float>) {
        let first = min(count, capacity - start)
        return (UnsafeMutableBufferPointer(start: storage + start, count: first),
                UnsafeMutableBufferPointer(start: storage, count: count - first))
    }
}
