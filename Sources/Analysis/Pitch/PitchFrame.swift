/// The pitch at one instant of a file: `hz` 0 where unvoiced; `confidence` the
/// probability that the frame is voiced, 0 … 1; `guess` the likeliest pitch of an
/// unvoiced frame (0 when there is none; `hz` when voiced).
public struct PitchFrame: Sendable, Equatable {
    public var time: Double
    public var hz: Double
    public var confidence: Double
    public var guess: Double

    public init(time: Double, hz: Double, confidence: Double, guess: Double? = nil) {
        self.time = time
        self.hz = hz
        self.confidence = confidence
        self.guess = guess ?? hz
    }
}

/// A frame's pitch hypotheses: each candidate period as a frequency with the
/// probability that it is the pitch (they sum to the probability of voicing).
struct PitchHypotheses {
    var hz: [Float] = []
    var probability: [Float] = []
    var voiced: Float = 0
    /// Hypotheses already measured at the full rate (bit i: hypothesis i).
    var refined: UInt64 = 0
    /// The signal's power in the 20 ms after the frame's instant over the 20 ms before:
    /// above 2.5 (4 dB), a note is struck there.
    var rise: Float = 1
}
