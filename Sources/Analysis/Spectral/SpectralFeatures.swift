import DSP
import Foundation

/// Spectral character over time, measured as librosa defines each measure so that the
/// numbers compare (magnitude spectrum of a Hann-windowed frame):
/// centroid (Hz, magnitude-weighted mean frequency), roll-off (Hz below which 85 % of
/// the magnitude lies), flatness (geometric over arithmetic mean of the power, 0 … 1),
/// zero-crossing rate (crossings per sample) and RMS (of the frame, unwindowed).
public struct SpectralFeatures: Codable, Equatable, Sendable {
    /// Means over the frames that are not digital silence (nil when every one is).
    public var centroidHz: Double?
    public var rolloffHz: Double?
    public var flatness: Double?
    public var zeroCrossingRate: Double?
    public var rmsDBFS: Double?
    /// The same measures every `seriesHopSeconds` (means of the frames in each step).
    public var seriesHopSeconds: Double
    public var centroidSeries: [Float]
    public var rolloffSeries: [Float]
    public var flatnessSeries: [Float]
    public var zeroCrossingSeries: [Float]
    public var rmsSeries: [Float]

    enum CodingKeys: String, CodingKey {
        case centroidHz = "centroid_hz", rolloffHz = "rolloff_hz", flatness, zeroCrossingRate = "zero_crossing_rate"
        case rmsDBFS = "rms_dbfs", seriesHopSeconds = "series_hop_s", centroidSeries = "centroid_hz_series"
        case rolloffSeries = "rolloff_hz_series", flatnessSeries = "flatness_series"
        case zeroCrossingSeries = "zero_crossing_rate_series", rmsSeries = "rms_series"
    }

    public init(centroidHz: Double?, rolloffHz: Double?, flatness: Double?, zeroCrossingRate: Double?, rmsDBFS: Double?,
                seriesHopSeconds: Double, centroidSeries: [Float], rolloffSeries: [Float], flatnessSeries: [Float],
                zeroCrossingSeries: [Float], rmsSeries: [Float]) {
        (self.centroidHz, self.rolloffHz, self.flatness, self.zeroCrossingRate, self.rmsDBFS) =
            (centroidHz, rolloffHz, flatness, zeroCrossingRate, rmsDBFS)
        (self.seriesHopSeconds, self.centroidSeries, self.rolloffSeries, self.flatnessSeries) =
            (seriesHopSeconds, centroidSeries, rolloffSeries, flatnessSeries)
        (self.zeroCrossingSeries, self.rmsSeries) = (zeroCrossingSeries, rmsSeries)
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        centroidHz = try c.decodeIfPresent(Double.self, forKey: .centroidHz)
        rolloffHz = try c.decodeIfPresent(Double.self, forKey: .rolloffHz)
        flatness = try c.decodeIfPresent(Double.self, forKey: .flatness)
        zeroCrossingRate = try c.decodeIfPresent(Double.self, forKey: .zeroCrossingRate)
        rmsDBFS = try c.decodeIfPresent(Double.self, forKey: .rmsDBFS)
        seriesHopSeconds = try c.decodeIfPresent(Double.self, forKey: .seriesHopSeconds) ?? 0
        centroidSeries = try c.decodeIfPresent([Float].self, forKey: .centroidSeries) ?? []
        rolloffSeries = try c.decodeIfPresent([Float].self, forKey: .rolloffSeries) ?? []
        flatnessSeries = try c.decodeIfPresent([Float].self, forKey: .flatnessSeries) ?? []
        zeroCrossingSeries = try c.decodeIfPresent([Float].self, forKey: .zeroCrossingSeries) ?? []
        rmsSeries = try c.decodeIfPresent([Float].self, forKey: .rmsSeries) ?? []
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(centroidHz, forKey: .centroidHz)
        try c.encode(rolloffHz, forKey: .rolloffHz)
        try c.encode(flatness, forKey: .flatness)
        try c.encode(zeroCrossingRate, forKey: .zeroCrossingRate)
        try c.encode(rmsDBFS, forKey: .rmsDBFS)
        if encoder.userInfo[FileAnalysis.summaryKey] as? Bool == true { return }  // means only
        try c.encode(seriesHopSeconds, forKey: .seriesHopSeconds)
        try c.encode(centroidSeries, forKey: .centroidSeries)
        try c.encode(rolloffSeries, forKey: .rolloffSeries)
        try c.encode(flatnessSeries, forKey: .flatnessSeries)
        try c.encode(zeroCrossingSeries, forKey: .zeroCrossingSeries)
        try c.encode(rmsSeries, forKey: .rmsSeries)
    }
}

/// Accumulates `SpectralFeatures` frame by frame.
struct SpectralFeatureTracker {
    let binHz: Double
    /// Frames per series step.
    let perStep: Int
    let stepSeconds: Double
    private var sums = [Double](repeating: 0, count: 5)
    private var counted = 0
    private var step = [Double](repeating: 0, count: 5)
    private var inStep = 0
    private var series: [[Float]] = Array(repeating: [], count: 5)

    init(sampleRate: Double, frameSize: Int, hop: Int, seriesSeconds: Double = 0.1) {
        binHz = sampleRate / Double(frameSize)
        perStep = max(1, Int((seriesSeconds * sampleRate / Double(hop)).rounded()))
        stepSeconds = Double(perStep * hop) / sampleRate
    }

    /// One frame: the raw samples (for RMS and crossings) and its power spectrum.
    mutating func add(frame: UnsafeBufferPointer<Float>, power: UnsafeBufferPointer<Float>) {
        var squares: Float = 0, crossings = 0
        for i in 0..<frame.count {
            squares += frame[i] * frame[i]
            if i > 0 && (frame[i] >= 0) != (frame[i - 1] >= 0) { crossings += 1 }
        }
        let rms = (squares / Float(frame.count)).squareRoot()
        var total: Double = 0, weighted: Double = 0, logSum: Double = 0, powerSum: Double = 0
        // Logarithms of products of 16 powers (each within 1e-10 … 1e8, so a product
        // stays inside Double's range): one log per 16 bins gives the same geometric mean.
        var product = 1.0, inProduct = 0
        for k in 0..<power.count {
            let m = Double(power[k].squareRoot())
            total += m
            weighted += m * Double(k)
            let p = max(Double(power[k]), 1e-10)
            powerSum += p
            product *= p
            inProduct += 1
            if inProduct == 16 {
                logSum += log(product)
                product = 1
                inProduct = 0
            }
        }
        logSum += log(product)
        var rolloff = 0.0
        if total > 0 {
            let target = 0.85 * total
            var running = 0.0
            for k in 0..<power.count {
                running += Double(power[k].squareRoot())
                if running >= target { rolloff = Double(k) * binHz; break }
            }
        }
        let values = [total > 0 ? weighted / total * binHz : 0, rolloff,
                      exp(logSum / Double(power.count)) / (powerSum / Double(power.count)),
                      Double(crossings) / Double(frame.count), Double(rms)]
        if squares > 0 {
            for i in 0..<5 { sums[i] += values[i] }
            counted += 1
        }
        for i in 0..<5 { step[i] += values[i] }
        inStep += 1
        if inStep == perStep { closeStep() }
    }

    private mutating func closeStep() {
        guard inStep > 0 else { return }
        for i in 0..<5 {
            series[i].append(Float(step[i] / Double(inStep)))
            step[i] = 0
        }
        inStep = 0
    }

    mutating func result() -> SpectralFeatures {
        closeStep()
        let n = Double(counted)
        func mean(_ i: Int) -> Double? { counted > 0 ? sums[i] / n : nil }
        return SpectralFeatures(
            centroidHz: mean(0), rolloffHz: mean(1), flatness: mean(2), zeroCrossingRate: mean(3),
            rmsDBFS: mean(4).map { 20 * log10(max($0, 1e-10)) }, seriesHopSeconds: stepSeconds,
            centroidSeries: series[0], rolloffSeries: series[1], flatnessSeries: series[2],
            zeroCrossingSeries: series[3], rmsSeries: series[4])
    }
}
