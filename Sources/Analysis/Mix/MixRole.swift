/// What a track does in a mix, which sets where its level sits, who keeps the space
/// when two collide, and whether it stays in the centre.
public enum MixRole: String, Codable, CaseIterable, Sendable {
    case vocal, kick, snare, drums, bass, guitar, keys, pad, other

    /// Loudness against the mix's reference (LU), the lead vocal at 0: a common
    /// starting balance for pop and rock (kick and snare just under the voice, bass a
    /// little under them, harmony instruments further back, pads furthest).
    public var target: Double {
        switch self {
        case .vocal: 0
        case .kick: -3
        case .snare: -4
        case .bass: -4
        case .drums: -5
        case .guitar: -6
        case .keys: -7
        case .pad: -10
        case .other: -6
        }
    }

    /// Of two tracks fighting for the same band, the higher keeps it.
    public var priority: Int {
        switch self {
        case .vocal: 8
        case .kick: 7
        case .snare: 6
        case .bass: 5
        case .drums: 4
        case .guitar: 3
        case .keys: 2
        case .pad: 1
        case .other: 0
        }
    }

    /// The low end, the backbeat and the voice stay in the middle.
    public var centred: Bool { self == .vocal || self == .kick || self == .snare || self == .bass }

    /// A role from a track's name ("Lead Vox", "kick in", "Bass DI", …), if it says one.
    public static func named(_ name: String) -> MixRole? {
        let words = name.lowercased().split { !$0.isLetter }.map(String.init)
        let table: [(MixRole, [String])] = [
            (.vocal, ["vocal", "vocals", "vox", "voice", "singer", "vo", "bv", "bvs", "choir"]),
            (.kick, ["kick", "bd", "bassdrum"]),
            (.snare, ["snare", "sn", "clap"]),
            (.bass, ["bass", "sub", "808"]),
            (.drums, ["drum", "drums", "kit", "hat", "hihat", "hh", "overhead", "overheads", "oh", "tom", "toms", "cymbal", "perc", "room"]),
            (.guitar, ["guitar", "gtr", "gt", "acoustic"]),
            (.keys, ["keys", "piano", "organ", "rhodes", "synth", "keyboard"]),
            (.pad, ["pad", "pads", "strings", "ambience", "atmos"]),
        ]
        for (role, keys) in table where words.contains(where: keys.contains) { return role }
        return words.contains("lead") ? .vocal : nil  // "lead" alone is the voice; "lead guitar" is a guitar
    }

    /// A role from the sound, for tracks whose names say nothing: the low end alone
    /// with sharp hits is a kick, the low end sustained a bass; broadband sharp hits
    /// are drums; the rest is "other".
    public static func guess(_ m: TrackMeasure) -> MixRole {
        let crest = m.crest ?? 0
        if m.lowShare > 0.6 { return crest > 14 ? .kick : .bass }
        if crest > 18 && m.flatness > 0.1 { return .drums }
        return .other
    }
}
