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
        case beatCount = "beat_count", downbeatCount = "downbeat_count", onsetCount = "onset_count"
    }

    public init(tempo: Double?, tempoConfidence: Double, beats: [Double], downbeats: [Double], meter: Int?, onsets: [Double]) {
        (self.tempo, self.tempoConfidence, self.beats, self.downbeats, self.meter, self.onsets) =
            (tempo, tempoConfidence, beats, downbeats, meter, onsets)
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        tempo = try c.decodeIfPresent(Double.self, forKey: .tempo)
        tempoConfidence = try c.decode(Double.self, forKey: .tempoConfidence)
        beats = try c.decodeIfPresent([Double].self, forKey: .beats) ?? []
        downbeats = try c.decodeIfPresent([Double].self, forKey: .downbeats) ?? []
        meter = try c.decodeIfPresent(Int.self, forKey: .meter)
        onsets = try c.decodeIfPresent([Double].self, forKey: .onsets) ?? []
    }

    /// In a summary (`FileAnalysis.summaryJSON`) the times are counted, not listed.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(tempo, forKey: .tempo)
        try c.encode(tempoConfidence, forKey: .tempoConfidence)
        try c.encode(meter, forKey: .meter)
        if encoder.userInfo[FileAnalysis.summaryKey] as? Bool == true {
            try c.encode(beats.count, forKey: .beatCount)
            try c.encode(downbeats.count, forKey: .downbeatCount)
            try c.encode(onsets.count, forKey: .onsetCount)
        } else {
            try c.encode(beats, forKey: .beats)
            try c.encode(downbeats, forKey: .downbeats)
            try c.encode(onsets, forKey: .onsets)
        }
    }
}
