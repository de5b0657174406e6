/// Vibrato in a pitch contour: the rate (Hz) and extent (cents, peak deviation from
/// the centre) of the last `window` readings, when they swing regularly at 4–9 Hz.
///
/// The contour (cents) has its straight-line trend removed (a glide or a drifting
/// note is not vibrato), then its autocorrelation is searched between the lags of 9 and
/// 4 Hz; a peak of at least `minCorrelation` gives the rate (refined between lags), and
/// √2 × the RMS of the swing gives the extent of a sinusoidal vibrato. Control side; no
/// allocation after `init`.
public struct VibratoDetector: Sendable {
    public let hop: Double
    public let window: Int
    public var minCorrelation = 0.5
    public var minExtent = 10.0
    var values: [Double]
    var head = 0
    var filled = 0

    /// `hop`: seconds between readings; `seconds`: how much contour to look at.
    public init(hop: Double, seconds: Double = 0.5) {
        self.hop = hop
        window = max(8, Int((seconds / hop).rounded()))
        values = [Double](repeating: 0, count: window)
    }

    /// Forget the contour (the voice stopped).
    public mutating func reset() {
        filled = 0
        head = 0
    }

    /// Add a voiced reading, in cents (any fixed reference).
    public mutating func add(cents: Double) {
        values[head] = cents
        head = (head + 1) % window
        filled = min(window, filled + 1)
    }

    /// The vibrato of the last `window` readings, if there is one.
    public func estimate() -> (rate: Double, extent: Double)? {
        guard filled == window else { return nil }
        let n = window
        // Oldest first, trend removed.
        var x = [Double](repeating: 0, count: n)
        for i in 0..<n { x[i] = values[(head + i) % n] }
        let meanI = Double(n - 1) / 2
        let meanX = x.reduce(0, +) / Double(n)
        var sxy = 0.0, sxx = 0.0
        for i in 0..<n {
            sxy += (Double(i) - meanI) * (x[i] - meanX)
            sxx += (Double(i) - meanI) * (Double(i) - meanI)
        }
        let slope = sxy / sxx
        for i in 0..<n { x[i] -= meanX + slope * (Double(i) - meanI) }
        let energy = x.reduce(0) { $0 + $1 * $1 }
        guard energy > 0 else { return nil }
        let shortest = max(1, Int((1 / (9 * hop)).rounded(.down))), longest = min(n - 2, Int((1 / (4 * hop)).rounded(.up)))
        guard shortest + 1 < longest else { return nil }
        func r(_ k: Int) -> Double {
            var s = 0.0
            for i in 0..<(n - k) { s += x[i] * x[i + k] }
            return s / energy * Double(n) / Double(n - k)
        }
        var best = shortest, bestR = -Double.infinity
        var rs = [Double](repeating: 0, count: longest + 2)
        for k in shortest...(longest + 1) { rs[k] = r(k) }
        for k in (shortest + 1)...longest where rs[k] > bestR && rs[k] >= rs[k - 1] && rs[k] >= rs[k + 1] { (best, bestR) = (k, rs[k]) }
        guard bestR >= minCorrelation else { return nil }
        let (a, b, c) = (rs[best - 1], rs[best], rs[best + 1])
        let den = a - 2 * b + c
        let shift = den < 0 ? max(-0.5, min(0.5, 0.5 * (a - c) / den)) : 0
        let extent = (2 * energy / Double(n)).squareRoot()
        guard extent >= minExtent else { return nil }
        return (1 / ((Double(best) + shift) * hop), extent)
    }
}
