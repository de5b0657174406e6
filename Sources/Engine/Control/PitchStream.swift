import Atomics
import DSP

/// A live pitch reading, the engine frame (the frame clock, as timed commands use) of
/// the audio it describes up to, and the transport's timeline frame there
/// (`PitchEvent.stopped` while the transport stands still).
public struct PitchEvent: BitwiseCopyable, Sendable, Equatable {
    public var reading: PitchReading
    public var frame: UInt64
    public var position: Int64

    public static let stopped = Int64.min

    public init(reading: PitchReading, frame: UInt64, position: Int64 = PitchEvent.stopped) {
        self.reading = reading
        self.frame = frame
        self.position = position
    }
}

/// The readings of one tracked signal: a `PitchTap` pushes them on the process thread,
/// the feedback side pops them. A full ring drops the reading and counts it.
public final class PitchStream: @unchecked Sendable {
    // @unchecked Sendable: an SPSC ring (tap pushes, one consumer pops) and an atomic.
    public let readings: SPSCRing<PitchEvent>
    public let dropped: UnsafeAtomic<Int>

    /// Control side: room for about five seconds of readings at 5 ms.
    public init(capacity: Int = 1024) {
        readings = SPSCRing(capacity: capacity)
        dropped = .create(0)
    }

    deinit {
        readings.destroy()
        dropped.destroy()
    }
}
