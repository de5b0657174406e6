import Atomics

/// Where a run of streamed samples begins: from ring frame `frame` on, the samples are
/// for consecutive timeline frames from `position` (until the next mark: the reader
/// follows the loop, and marks each wrap). `generation` answers the player's request of
/// that number; marks of older requests are stale.
public struct StreamMark: BitwiseCopyable, Sendable, Equatable {
    public var generation: UInt32
    public var frame: Int64
    public var position: Int64

    public init(generation: UInt32, frame: Int64, position: Int64) {
        self.generation = generation
        self.frame = frame
        self.position = position
    }
}

/// Who has a stream's lane (`StreamBuffer.state`): nobody (`idle`); the session,
/// pointing the reader at an edited clip (`writing`); the player, told to cross over
/// to it (`armed`); the player, sounding it (`sounding`). The session takes a lane
/// only from idle or armed, the player only from armed, each by compare-and-exchange.
public enum StreamLaneState: UInt8, Sendable {
    case idle, writing, armed, sounding
}

/// The read-ahead between a disk reader thread (producer) and a `StreamPlayer`
/// (process thread, consumer): interleaved samples in timeline order, marks saying
/// which timeline frame they start at, and the player's latest request (a position to
/// read from, numbered). A player has two, its lanes: an edited clip is read into the
/// one not sounding, and the player crosses over to it. Made on the control side; the
/// player's node and the reader both keep it alive.
public final class StreamBuffer: @unchecked Sendable {
    // @unchecked Sendable: the rings are SPSC (reader pushes, player pops) and the
    // request and counters are atomics.
    public let channels: Int
    /// Interleaved frames; only whole frames are ever written or read.
    public let ring: AudioRing
    public let marks: SPSCRing<StreamMark>
    /// The player's request: the position first, then its number (release), so a
    /// reader that sees the number sees that position or a later one's.
    public let requestPosition: UnsafeAtomic<Int64>
    public let requestGeneration: UnsafeAtomic<UInt32>
    /// Frames the player played as silence because the reader had not caught up.
    public let underruns: UnsafeAtomic<Int>
    /// A `StreamLaneState`, and how many times the session has armed the lane (so the
    /// player asks afresh for each arming).
    public let state: UnsafeAtomic<UInt8>
    public let armings: UnsafeAtomic<UInt32>

    /// Control side. `frames` per channel, rounded up to a power of two.
    public init(channels: Int, frames: Int) {
        precondition(channels == 1 || channels == 2)
        self.channels = channels
        ring = AudioRing(capacity: frames * channels)
        marks = SPSCRing(capacity: 256)
        requestPosition = .create(0)
        requestGeneration = .create(0)
        underruns = .create(0)
        state = .create(StreamLaneState.idle.rawValue)
        armings = .create(0)
    }

    deinit {
        ring.destroy()
        marks.destroy()
        requestPosition.destroy()
        requestGeneration.destroy()
        underruns.destroy()
        state.destroy()
        armings.destroy()
    }

    /// Either side: move the lane from `from` to `to` if it is still in `from`.
    public func claim(from: StreamLaneState, to: StreamLaneState) -> Bool {
        state.compareExchange(expected: from.rawValue, desired: to.rawValue, ordering: .acquiringAndReleasing).exchanged
    }

    public var laneState: StreamLaneState { StreamLaneState(rawValue: state.load(ordering: .acquiring)) ?? .idle }

    /// Frames of read-ahead the ring holds.
    public var capacityFrames: Int { ring.capacity / channels }

    /// Frames waiting (a snapshot).
    public var framesWaiting: Int { ring.count / channels }
}
