import Atomics

/// What a recording tap tells its disk writer besides the samples, in stream order.
/// `frame` counts the frames the tap has produced so far (written or lost), so the
/// writer knows exactly which samples each mark falls between.
public struct RecordMark: BitwiseCopyable, Sendable, Equatable {
    public enum Kind: UInt8, BitwiseCopyable, Sendable {
        /// A pass begins: `value` is the timeline frame of its first sample.
        case start
        /// The pass ends (record off, transport stopped or moved, punch out, loop end).
        case end
        /// `value` frames did not fit in the ring (the disk fell behind): the writer
        /// writes that much silence, so the take keeps its length and alignment.
        case dropped
        /// `value` frames of the timeline went by without reaching the engine (the JACK
        /// client missed cycles, an xrun): written as silence too, counted apart.
        case skipped
    }

    public var kind: Kind
    public var frame: Int64
    public var value: Int64

    public init(kind: Kind, frame: Int64, value: Int64) {
        self.kind = kind
        self.frame = frame
        self.value = value
    }
}

/// The rings between one recording tap (process thread, producer) and the disk writer
/// (consumer): one sample ring per channel and one ring of marks. Made on the control
/// side when a track is armed, every page touched; the tap's node and the writer both
/// keep it alive, so whichever finishes last frees it.
public final class RecordStream: @unchecked Sendable {
    // @unchecked Sendable: the rings are SPSC (the tap pushes, the writer pops) and the
    // counters are atomics; nothing else changes after init.
    public let channels: Int
    /// Channel c's samples: `rings[c]`, also reachable from the tap as a raw pointer.
    let rings: UnsafeMutablePointer<AudioRing>
    public let marks: SPSCRing<RecordMark>
    /// Frames lost to a full ring, ever (for `/stats` and the take's row).
    public let overrunFrames: UnsafeAtomic<Int>
    /// Frames of passes that never reached the engine (cycles the host missed), ever.
    public let skippedFrames: UnsafeAtomic<Int>
    /// Marks lost to a full mark ring: the stream can no longer be trusted.
    public let lostMarks: UnsafeAtomic<Int>

    /// Control side. `frames` per channel is rounded up to a power of two.
    public init(channels: Int, frames: Int) {
        precondition(channels >= 1)
        self.channels = channels
        rings = .allocate(capacity: channels)
        for c in 0..<channels { (rings + c).initialize(to: AudioRing(capacity: frames)) }
        marks = SPSCRing(capacity: 1024)
        overrunFrames = .create(0)
        skippedFrames = .create(0)
        lostMarks = .create(0)
    }

    deinit {
        for c in 0..<channels { rings[c].destroy() }
        rings.deallocate()
        marks.destroy()
        overrunFrames.destroy()
        skippedFrames.destroy()
        lostMarks.destroy()
    }

    public func ring(_ c: Int) -> AudioRing { rings[c] }

    /// Frames per channel the rings hold.
    public var capacity: Int { rings[0].capacity }

    /// Writer side: whole frames waiting in every channel (read this before peeking at
    /// the marks: a mark is pushed after the samples before it, so any sample counted
    /// here that lies beyond a mark has that mark already visible).
    public var framesWaiting: Int {
        var n = Int.max
        for c in 0..<channels { n = min(n, rings[c].count) }
        return n
    }
}
