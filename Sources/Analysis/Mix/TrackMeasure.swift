import DSP
import Foundation

/// What the mix assistant measures of one track as it reaches the mix: loudness and
/// peaks (BS.1770-4), crest factor, loudness range, and the long-term spectrum in
/// third-octave bands (as power, so bands can be compared and summed).
public struct TrackMeasure: Codable, Equatable, Sendable {
    /// LUFS; nil for silence.
    public var integrated: Double?
    public var truePeak: Double
    public var samplePeak: Double
    /// Sample peak over RMS, dB (nil for silence).
    public var crest: Double?
    /// Loudness range, LU.
    public var range: Double?
    /// Mean power of each third-octave band (linear, full-scale sine = 1), by `bandCentres`.
    public var bandPower: [Double]
    public var bandCentres: [Double]
    /// The share of the power below 150 Hz, and the spectral flatness (0 … 1).
    public var lowShare: Double
    public var flatness: Double

    enum CodingKeys: String, CodingKey {
        case integrated = "integrated_lufs", truePeak = "true_peak_dbtp", samplePeak = "sample_peak_dbfs", crest = "crest_db"
        case range = "range_lu", bandPower = "band_power", bandCentres = "band_centres_hz", lowShare = "low_share", flatness
    }

    /// In a summary (`MixEncoding.summary`) the band powers are left out.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(integrated, forKey: .integrated)
        try c.encode(truePeak.isFinite ? truePeak : nil, forKey: .truePeak)
        try c.encode(samplePeak.isFinite ? samplePeak : nil, forKey: .samplePeak)
        try c.encode(crest, forKey: .crest)
        try c.encode(range, forKey: .range)
        try c.encode(lowShare, forKey: .lowShare)
        try c.encode(flatness, forKey: .flatness)
        if encoder.userInfo[FileAnalysis.summaryKey] as? Bool == true { return }
        try c.encode(bandPower, forKey: .bandPower)
        try c.encode(bandCentres, forKey: .bandCentres)
    }

    public init(integrated: Double?, truePeak: Double, samplePeak: Double, crest: Double?, range: Double?, bandPower: [Double],
                bandCentres: [Double], lowShare: Double, flatness: Double) {
        (self.integrated, self.truePeak, self.samplePeak, self.crest, self.range) = (integrated, truePeak, samplePeak, crest, range)
        (self.bandPower, self.bandCentres, self.lowShare, self.flatness) = (bandPower, bandCentres, lowShare, flatness)
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        integrated = try c.decodeIfPresent(Double.self, forKey: .integrated)
        truePeak = try c.decodeIfPresent(Double.self, forKey: .truePeak) ?? -.infinity
        samplePeak = try c.decodeIfPresent(Double.self, forKey: .samplePeak) ?? -.infinity
        crest = try c.decodeIfPresent(Double.self, forKey: .crest)
        range = try c.decodeIfPresent(Double.self, forKey: .range)
        lowShare = try c.decodeIfPresent(Double.self, forKey: .lowShare) ?? 0
        flatness = try c.decodeIfPresent(Double.self, forKey: .flatness) ?? 0
        bandPower = try c.decodeIfPresent([Double].self, forKey: .bandPower) ?? []
        bandCentres = try c.decodeIfPresent([Double].self, forKey: .bandCentres) ?? []
    }

    /// Measures `channels` (one or two, equal length) scaled by `gain`. Any thread.
    public static func measure(_ channels: [UnsafeBufferPointer<Float>], sampleRate: Double, gain: Float = 1) -> TrackMeasure {
        let n = channels.first?.count ?? 0
        let meter = LoudnessMeter(sampleRate: sampleRate, channels: channels.count)
        let size = MusicAnalyzer.powerOfTwo(0.17 * sampleRate)
        let fft = RealFFT(size: size)
        let window = Windows.blackmanHarris(size)
        var bands = ThirdOctaveAccumulator(sampleRate: sampleRate, frameSize: size, windowSquares: Double(window.reduce(0) { $0 + $1 * $1 }))
        var slicer = FrameSlicer(size: size, hop: size / 2)
        var power = [Float](repeating: 0, count: size / 2 + 1)
        var low = 0.0, all = 0.0, flat = 0.0, frames = 0
        let lowBins = Int(150 / (sampleRate / Double(size)))
        func frame(_ f: UnsafeBufferPointer<Float>) {
            for i in 0..<size { fft.input[i] = f[i] * window[i] }
            fft.forward()
            power.withUnsafeMutableBufferPointer { p in
                fft.power(into: p.baseAddress!)
                bands.add(power: UnsafeBufferPointer(p))
                var total = 0.0, logs = 0.0, below = 0.0
                for k in 1..<p.count {
                    let v = Double(p[k])
                    total += v
                    if k <= lowBins { below += v }
                    logs += log(max(v, 1e-20))
                }
                if total > 0 {
                    low += below
                    all += total
                    flat += exp(logs / Double(p.count - 1)) / (total / Double(p.count - 1))
                    frames += 1
                }
            }
        }
        let block = 65536
        var mono = [Float](repeating: 0, count: block)
        var interleaved = [Float](repeating: 0, count: block * channels.count)
        var peak: Float = 0, squares = 0.0
        var start = 0
        while start < n {
            let m = min(block, n - start)
            for i in 0..<m {
                var s: Float = 0
                for (c, ch) in channels.enumerated() {
                    let x = ch[start + i] * gain
                    interleaved[i * channels.count + c] = x
                    s += x
                    peak = max(peak, abs(x))
                    squares += Double(x * x)
                }
                mono[i] = s / Float(channels.count)
            }
            interleaved.withUnsafeBufferPointer { meter.process(interleaved: $0, frames: m) }
            mono.withUnsafeBufferPointer { slicer.push(UnsafeBufferPointer(rebasing: $0[0..<m]), frame) }
            start += m
        }
        slicer.finish(frame)
        let loudness = meter.result()
        let rms = n > 0 ? (squares / Double(n * channels.count)).squareRoot() : 0
        let spectrum = bands.result()
        return TrackMeasure(
            integrated: loudness.integrated, truePeak: loudness.truePeak, samplePeak: loudness.samplePeak,
            crest: rms > 0 && peak > 0 ? 20 * log10(Double(peak) / rms) : nil, range: loudness.range,
            bandPower: spectrum.levelsDB.map { $0.map { pow(10, $0 / 10) } ?? 0 }, bandCentres: spectrum.centresHz,
            lowShare: all > 0 ? low / all : 0, flatness: frames > 0 ? flat / Double(frames) : 0)
    }
}
