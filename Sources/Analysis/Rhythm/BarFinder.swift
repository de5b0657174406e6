import Foundation

/// Meter and downbeats from what happens on each beat: bars begin where the harmony
/// changes and the bass drum lands. For three and four beats to the bar and each place
/// the bar could start, the contrast between the beats taken as downbeats and the rest
/// is measured; the best meter and phase win, when they stand out — music whose bars
/// cannot be told apart gets none.
enum BarFinder {
    struct Bars: Equatable {
        var meter: Int
        /// Index of the first downbeat among the beats.
        var phase: Int
    }

    /// The least contrast (in standard deviations of the cue) that counts as bars.
    static let minimumContrast = 0.5

    /// `novelty[i]`: how much the harmony changes at beat i (0 … 1); `low[i]`: bass-register
    /// onset strength at beat i. Both as long as the beats.
    static func find(novelty: [Double], low: [Double]) -> Bars? {
        let n = novelty.count
        guard n >= 8, low.count == n else { return nil }
        let cue = zip(standardised(novelty), standardised(low)).map { $0 + 0.5 * $1 }
        var best: (contrast: Double, bars: Bars)?
        for meter in [4, 3] where n >= 2 * meter {
            var contrasts: [Double] = []
            for phase in 0..<meter {
                var on = 0.0, onCount = 0, off = 0.0, offCount = 0
                for i in 1..<n {  // beat 0 has no harmony before it to change from
                    if (i - phase) % meter == 0 { on += cue[i]; onCount += 1 } else { off += cue[i]; offCount += 1 }
                }
                contrasts.append(onCount > 0 && offCount > 0 ? on / Double(onCount) - off / Double(offCount) : 0)
            }
            let top = contrasts.indices.max { contrasts[$0] < contrasts[$1] }!
            if best == nil || contrasts[top] > best!.contrast {
                best = (contrasts[top], Bars(meter: meter, phase: top))
            }
        }
        guard let best, best.contrast >= minimumContrast else { return nil }
        return best.bars
    }

    static func standardised(_ x: [Double]) -> [Double] {
        let n = Double(x.count)
        let mean = x.reduce(0, +) / n
        let sd = (x.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / n).squareRoot()
        return x.map { sd > 0 ? ($0 - mean) / sd : 0 }
    }
}
