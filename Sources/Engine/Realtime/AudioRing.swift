import Atomics
import DSP

/// A ring of samples for streaming audio between the process thread and a disk thread
/// (recording taps, file streaming): the same single-producer, single-consumer ring as
/// the command and event rings, used in bulk.
public typealias AudioRing = SPSCRing<Float>

/// Bulk access, after JACK's and Ardour's ring buffers: two-part read and write vectors
/// so either side copies straight into or out of its own buffers, with no per-element
/// index arithmetic. Neither end waits or allocates; a full ring makes `write` write
/// less, which the producer counts as an overrun. `head` counts elements written so
/// far, `tail` elements read.
extension SPSCRing {
    /// Producer: where the next elements go, as up to two regions (the second when the
    /// free space wraps). Write into them, then `commitWrite`.
    @inlinable
    public func writeVector() -> (UnsafeMutableBufferPointer<Element>, UnsafeMutableBufferPointer<Element>) {
        let w = head.load(ordering: .relaxed)
        let free = capacity - (w - tail.load(ordering: .acquiring))
        return split(at: w & mask, count: free)
    }

    /// Producer: publish `count` elements written into the write vector.
    @inlinable
    public func commitWrite(_ count: Int) {
        head.store(head.load(ordering: .relaxed) + count, ordering: .releasing)
    }

    /// Consumer: the elements waiting, as up to two regions. Read them, then `commitRead`.
    @inlinable
    public func readVector() -> (UnsafeBufferPointer<Element>, UnsafeBufferPointer<Element>) {
        let r = tail.load(ordering: .relaxed)
        let available = head.load(ordering: .acquiring) - r
        let (a, b) = split(at: r & mask, count: available)
        return (UnsafeBufferPointer(a), UnsafeBufferPointer(b))
    }

    /// Consumer: release `count` elements read from the read vector.
    @inlinable
    public func commitRead(_ count: Int) {
        tail.store(tail.load(ordering: .relaxed) + count, ordering: .releasing)
    }

    /// Producer: copy up to `count` elements in; returns how many fit.
    @inlinable
    public func write(_ source: UnsafePointer<Element>, count: Int) -> Int {
        let (a, b) = writeVector()
        let first = min(count, a.count), second = min(count - first, b.count)
        if first > 0 { a.baseAddress!.update(from: source, count: first) }
        if second > 0 { b.baseAddress!.update(from: source + first, count: second) }
        commitWrite(first + second)
        return first + second
    }

    /// Consumer: copy up to `count` elements out; returns how many there were.
    @inlinable
    public func read(into destination: UnsafeMutablePointer<Element>, count: Int) -> Int {
        let (a, b) = readVector()
        let first = min(count, a.count), second = min(count - first, b.count)
        if first > 0 { destination.update(from: a.baseAddress!, count: first) }
        if second > 0 { (destination + first).update(from: b.baseAddress!, count: second) }
        commitRead(first + second)
        return first + second
    }

    @inlinable
    func split(at start: Int, count: Int) -> (UnsafeMutableBufferPointer<Element>, UnsafeMutableBufferPointer<Element>) {
        let first = min(count, capacity - start)
        return (UnsafeMutableBufferPointer(start: storage + start, count: first),
                UnsafeMutableBufferPointer(start: storage, count: count - first))
    }
}

extension SPSCRing where Element == Float {
    /// Producer (the process thread): copy up to `count` samples in with the DSP copy
    /// kernel, which the realtime checks can see through (the generic `write` cannot be
    /// proven free of deallocation); returns how many fit.
    #if RT_CHECKS
    @_noLocks
    #endif
    @inlinable
    public func writeSamples(_ source: UnsafePointer<Float>, count: Int) -> Int {
        let (a, b) = writeVector()
        let first = min(count, a.count), second = min(count - first, b.count)
        if first > 0, let to = a.baseAddress { Kernels.copy(source, to, first) }
        if second > 0, let to = b.baseAddress { Kernels.copy(source + first, to, second) }
        commitWrite(first + second)
        return first + second
    }
}
