/// A scored take: the dimensions 0–100 (nil where the take gives nothing to judge),
/// the overall score, one entry per note and tips that name what to work on.
public struct CoachReport: Sendable, Codable, Equatable {
    public struct Note: Sendable, Codable, Equatable {
        public var index: Int
        /// Reference seconds where the note should start (reference mode) or starts.
        public var start: Double
        public var duration: Double
        /// The note asked for (the melody's, or the scale's nearest) and the one sung.
        public var expected: String
        public var sung: String?
        /// Median distance from `expected`, cents (nil when missed).
        public var cents: Double?
        /// Sung onset minus reference onset, ms (nil when it could not be told apart).
        public var onsetMs: Double?
        /// How far the held pitch wanders, cents (slow drift and wobble, not vibrato).
        public var wander: Double?
        public var vibratoRate: Double?
        public var vibratoExtent: Double?
        public var pitchScore: Double
        public var rhythmScore: Double?
        /// ok, flat, sharp, wrong note, missed, late, early, unsteady.
        public var verdict: String
    }

    /// `reference` or `scale`.
    public var mode: String
    public var target: String
    /// Octaves folded (any octave counts) or strict.
    public var folded: Bool
    public var a4: Double
    public var score: Double
    public var pitch: Double
    public var rhythm: Double?
    public var consistency: Double?
    public var vibrato: Double?
    /// Mean signed cents of the notes sung in the right place (negative: flat).
    public var meanCents: Double?
    /// Median signed onset error, ms (positive: late).
    public var meanOnsetMs: Double?
    public var notes: [Note]
    public var tips: [String]

    // Encoded by hand so an absent value is written as null, not left out: a reader of
    // the JSON finds every key.
    enum CodingKeys: String, CodingKey { case mode, target, folded, a4, score, pitch, rhythm, consistency, vibrato, meanCents, meanOnsetMs, notes, tips }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(mode, forKey: .mode)
        try c.encode(target, forKey: .target)
        try c.encode(folded, forKey: .folded)
        try c.encode(a4, forKey: .a4)
        try c.encode(score, forKey: .score)
        try c.encode(pitch, forKey: .pitch)
        try c.encode(rhythm, forKey: .rhythm)
        try c.encode(consistency, forKey: .consistency)
        try c.encode(vibrato, forKey: .vibrato)
        try c.encode(meanCents, forKey: .meanCents)
        try c.encode(meanOnsetMs, forKey: .meanOnsetMs)
        try c.encode(notes, forKey: .notes)
        try c.encode(tips, forKey: .tips)
    }
}

extension CoachReport.Note {
    enum CodingKeys: String, CodingKey { case index, start, duration, expected, sung, cents, onsetMs, wander, vibratoRate, vibratoExtent, pitchScore, rhythmScore, verdict }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(index, forKey: .index)
        try c.encode(start, forKey: .start)
        try c.encode(duration, forKey: .duration)
        try c.encode(expected, forKey: .expected)
        try c.encode(sung, forKey: .sung)
        try c.encode(cents, forKey: .cents)
        try c.encode(onsetMs, forKey: .onsetMs)
        try c.encode(wander, forKey: .wander)
        try c.encode(vibratoRate, forKey: .vibratoRate)
        try c.encode(vibratoExtent, forKey: .vibratoExtent)
        try c.encode(pitchScore, forKey: .pitchScore)
        try c.encode(rhythmScore, forKey: .rhythmScore)
        try c.encode(verdict, forKey: .verdict)
    }
}
