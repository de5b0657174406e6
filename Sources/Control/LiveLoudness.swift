import Engine
import Foundation

/// What a live loudness meter reads now (LUFS, and dBTP); nil before there is a value
/// (silence, or not yet 400 ms / 3 s of signal).
public struct LoudnessReading: Equatable, Sendable {
    public var momentary: Double?
    public var shortTerm: Double?
    public var integrated: Double?
    /// The largest true peak since the meter started or was reset.
    public var truePeak: Double?
}

/// The control side of a strip's loudness meter: takes the 100 ms steps its
/// `LoudnessTap` measured and keeps momentary (the last 400 ms), short-term (the last
/// 3 s) and integrated loudness (BS.1770-4 gating: −70 LUFS absolute, −10 LU relative,
/// over 400 ms blocks every 100 ms) in bounded memory however long it runs: blocks are
/// counted in a histogram of 0.1 LU bins that also sums their energies, so the gated
/// mean is exact but for the one bin the relative gate falls in.
/// Any control thread; `drain` from one at a time.
public final class LiveLoudness: @unchecked Sendable {
    // @unchecked Sendable: everything but `stream` is touched under `lock`.
    public let stream: LoudnessStream
    private let lock = ControlLock()
    /// The last 30 steps' energies, oldest first.
    private var recent: [Double] = []
    private var peak: Float = 0
    /// Blocks per 0.1 LU bin from −70 LUFS up, and their summed energies.
    private var counts = [Int](repeating: 0, count: LiveLoudness.bins)
    private var energies = [Double](repeating: 0, count: LiveLoudness.bins)
    /// What it reads, made when steps arrive (ten times a second), not at every ask
    /// (every feedback tick, for every meter).
    private var current = LoudnessReading()
    static let floor = -70.0, bins = 900  // −70 … +20 LUFS

    public init(stream: LoudnessStream = LoudnessStream()) {
        self.stream = stream
    }

    static func lufs(_ energy: Double) -> Double? { energy > 0 ? -0.691 + 10 * log10(energy) : nil }

    /// Take every step the tap has made.
    public func drain() {
        var got: [LoudnessStep] = []
        while let s = stream.steps.pop() { got.append(s) }
        guard !got.isEmpty else { return }
        lock.withLock {
            for s in got {
                recent.append(s.energy)
                if recent.count > 30 { recent.removeFirst(recent.count - 30) }
                peak = max(peak, s.truePeak)
                // Each new step completes a 400 ms gating block (the last four steps).
                if recent.count >= 4 {
                    let block = recent.suffix(4).reduce(0, +) / 4
                    if let l = Self.lufs(block), l >= Self.floor {
                        let bin = min(Self.bins - 1, Int((l - Self.floor) * 10))
                        counts[bin] += 1
                        energies[bin] += block
                    }
                }
            }
            current = measure()
        }
    }

    public func reading() -> LoudnessReading { lock.withLock { current } }

    /// Lock held.
    private func measure() -> LoudnessReading {
        func mean(_ n: Int) -> Double? {
            recent.count >= n ? Self.lufs(recent.suffix(n).reduce(0, +) / Double(n)) : nil
        }
        return LoudnessReading(momentary: mean(4), shortTerm: mean(30), integrated: integrated(),
                               truePeak: peak > 0 ? 20 * log10(Double(peak)) : nil)
    }

    /// Lock held.
    private func integrated() -> Double? {
        let total = counts.reduce(0, +)
        guard total > 0 else { return nil }
        let relative = -10 + Self.lufs(energies.reduce(0, +) / Double(total))!
        // Bins wholly above the relative gate, and the one it falls in.
        let first = min(Self.bins - 1, max(0, Int(((relative - Self.floor) * 10).rounded(.down))))
        var n = 0, e = 0.0
        for bin in first..<Self.bins { n += counts[bin]; e += energies[bin] }
        return n > 0 ? Self.lufs(e / Double(n)) : nil
    }

    /// Start again: integrated loudness and the peak from now on.
    public func reset() {
        lock.withLock {
            recent.removeAll()
            peak = 0
            counts = [Int](repeating: 0, count: Self.bins)
            energies = [Double](repeating: 0, count: Self.bins)
            current = LoudnessReading()
        }
    }
}
