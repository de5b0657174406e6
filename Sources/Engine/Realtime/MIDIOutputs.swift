import Atomics

/// One MIDI channel message leaving the engine: three bytes and the frame of the
/// cycle it belongs at.
public struct MIDIMessage: BitwiseCopyable, Sendable, Equatable {
    /// Frame from the start of the host's cycle.
    public var offset: UInt32
    public var status: UInt8
    public var data1: UInt8
    public var data2: UInt8

    public init(offset: UInt32, status: UInt8, data1: UInt8, data2: UInt8) {
        self.offset = offset
        self.status = status
        self.data1 = data1
        self.data2 = data2
    }
}

/// The MIDI the engine sends out, one slot per MIDI track: the process thread empties
/// every slot at the top of a cycle, the tracks fill theirs in time order, and after
/// the cycle the host copies each slot to its JACK MIDI port (the offline driver hands
/// them to whoever asked). Memory allocated once, every page touched.
public struct MIDIOutputs: @unchecked Sendable {
    // @unchecked Sendable: the process thread writes, and the host reads the same
    // cycle's messages on the same thread after it.
    public let slots: Int
    /// Messages a slot holds per cycle; more are dropped and counted.
    public let capacity: Int
    @usableFromInline let messages: UnsafeMutablePointer<MIDIMessage>
    @usableFromInline let counts: UnsafeMutablePointer<Int>
    /// Messages dropped because a slot was full, since start.
    public let dropped: UnsafeAtomic<Int>

    /// Control side.
    init(slots: Int, capacity: Int) {
        self.slots = slots
        self.capacity = capacity
        messages = .allocate(capacity: max(1, slots * capacity))
        touchPages(messages, count: max(1, slots * capacity))
        counts = .allocate(capacity: max(1, slots))
        counts.initialize(repeating: 0, count: max(1, slots))
        dropped = .create(0)
    }

    func destroy() {
        messages.deallocate()
        counts.deallocate()
        dropped.destroy()
    }

    /// Process thread, at the top of each cycle.
    #if RT_CHECKS
    @_noLocks
    #endif
    @inlinable
    func clear() {
        for s in 0..<slots { counts[s] = 0 }
    }

    /// Process thread: add a message to `slot` (messages go in time order).
    #if RT_CHECKS
    @_noLocks
    #endif
    @inlinable
    public func push(_ slot: Int, _ message: MIDIMessage) {
        guard slot >= 0, slot < slots else { return }
        let n = counts[slot]
        guard n < capacity else {
            dropped.wrappingIncrement(ordering: .relaxed)
            return
        }
        messages[slot * capacity + n] = message
        counts[slot] = n + 1
    }

    /// The thread that ran the cycle, after it: the messages `slot` got this cycle.
    @inlinable
    public func messages(_ slot: Int) -> UnsafeBufferPointer<MIDIMessage> {
        guard slot >= 0, slot < slots else { return UnsafeBufferPointer(start: nil, count: 0) }
        return UnsafeBufferPointer(start: messages + slot * capacity, count: counts[slot])
    }
}
