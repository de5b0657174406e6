import DSP
import Foundation

/// What BS.1770-4 and EBU R128 say about a programme.
public struct Loudness: Codable, Equatable, Sendable {
    /// Gated (−70 LUFS absolute, −10 LU relative) over 400 ms blocks, 75 % overlap;
    /// nil when no block passes the gate (silence).
    public var integrated: Double?
    /// The largest momentary (400 ms) and short-term (3 s) loudness, LUFS.
    public var momentaryMax: Double?
    public var shortTermMax: Double?
    /// Loudness range (EBU Tech 3342), LU: the spread from the 10th to the 95th
    /// percentile of gated short-term loudness.
    public var range: Double?
    /// dBFS of the largest sample, and dBTP of the largest oversampled one, over all
    /// channels.
    public var samplePeak: Double
    public var truePeak: Double

    enum CodingKeys: String, CodingKey {
        case integrated = "integrated_lufs", momentaryMax = "momentary_max_lufs", shortTermMax = "short_term_max_lufs"
        case range = "range_lu", samplePeak = "sample_peak_dbfs", truePeak = "true_peak_dbtp"
    }

    /// Every key, a measure that does not exist (silence) as null.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(integrated, forKey: .integrated)
        try c.encode(momentaryMax, forKey: .momentaryMax)
        try c.encode(shortTermMax, forKey: .shortTermMax)
        try c.encode(range, forKey: .range)
        // Silence: −inf would not be JSON.
        try c.encode(samplePeak.isFinite ? samplePeak : nil, forKey: .samplePeak)
        try c.encode(truePeak.isFinite ? truePeak : nil, forKey: .truePeak)
    }
}

/// Measures loudness as samples stream through it, in bounded memory per hour (one
/// number per 100 ms). Channels are weighted as BS.1770 says for up to five (L, R, C
/// at 1, the surrounds at 1.41); a sixth (LFE) is left out.
public final class LoudnessMeter {
    public let sampleRate: Double
    public let channels: Int
    private var filters: [KWeighting]
    private var peaks: [TruePeakDetector]
    private let weights: [Double]
    /// Samples per 100 ms step, and the current step's weighted energy sum so far.
    private let step: Int
    private var inStep = 0
    private var stepEnergy = 0.0
    /// Every finished step's mean weighted energy, in order.
    private var steps: [Double] = []
    private var samplePeak = 0.0
    /// Each frame's weighted energy over the channels, for the block being measured.
    private var energy: [Double] = []

    public init(sampleRate: Double, channels: Int) {
        self.sampleRate = sampleRate
        self.channels = channels
        filters = Array(repeating: KWeighting(sampleRate: sampleRate), count: channels)
        peaks = (0..<channels).map { _ in TruePeakDetector(sampleRate: sampleRate) }
        weights = (0..<channels).map { channels == 6 && $0 == 3 ? 0 : ($0 >= 3 && channels >= 5 ? 1.41 : 1) }
        step = max(1, Int((sampleRate / 10).rounded()))
    }

    deinit { for p in peaks { p.free() } }

    /// `frames` frames of interleaved samples.
    public func process(interleaved samples: UnsafeBufferPointer<Float>, frames: Int) {
        precondition(samples.count >= frames * channels)
        guard frames > 0, let base = samples.baseAddress else { return }
        // Channel by channel over the block, each channel's filter state held locally:
        // the weighted squares summed into `energy`, frame by frame.
        if energy.count < frames { energy = [Double](repeating: 0, count: frames) }
        energy.withUnsafeMutableBufferPointer { e in
            for f in 0..<frames { e[f] = 0 }
            for c in 0..<channels {
                var filter = filters[c]
                let w = weights[c]
                var loudest: Float = 0
                for f in 0..<frames {
                    let x = base[f * channels + c]
                    loudest = max(loudest, abs(x))
                    let y = filter.run(Double(x))
                    e[f] += w * y * y
                }
                filters[c] = filter
                samplePeak = max(samplePeak, Double(loudest))
                peaks[c].run(base + c, count: frames, stride: channels)
            }
            for f in 0..<frames {
                stepEnergy += e[f]
                inStep += 1
                if inStep == step {
                    steps.append(stepEnergy / Double(step))
                    stepEnergy = 0
                    inStep = 0
                }
            }
        }
    }

    /// Convenience: planar channels of equal length.
    public func process(_ planar: [[Float]]) {
        precondition(planar.count == channels)
        let frames = planar.first?.count ?? 0
        var interleaved = [Float](repeating: 0, count: frames * channels)
        for c in 0..<channels { for f in 0..<frames { interleaved[f * channels + c] = planar[c][f] } }
        interleaved.withUnsafeBufferPointer { process(interleaved: $0, frames: frames) }
    }

    static func lufs(_ energy: Double) -> Double { -0.691 + 10 * log10(energy) }

    /// Mean energy of each window of `length` steps ending at every step from the first
    /// full one on.
    func windows(of length: Int) -> [Double] {
        guard steps.count >= length else { return [] }
        var out: [Double] = []
        out.reserveCapacity(steps.count - length + 1)
        var sum = steps[0..<length].reduce(0, +)
        out.append(sum / Double(length))
        for i in length..<steps.count {
            sum += steps[i] - steps[i - length]
            out.append(max(0, sum) / Double(length))
        }
        return out
    }

    /// The measurement of everything so far.
    public func result() -> Loudness {
        let momentary = windows(of: 4)     // 400 ms every 100 ms: the gating blocks too
        let shortTerm = windows(of: 30)    // 3 s every 100 ms
        let absolute = pow(10, (-70 + 0.691) / 10)
        var integrated: Double?
        let aboveAbsolute = momentary.filter { $0 > absolute }
        if !aboveAbsolute.isEmpty {
            let relative = aboveAbsolute.reduce(0, +) / Double(aboveAbsolute.count) * pow(10, -10.0 / 10)
            let gated = aboveAbsolute.filter { $0 > relative }
            if !gated.isEmpty { integrated = Self.lufs(gated.reduce(0, +) / Double(gated.count)) }
        }
        var range: Double?
        let stAbove = shortTerm.filter { $0 > absolute }
        if !stAbove.isEmpty {
            let relative = stAbove.reduce(0, +) / Double(stAbove.count) * pow(10, -20.0 / 10)
            let gated = stAbove.filter { $0 > relative }.map(Self.lufs).sorted()
            if !gated.isEmpty {
                func percentile(_ p: Double) -> Double { gated[min(gated.count - 1, Int((p * Double(gated.count - 1)).rounded()))] }
                range = percentile(0.95) - percentile(0.10)
            }
        }
        let tp = Double(peaks.map(\.peak).max() ?? 0)
        return Loudness(
            integrated: integrated,
            momentaryMax: momentary.max().flatMap { $0 > 0 ? Self.lufs($0) : nil },
            shortTermMax: shortTerm.max().flatMap { $0 > 0 ? Self.lufs($0) : nil },
            range: range,
            samplePeak: 20 * log10(max(samplePeak, 1e-12)),
            truePeak: 20 * log10(max(tp, 1e-12)))
    }
}
