/// What recorded a take: an input track, a bus or the master (a bounce).
public enum TakeSource: Equatable, Hashable, Sendable {
    case track(Int)
    case bus(Int)
    case master

    /// The store's `source` column and `strip` id.
    var column: (String, Int) {
        switch self {
        case .track(let id): ("track", id)
        case .bus(let id): ("bus", id)
        case .master: ("master", 0)
        }
    }

    init?(column kind: String, strip: Int) {
        switch kind {
        case "track": self = .track(strip)
        case "bus": self = .bus(strip)
        case "master": self = .master
        default: return nil
        }
    }

    /// How logs and messages name it: "track 3", "bus 2", "master".
    public var label: String {
        switch self {
        case .track(let id): "track \(id)"
        case .bus(let id): "bus \(id)"
        case .master: "master"
        }
    }

    /// The folder under `takes/` its files go in.
    public var folder: String {
        switch self {
        case .track(let id): "\(id)"
        case .bus(let id): "bus-\(id)"
        case .master: "master"
        }
    }
}

/// One row of the `takes` table.
public struct TakeRecord: Equatable, Sendable {
    public enum State: String, Sendable {
        /// Being written (or the engine died while writing it: `recover` looks at it).
        case recording
        case complete
        /// Found unfinished after a crash and closed by `recover`.
        case recovered
    }

    public var id: Int64 = 0
    public var source: TakeSource
    public var number: Int
    /// Relative to the project directory.
    public var file: String
    /// Timeline frame where its first sample belongs (latency compensated).
    public var timelineFrame: Int64
    public var lengthFrames: Int64 = 0
    public var sampleRate: Int
    /// "wav-float", "wav-24", "flac-24", … (see `RecordFormat`).
    public var format: String
    public var channels: Int
    public var createdAt: String = ""
    /// SHA-256 of the finished file, hex.
    public var checksum: String?
    public var state: State = .recording
    /// Frames the disk could not take in time (written as silence, so the take keeps
    /// its length and alignment).
    public var overrunFrames: Int64 = 0
    /// Frames that never reached the engine because it missed JACK cycles while the
    /// transport rolled on (an xrun; written as silence, for the same reason).
    public var xrunFrames: Int64 = 0

    public init(source: TakeSource, number: Int, file: String, timelineFrame: Int64, sampleRate: Int, format: String, channels: Int) {
        self.source = source
        self.number = number
        self.file = file
        self.timelineFrame = timelineFrame
        self.sampleRate = sampleRate
        self.format = format
        self.channels = channels
    }

    public var timelineSeconds: Double { Double(timelineFrame) / Double(sampleRate) }
    public var lengthSeconds: Double { Double(lengthFrames) / Double(sampleRate) }
}
