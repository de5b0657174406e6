/// What `dawg analyze` says about time: tempo, beats, bars and onsets.
public struct Rhythm: Codable, Equatable, Sendable {
    /// nil when nothing repeats (silence, a single sound).
    public var tempo: Double?
    /// 0 … 1.
    public var tempoConfidence: Double
    public var beats: [Double]
    /// Beats that begin a bar, and beats per bar, when the bars can be told apart.
    public var downbeats: [Double]
    public var meter: Int?
    public var onsets: [Double]

    enum CodingKeys: String, CodingKey {
        case tempo = "tempo_bpm", tempoConfidence = "tempo_confidence", beats = "beats_s", downbeats = "downbeats_s"
        case meter, onsets = "onsets_s"
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(tempo, forKey: .tempo)
        try c.encode(tempoConfidence, forKey: .tempoConfidence)
        try c.encode(beats, forKey: .beats)
        try c.encode(downbeats, forKey: .downbeats)
        try c.encode(meter, forKey: .meter)
        try c.encode(onsets, forKey: .onsets)
    }
}
