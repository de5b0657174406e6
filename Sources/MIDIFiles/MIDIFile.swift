/// A Standard MIDI File, parsed: its format, time division and tracks of events.
///
/// Reads formats 0, 1 and 2 with metrical (ticks per quarter note) or SMPTE time
/// division, running status, meta and sysex events; skips unknown chunks as the
/// specification asks. Any structural damage (a truncated chunk, a bad variable-length
/// number, a data byte with no status) is a `MIDIFileError` naming the offset.
public struct MIDIFile: Sendable, Equatable {
    public enum Division: Sendable, Equatable {
        /// Ticks per quarter note; the tempo map gives seconds.
        case ticksPerQuarter(Int)
        /// Frames per second (24, 25, 29 for 29.97 drop-frame, 30) and ticks per frame.
        case smpte(framesPerSecond: Int, ticksPerFrame: Int)
    }

    public struct Event: Sendable, Equatable {
        public enum Kind: Sendable, Equatable {
            case noteOn(channel: Int, key: Int, velocity: Int)
            case noteOff(channel: Int, key: Int, velocity: Int)
            /// Any other channel message (controller, program, bend, pressure).
            case channel(status: UInt8, data: [UInt8])
            /// Microseconds per quarter note.
            case tempo(Int)
            case trackName(String)
            case endOfTrack
            case meta(type: UInt8, data: [UInt8])
            case sysex([UInt8])
        }
        /// Ticks from the start of the track.
        public var tick: Int
        public var kind: Kind

        public init(tick: Int, _ kind: Kind) {
            self.tick = tick
            self.kind = kind
        }
    }

    public var format: Int
    public var division: Division
    public var tracks: [[Event]]

    public init(format: Int, division: Division, tracks: [[Event]]) {
        self.format = format
        self.division = division
        self.tracks = tracks
    }
}

public struct MIDIFileError: Error, CustomStringConvertible, Equatable {
    public let description: String
    init(_ description: String) { self.description = description }
}
