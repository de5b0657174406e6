/// One timed MIDI channel message of a track: three bytes at a timeline frame.
public struct MIDIEvent: BitwiseCopyable, Sendable, Equatable {
    public var frame: Int64
    public var status: UInt8
    public var data1: UInt8
    public var data2: UInt8

    public init(frame: Int64, status: UInt8, data1: UInt8, data2: UInt8 = 0) {
        self.frame = frame
        self.status = status
        self.data1 = data1
        self.data2 = data2
    }

    public var channel: Int { Int(status & 0x0F) }
    public var isNoteOn: Bool { status & 0xF0 == 0x90 && data2 > 0 }
    public var isNoteOff: Bool { status & 0xF0 == 0x80 || (status & 0xF0 == 0x90 && data2 == 0) }
    public var isProgram: Bool { status & 0xF0 == 0xC0 }
}

/// A MIDI track's events on the timeline, sorted by frame (note-offs before note-ons
/// at the same frame, so a repeated key is not cut short), in memory the process
/// thread reads and nobody writes. Made on the control side; a new sequence is a new
/// node, and this object lives as long as any node plays it.
public final class MIDISequence: @unchecked Sendable {
    // @unchecked Sendable: immutable after init.
    public let events: UnsafeMutableBufferPointer<MIDIEvent>
    /// The channels that play notes (bit c: channel c).
    public let channels: UInt16
    /// Timeline frame just after the last event.
    public let end: Int64

    public init(_ unsorted: [MIDIEvent]) {
        func rank(_ e: MIDIEvent) -> Int { e.isNoteOff ? 0 : e.isNoteOn ? 2 : 1 }
        let sorted = unsorted.enumerated().sorted { a, b in
            (a.element.frame, rank(a.element), a.offset) < (b.element.frame, rank(b.element), b.offset)
        }.map(\.element)
        events = .allocate(capacity: max(1, sorted.count))
        _ = events.initialize(from: sorted)
        var mask: UInt16 = 0
        for e in sorted where e.isNoteOn { mask |= 1 << UInt16(e.channel) }
        channels = mask
        end = (sorted.last?.frame ?? 0) + 1
        count = sorted.count
    }

    public let count: Int

    deinit { events.deallocate() }

    /// The events as a buffer of `count` (the allocation holds at least one).
    public var buffer: UnsafeBufferPointer<MIDIEvent> { UnsafeBufferPointer(start: events.baseAddress, count: count) }
}
