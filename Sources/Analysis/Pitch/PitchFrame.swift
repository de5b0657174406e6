/// The pitch at one instant of a file: `hz` 0 where unvoiced; `confidence` the
/// probability that the frame is voiced, 0 … 1.
public struct PitchFrame: Sendable, Equatable {
    public var time: Double
    public var hz: Double
    public var confidence: Double

    public init(time: Double, hz: Double, confidence: Double) {
        self.time = time
        self.hz = hz
        self.confidence = confidence
    }
}

/// A frame's pitch hypotheses: each candidate period as a frequency with the
/// probability that it is the pitch (they sum to the probability of voicing).
struct PitchHypotheses {
    var hz: [Float] = []
    var probability: [Float] = []
    var voiced: Float = 0
}
