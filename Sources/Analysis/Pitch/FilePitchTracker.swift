import DSP

/// The pitch of a whole recording at a fixed hop (`dawg pitch`, take scoring): the
/// live tracker's analysis (`PeriodicityAnalyzer`, centred on each instant since the
/// future is known here), pYIN's threshold prior for each dip's probability, and a
/// Viterbi decoder that sees the whole file.
public struct FilePitchTracker: Sendable {
    public struct Options: Sendable {
        public var hop = 0.01
        public var lowHz = 50.0
        public var highHz = 1500.0
        /// The analysis window per lag, in periods of that lag.
        public var periods = 2.0
        /// The mean of the threshold prior (pYIN uses 0.1 … 0.2).
        public var thresholdMean = 0.1
        /// Voicing has its own, more lenient prior: a frame is voiced with the
        /// probability that the threshold lies above its deepest dip. (pYIN uses one
        /// prior for both, which trades octave errors against missed voicing.)
        public var voicingMean = 0.3
        /// A dip gives way to one at twice or three times its period this much deeper.
        public var multipleRatio: Float = 0.5
        /// … and by at least this much.
        public var multipleMargin: Float = 0.015
        /// … or by this much whatever the ratio: noise lifts both dips alike, so at 10 dB
        /// SNR a voice without its fundamental has d′ 0.10 at half its period and 0.07
        /// at the period, a ratio no clean signal would pass for, and the same difference
        /// as clean (octave errors 1.41 → 1.30 % on the bench's set).
        public var multipleAlone: Float = 0.025
        /// … but not where that is a lone tone an octave under a note with harmonics of its
        /// own (`PeriodicityAnalyzer.isLoneSubOctave`, with this share; 0: never).
        public var loneSubOctaveShare = 0.5
        /// Frames quieter than this (dBFS, mean square of 4 ms) are unvoiced.
        public var floorDb: Float = -70
        public var decoder = PitchDecoder.Options()
        public init() {}
    }

    public let options: Options

    public init(options: Options = Options()) { self.options = options }

    /// Where to place a frame's windows: after the instant when the signal rises sharply
    /// there (an onset: stretches centred on it would compare the note with what came
    /// before it), before it when it falls sharply (an offset), else around it.
    static func placement(_ x: UnsafePointer<Float>, width: Int) -> WindowPlacement {
        let r = rise(x, width: width)
        if r > 8 { return .starting }
        if r < 1 / 8 { return .ending }
        return .centred
    }

    /// The power of `width` samples from `x` over the `width` before it.
    static func rise(_ x: UnsafePointer<Float>, width: Int) -> Float {
        var before: Float = 1e-12, after: Float = 1e-12
        for i in 0..<width {
            before += x[i - width] * x[i - width]
            after += x[i] * x[i]
        }
        return after / before
    }

    /// The pitch every `hop` seconds from 0 to the end of `samples` (mono).
    public func track(_ samples: UnsafeBufferPointer<Float>, sampleRate: Double, progress: ((Double) -> Void)? = nil) -> [PitchFrame] {
        let factor = Decimator.factor(for: sampleRate)
        let rate = sampleRate / Double(factor)
        var decimator = Decimator(factor: factor)
        var analyzer = PeriodicityAnalyzer(rate: rate, lowHz: options.lowHz, highHz: options.highHz, periods: options.periods)
        defer {
            decimator.free()
            analyzer.free()
        }
        // Decimate with room on both sides, so every frame's span exists.
        let pad = analyzer.span
        var low = [Float](repeating: 0, count: pad + samples.count / factor + 1 + pad)
        let made = low.withUnsafeMutableBufferPointer { out in
            decimator.push(samples.baseAddress!, samples.count, into: out.baseAddress! + pad)
        }
        // Output m of the decimator is centred on input m·factor + factor − 1 − (taps − 1) / 2.
        let delay = Double(decimator.taps - 1) / 2 - Double(factor - 1)
        let count = Int((Double(samples.count) / sampleRate / options.hop).rounded(.down)) + 1
        let prior = ThresholdPrior(mean: options.thresholdMean), voicing = ThresholdPrior(mean: options.voicingMean)
        let margin = Int((options.periods + 1) / 2 * Double((analyzer.maxLag + 2) * factor)) + 64 * factor
        let floor = Float(pow(10, Double(options.floorDb) / 10))
        var hypotheses = [PitchHypotheses](repeating: PitchHypotheses(), count: count)
        var placements = [WindowPlacement](repeating: .centred, count: count)
        var probabilities: [Float] = []
        low.withUnsafeBufferPointer { y in
            for k in 0..<count {
                let t = Double(k) * options.hop
                let centre = pad + Int(((t * sampleRate + delay) / Double(factor)).rounded())
                guard centre - pad < made + pad / 2 else { continue }
                var placement = Self.placement(y.baseAddress! + centre, width: 8 * Int(rate / 1000))
                if placement == .starting && centre + analyzer.span > y.count { placement = .centred }
                placements[k] = placement
                hypotheses[k].rise = Self.rise(y.baseAddress! + centre, width: 20 * Int(rate / 1000))
                let x = y.baseAddress! + centre - analyzer.instant(placement)
                guard analyzer.power(of: x, placement: placement) > floor else { continue }  // silence: no analysis
                analyzer.analyze(x, placement: placement)
                let at = Int((t * sampleRate).rounded())
                var refined: UInt64 = 0
                if at >= 2 * margin, at + 2 * margin < samples.count {
                    refined = analyzer.refineShortPeriods(at: samples.baseAddress! + at, factor: factor, placement: placement,
                                                shortest: Float(rate / 250), below: 0.8, limit: 6)
                }
                var h = hypotheses[k]
                h.refined = refined
                let total = prior.probabilities(analyzer.candidates, analyzer.count, into: &probabilities)
                prior.foldIntoDeeperMultiples(analyzer, &probabilities, ratio: options.multipleRatio, margin: options.multipleMargin, alone: options.multipleAlone) { i in
                    options.loneSubOctaveShare > 0 && analyzer.isLoneSubOctave(of: i, x, placement: placement, oddShare: options.loneSubOctaveShare)
                }
                var deepest: Float = 1
                for i in 0..<analyzer.count { deepest = min(deepest, analyzer.candidates[i].dip) }
                h.voiced = 1 - voicing.cdf(deepest)
                let scale = total > 0 ? h.voiced / total : 0
                for i in probabilities.indices { probabilities[i] *= scale }
                h.probability = probabilities
                h.hz = (0..<analyzer.count).map { Float(rate) / analyzer.candidates[$0].period }
                hypotheses[k] = h
                if let progress, k % 500 == 0 { progress(Double(k) / Double(count)) }
            }
        }
        let path = PitchDecoder(options: options.decoder).decode(hypotheses)
        // Each voiced frame's period once more at the full rate, where it is finer (unless
        // it was measured there already).
        return path.enumerated().map { k, p in
            var hz = p.hz
            let centre = Int((Double(k) * options.hop * sampleRate).rounded())
            if let i = p.hypothesis, hypotheses[k].refined & (1 << UInt64(i)) == 0,
               centre >= 2 * margin, centre + 2 * margin < samples.count {
                let period = analyzer.refine(Float(rate / hz), at: samples.baseAddress! + centre, factor: factor, placement: placements[k]).period
                if period > 0 { hz = rate / Double(period) }
            }
            return PitchFrame(time: Double(k) * options.hop, hz: p.voiced ? hz : 0, confidence: p.confidence, guess: hz)
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
