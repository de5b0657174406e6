/// Onset times from an onset envelope: frames that are the largest within ±50 ms (the
/// window's leakage as a sound decays makes small second peaks soon after), rise
/// above the envelope's local mean (±100 ms behind, 70 ms ahead) by `delta` of the
/// envelope's spread, and come at least 30 ms after the previous onset.
enum OnsetPicker {
    static func pick(_ envelope: [Float], framesPerSecond fps: Double, delta: Float = 0.35) -> [Double] {
        guard envelope.count > 2 else { return [] }
        let n = envelope.count
        let sorted = envelope.sorted()
        let spread = max(sorted[Int(Double(n - 1) * 0.95)] - sorted[n / 2], 1e-6)
        let near = max(1, Int((0.05 * fps).rounded())), behind = max(1, Int((0.1 * fps).rounded()))
        let ahead = max(1, Int((0.07 * fps).rounded())), gap = max(1, Int((0.03 * fps).rounded()))
        var onsets: [Double] = []
        var last = -gap
        for i in 0..<n {
            let v = envelope[i]
            guard v > 0 else { continue }
            var isPeak = true
            for j in max(0, i - near)...min(n - 1, i + near) where envelope[j] > v || (envelope[j] == v && j < i) {
                isPeak = false
                break
            }
            guard isPeak, i - last >= gap else { continue }
            var mean: Float = 0
            let lo = max(0, i - behind), hi = min(n - 1, i + ahead)
            for j in lo...hi { mean += envelope[j] }
            mean /= Float(hi - lo + 1)
            guard v >= mean + delta * spread else { continue }
            onsets.append(Double(i) / fps)
            last = i
        }
        return onsets
    }
}
