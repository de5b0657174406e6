/// One change to one control, addressed as OSC addresses it under `/strip/<strip>/…`
/// (`/master/…` for the master): `gain`, `pan`, `eq/on`, `eq/peak2/freq`,
/// `comp/threshold`, `send/<bus>` …
public struct MixMove: Codable, Equatable, Sendable {
    /// A track or bus id, or "master".
    public var strip: String
    public var control: String
    public var value: Double

    public init(strip: String, control: String, value: Double) {
        self.strip = strip
        self.control = control
        self.value = value
    }
}

/// A problem the assistant found, what it measured, and the moves that fix it.
public struct MixSuggestion: Codable, Equatable, Sendable {
    public enum Kind: String, Codable, Sendable { case level, clipping, masking, pan, compressor, send, master }

    public var id: Int
    public var kind: Kind
    /// The tracks it is about (the first is the one the moves change, but for `pan`).
    public var tracks: [Int]
    /// What is wrong, in words ("vocal 9.8 LU under its place in the balance").
    public var problem: String
    /// The measurements that motivate it, by name.
    public var measured: [String: Double]
    public var moves: [MixMove]

    public init(id: Int, kind: Kind, tracks: [Int], problem: String, measured: [String: Double], moves: [MixMove]) {
        (self.id, self.kind, self.tracks, self.problem, self.measured, self.moves) = (id, kind, tracks, problem, measured, moves)
    }
}

/// One track as the assistant sees it: its role, what it measures through its fader
/// (and, for the spectrum, through its EQ), and the controls it has free.
public struct MixTrack: Sendable {
    public var id: Int
    public var name: String
    public var role: MixRole
    /// "name", "patch" or "sound": where the role came from.
    public var roleSource: String
    public var measure: TrackMeasure
    public var gainDb: Double
    public var pan: Double
    /// EQ bells not in use (`peak1` … `peak4`), for a cut.
    public var freeBells: [String]
    public var compressorOn: Bool
    /// Buses it sends to.
    public var sends: [Int]

    public init(id: Int, name: String, role: MixRole, roleSource: String, measure: TrackMeasure, gainDb: Double, pan: Double,
                freeBells: [String], compressorOn: Bool, sends: [Int]) {
        (self.id, self.name, self.role, self.roleSource, self.measure) = (id, name, role, roleSource, measure)
        (self.gainDb, self.pan, self.freeBells, self.compressorOn, self.sends) = (gainDb, pan, freeBells, compressorOn, sends)
    }
}
