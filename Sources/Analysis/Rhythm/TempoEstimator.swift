import Foundation

/// The tempo of a whole file from its onset envelope: how strongly the envelope repeats
/// at each beat period (its autocorrelation), weighed by a broad prior over where beats
/// lie (log-normal around 120 BPM, one octave wide). Between a level and its double,
/// the prior decides only when the envelope cannot; and a level whose off-beats are
/// nearly as strong as its beats is taken to be every other beat, so the pulse twice
/// as fast is the tempo (a metronome, a bass on every beat under the chords).
struct TempoEstimator {
    static let slowest = 40.0, fastest = 240.0
    /// Off-beats at least this strong against the beats mean the beats are every other pulse.
    static let offBeatThreshold = 0.6
    /// Less periodicity than this (the autocorrelation at the beat against at lag 0) is
    /// no beat: steady noise reaches about 0.2, music with a beat 0.6 and more.
    static let minimumConfidence = 0.35

    struct Estimate {
        /// Beats per minute and the beat period in envelope frames.
        var bpm: Double
        var period: Double
        /// 0 … 1: how far the period's periodicity stands above the envelope's average.
        var confidence: Double
    }

    /// nil when the envelope has no periodicity at all (silence, a single hit).
    static func estimate(_ envelope: [Float], framesPerSecond fps: Double) -> Estimate? {
        let n = envelope.count
        let shortest = Int((60 / fastest * fps).rounded(.down)), longest = Int((60 / slowest * fps).rounded(.up))
        guard n > 4 * longest / 3, shortest >= 1 else { return nil }
        let x = normalised(envelope, framesPerSecond: fps)
        let maxLag = min(n - 1, 4 * longest + 2)
        var acf = [Double](repeating: 0, count: maxLag + 1)
        x.withUnsafeBufferPointer { v in
            for lag in 0...maxLag {
                var s: Float = 0
                for i in 0..<(n - lag) { s += v[i] * v[i + lag] }
                acf[lag] = Double(s) / Double(n - lag)
            }
        }
        guard acf[0] > 0 else { return nil }
        func at(_ lag: Double) -> Double {
            let i = Int(lag), f = lag - Double(i)
            guard i + 1 <= maxLag else { return 0 }
            return acf[i] * (1 - f) + acf[i + 1] * f
        }
        var best = (score: -Double.infinity, lag: 0.0)
        for lag in shortest...longest {
            let bpm = 60 * fps / Double(lag)
            let octaves = log2(bpm / 120)
            let score = max(0, acf[lag]) * exp(-0.5 * octaves * octaves)
            if score > best.score { best = (score, Double(lag)) }
        }
        guard best.score > 0 else { return nil }
        var lag = refine(best.lag, at)
        // A level whose off-beats are as strong as its beats is half the pulse: the
        // faster level is the beat (a metronome, a bass on every beat under chords).
        if 60 * fps / (lag / 2) <= fastest, offBeatRatio(x, period: lag) >= offBeatThreshold {
            lag = refine(lag / 2, at)
        }
        let confidence = min(1, max(0, at(lag) / acf[0]))
        guard confidence >= minimumConfidence else { return nil }
        return Estimate(bpm: 60 * fps / lag, period: lag, confidence: confidence)
    }

    /// The envelope less its running mean over a second, negative parts dropped:
    /// what stands out from the texture, not the texture.
    static func normalised(_ e: [Float], framesPerSecond fps: Double) -> [Float] {
        let n = e.count, half = max(1, Int((0.5 * fps).rounded()))
        var prefix = [Double](repeating: 0, count: n + 1)
        for i in 0..<n { prefix[i + 1] = prefix[i] + Double(e[i]) }
        return (0..<n).map { i in
            let lo = max(0, i - half), hi = min(n, i + half + 1)
            let mean = (prefix[hi] - prefix[lo]) / Double(hi - lo)
            return max(0, e[i] - Float(mean))
        }
    }

    /// How strong the envelope is halfway between the beats of a grid of `period`,
    /// against on them, with the grid placed where its beats are strongest.
    static func offBeatRatio(_ x: [Float], period: Double) -> Double {
        let n = x.count
        func strength(_ phase: Double) -> Double {
            var sum = 0.0, count = 0
            var t = phase
            while t < Double(n) {
                let i = Int(t.rounded())
                var m: Float = 0
                for j in max(0, i - 2)...min(n - 1, i + 2) { m = max(m, x[j]) }
                sum += Double(m)
                count += 1
                t += period
            }
            return count > 0 ? sum / Double(count) : 0
        }
        var best = (value: 0.0, phase: 0.0)
        var phase = 0.0
        while phase < period {
            let s = strength(phase)
            if s > best.value { best = (s, phase) }
            phase += 1
        }
        guard best.value > 0 else { return 0 }
        return strength(best.phase + period / 2) / best.value
    }

    /// The period to a twentieth of a frame: the lag within ±1 frame whose first four
    /// multiples together repeat best (an error in the period grows with each multiple,
    /// so they pin it down where one lag alone cannot).
    static func refine(_ lag: Double, _ at: (Double) -> Double) -> Double {
        var best = lag, bestValue = -Double.infinity
        var candidate = lag - 1
        while candidate <= lag + 1 {
            var v = 0.0
            for m in 1...4 { v += at(candidate * Double(m)) }
            if v > bestValue { bestValue = v; best = candidate }
            candidate += 0.05
        }
        return best
    }
}
