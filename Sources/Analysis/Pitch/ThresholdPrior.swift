import DSP

/// pYIN's idea (Mauch and Dixon, 2014): YIN picks the first dip of d′ under a threshold,
/// and no one threshold is right, so take the threshold as a random variable (a Beta
/// distribution) and give each dip the probability that it is the one YIN would pick.
/// Dip i is picked for thresholds above its own value and not above any earlier dip's,
/// so its probability is the prior's mass between the two, computed in closed form
/// (no threshold grid). When every dip lies above the threshold, YIN falls back to the
/// deepest one; pYIN gives that case a small weight, as here.
struct ThresholdPrior {
    /// Beta(2, b): mean 2 / (2 + b).
    let b: Double
    let fallback: Float = 0.01

    init(mean: Double) { b = 2 / mean - 2 }

    /// P(threshold ≤ x) for Beta(2, b): 1 − (1 − x)^b (1 + b x).
    func cdf(_ x: Float) -> Float {
        let v = Double(min(1, max(0, x)))
        return Float(1 - pow(1 - v, b) * (1 + b * v))
    }

    /// The candidates' probabilities, in `out` (same order); returns their sum.
    func probabilities(_ candidates: UnsafePointer<PitchCandidate>, _ count: Int, into out: inout [Float]) -> Float {
        out.removeAll(keepingCapacity: true)
        var lowestBefore: Float = 1, deepest = 0, total: Float = 0
        for i in 0..<count {
            let dip = candidates[i].dip
            let p = dip < lowestBefore ? cdf(lowestBefore) - cdf(dip) : 0
            out.append(p)
            total += p
            lowestBefore = min(lowestBefore, dip)
            if dip < candidates[deepest].dip { deepest = i }
        }
        if count > 0 {
            let none = fallback * cdf(candidates[deepest].dip)  // no dip under the threshold
            out[deepest] += none
            total += none
        }
        return total
    }

    /// A dip that is only part of a much deeper period's (`deeperMultiple`) gives its
    /// probability to that period, unless `keep(i)`.
    func foldIntoDeeperMultiples(_ analyzer: PeriodicityAnalyzer, _ probabilities: inout [Float], ratio: Float, margin: Float, alone: Float,
                                 keep: (Int) -> Bool = { _ in false }) {
        for i in 0..<analyzer.count where probabilities[i] > 0 {
            if let j = analyzer.deeperMultiple(of: i, ratio: ratio, margin: margin, alone: alone), !keep(i) {
                probabilities[j] += probabilities[i]
                probabilities[i] = 0
            }
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
