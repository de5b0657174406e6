/// The control side's description of the graph: value types that may allocate freely.
/// `Plan.compile` turns it into the flat, preallocated form the realtime side runs.
public struct GraphDescription: Sendable {
    public var tracks: [TrackNode]
    public var buses: [BusNode]

    public init(tracks: [TrackNode] = [], buses: [BusNode] = []) {
        self.tracks = tracks
        self.buses = buses
    }
}

public struct TrackNode: Sendable {
    public enum Source: Sendable {
        case silent
        /// A JACK capture port, numbered from 0.
        case input(Int)
        /// Audio clips on the timeline; one or two channels.
        case clips([ClipNode], stereo: Bool)
    }

    /// Strip slot (see `EngineConfig.maxStrips`).
    public var strip: Int
    public var source: Source
    public var sends: [SendNode]

    public init(strip: Int, source: Source = .silent, sends: [SendNode] = []) {
        self.strip = strip
        self.source = source
        self.sends = sends
    }
}

/// A region of decoded audio placed on the timeline. The samples are owned by the
/// caller, who keeps them alive until the plan that uses them is retired.
public struct ClipNode: @unchecked Sendable {
    // @unchecked Sendable: the samples are immutable once decoded and outlive every
    // plan that points at them (EngineHandle retains their owner with the plan).
    public var left: UnsafePointer<Float>
    public var right: UnsafePointer<Float>
    /// Timeline frame of the clip's first sample.
    public var start: Int64
    /// Frames played.
    public var length: Int64
    /// First frame of the source that plays.
    public var offset: Int64

    public init(left: UnsafePointer<Float>, right: UnsafePointer<Float>, start: Int64, length: Int64, offset: Int64 = 0) {
        self.left = left
        self.right = right
        self.start = start
        self.length = length
        self.offset = offset
    }
}

public struct SendNode: Sendable {
    /// Bus number (see `EngineConfig.maxBuses`).
    public var bus: Int
    /// Pre-fader sends tap the strip after polarity, mute and pan, before the fader.
    public var preFader: Bool

    public init(bus: Int, preFader: Bool) {
        self.bus = bus
        self.preFader = preFader
    }
}

public struct BusNode: Sendable {
    public var strip: Int
    public var bus: Int

    public init(strip: Int, bus: Int) {
        self.strip = strip
        self.bus = bus
    }
}
