import Foundation

/// Beat times by dynamic programming (Ellis, 2007): every frame's best score is its
/// onset strength plus the best score of an earlier beat, less a penalty that grows
/// with the squared log-ratio of the gap to the beat period; the beats are read back
/// from the best-scoring frame near the end.
enum BeatTracker {
    static func track(_ envelope: [Float], period: Double, framesPerSecond fps: Double, tightness: Double = 100) -> [Double] {
        let n = envelope.count
        guard n > 0, period >= 1 else { return [] }
        let x = TempoEstimator.normalised(envelope, framesPerSecond: fps)
        let scale = Double(x.max() ?? 0)
        guard scale > 0 else { return [] }
        let strength = x.map { Double($0) / scale }
        var score = [Double](repeating: 0, count: n)
        var back = [Int](repeating: -1, count: n)
        let lo = Int((period / 2).rounded()), hi = Int((2 * period).rounded())
        var penalty = [Double](repeating: 0, count: hi + 1)
        for gap in max(1, lo)...hi {
            let r = log(Double(gap) / period)
            penalty[gap] = -tightness * r * r
        }
        for t in 0..<n {
            var best = -Double.infinity, from = -1
            if t >= lo {
                for gap in max(1, lo)...min(hi, t) {
                    let s = score[t - gap] + penalty[gap]
                    if s > best { best = s; from = t - gap }
                }
            }
            if from >= 0 && best > 0 {
                score[t] = strength[t] + best
                back[t] = from
            } else {
                score[t] = strength[t]
            }
        }
        // The last beat: the best score within a period of the end.
        let tail = max(0, n - Int(period.rounded()) - 1)
        var end = tail
        for t in tail..<n where score[t] > score[end] { end = t }
        var beats: [Int] = []
        var t = end
        while t >= 0 {
            beats.append(t)
            t = back[t]
        }
        return beats.reversed().map { Double($0) / fps }
    }
}
