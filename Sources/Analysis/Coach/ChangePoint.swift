/// Where a stretch of pitch (cents) changes from one level to another: the split that
/// most lowers the summed absolute deviation from each side's median (an L1 change
/// point, so a vibrato's swing or a stray frame cannot pull it the way a mean would).
enum ChangePoint {
    /// The best split index `k` (left is `values[..<k]`) with its levels and how much
    /// it lowers the cost per value; nil when either side would be shorter than `minSide`.
    static func best(_ values: [Double], minSide: Int) -> (index: Int, left: Double, right: Double, gain: Double)? {
        let n = values.count
        guard n >= 2 * minSide else { return nil }
        let whole = cost(values[...])
        var best: (Int, Double, Double, Double)?
        for k in minSide...(n - minSide) {
            let l = values[..<k], r = values[k...]
            let gain = (whole - cost(l) - cost(r)) / Double(n)
            if best == nil || gain > best!.3 { best = (k, median(l), median(r), gain) }
        }
        return best
    }

    static func cost(_ v: ArraySlice<Double>) -> Double {
        let m = median(v)
        return v.reduce(0) { $0 + abs($1 - m) }
    }
}

func median<C: Collection>(_ values: C) -> Double where C.Element == Double {
    let s = values.sorted()
    guard !s.isEmpty else { return 0 }
    return s.count % 2 == 1 ? s[s.count / 2] : 0.5 * (s[s.count / 2 - 1] + s[s.count / 2])
}
