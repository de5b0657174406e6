/// Where an analysis puts its compared stretches around the instant it describes.
public enum WindowPlacement: Sendable {
    /// Ending at the instant: all a live tracker has.
    case ending
    /// Centred on it (offline, where the future is known).
    case centred
    /// Beginning at it: right after an onset, where the centred stretches would reach
    /// back into what came before the note.
    case starting
}

/// One periodicity candidate of an analysis frame: a dip of the normalised difference.
public struct PitchCandidate: Sendable, Equatable {
    /// Period in analysis samples, refined between lags (parabolic).
    public var period: Float
    /// The cumulative-mean-normalised difference at the dip (YIN's d′): 0 for a
    /// perfectly periodic frame, about 1 for noise.
    public var dip: Float
    /// The normalised correlation at the period (McLeod's clarity), 0 … 1.
    public var clarity: Float

    @inlinable
    public init(period: Float, dip: Float, clarity: Float) {
        self.period = period
        self.dip = dip
        self.clarity = clarity
    }
}

/// The periodicity of the newest samples at every lag, and its dips as candidates.
///
/// YIN's difference function with two changes. The window looks back from the newest
/// sample, and its length follows the lag (`periods` times the lag, at least
/// `minWindow`): a short period is judged on the last few of its own cycles, so a high
/// note is recognised a few milliseconds after it begins instead of waiting for a
/// window sized for the lowest note. And each lag's difference is normalised by the
/// energy of the two stretches it compares (the NSDF of McLeod and Wyvill), which keeps
/// lags with different windows comparable and a crescendo from looking aperiodic;
/// YIN's cumulative mean normalisation then runs over those values.
///
/// Allocates in `init`, frees in `free()`; `analyze` is realtime-safe.
public struct PeriodicityAnalyzer {
    public let rate: Float
    public let minLag: Int
    public let maxLag: Int
    @usableFromInline let periods: Float
    @usableFromInline let minWindow: Int
    /// Samples `analyze` reads, oldest first.
    public let span: Int
    public static let maxCandidates = 48
    /// 1 − NSDF per lag, and the cumulative-mean-normalised difference.
    @usableFromInline let difference: UnsafeMutablePointer<Float>
    public let cmnd: UnsafeMutablePointer<Float>
    @usableFromInline let squares: UnsafeMutablePointer<Double>
    public let candidates: UnsafeMutablePointer<PitchCandidate>
    /// (Set by `analyze`.)
    public var count = 0
    /// The first lag where the signal is anticorrelated with itself (difference above 1):
    /// McLeod's key maxima lie after it; before it a lag only shows the signal is smooth.
    public var firstNegative = 0
    /// Mean square of the newest `minWindow` samples.
    public var power: Float = 0

    /// Control side. `rate` is the analysis rate; pitches from `lowHz` to `highHz`.
    public init(rate: Double, lowHz: Double = 50, highHz: Double = 1500, periods: Double = 2, minWindowSeconds: Double = 0.004) {
        self.rate = Float(rate)
        minLag = max(2, Int(rate / highHz))
        maxLag = Int((rate / lowHz).rounded(.up)) + 1
        self.periods = Float(periods)
        minWindow = max(8, Int(minWindowSeconds * rate))
        span = max(minWindow, Int(Float(maxLag + 1) * Float(periods)) + 1) + maxLag + 2
        difference = .allocate(capacity: maxLag + 2)
        difference.initialize(repeating: 1, count: maxLag + 2)
        cmnd = .allocate(capacity: maxLag + 2)
        cmnd.initialize(repeating: 1, count: maxLag + 2)
        squares = .allocate(capacity: span + 1)
        squares.initialize(repeating: 0, count: span + 1)
        candidates = .allocate(capacity: Self.maxCandidates)
        candidates.initialize(repeating: PitchCandidate(period: 0, dip: 1, clarity: 0), count: Self.maxCandidates)
    }

    /// Control side.
    public func free() {
        difference.deallocate()
        cmnd.deallocate()
        squares.deallocate()
        candidates.deallocate()
    }

    /// Where `power` ends in `x[0 ..< span]` for a placement (one past its last sample).
    @inlinable @_noLocks
    func newestPowerSample(_ placement: WindowPlacement) -> Int {
        switch placement {
        case .ending: span
        case .centred: span / 2 + minWindow / 2
        case .starting: minWindow
        }
    }

    /// Realtime-safe: the `power` that `analyze` would find, without analysing (to pass
    /// over silence cheaply).
    @inlinable @_noLocks
    public func power(of x: UnsafePointer<Float>, placement: WindowPlacement = .ending) -> Float {
        let newest = x + newestPowerSample(placement) - minWindow
        var sum: Float = 0
        for i in 0..<minWindow { sum += newest[i] * newest[i] }
        return sum / Float(minWindow)
    }

    /// The window for lag `tau`.
    @inlinable @_noLocks
    func window(_ tau: Int) -> Int { max(minWindow, Int(periods * Float(tau))) }

    /// Realtime-safe: analyse `x[0 ..< span]`; the candidates, shortest period first,
    /// are in `candidates[0 ..< count]`. The instant described is `x[span]` (just past
    /// the newest sample) when `.ending`, `x[span / 2]` when `.centred` (at every lag,
    /// so the pitch belongs to that instant), and `x[0]` when `.starting`.
    @inlinable @_noLocks
    public mutating func analyze(_ x: UnsafePointer<Float>, placement: WindowPlacement = .ending) {
        squares[0] = 0
        for i in 0..<span { squares[i + 1] = squares[i] + Double(x[i]) * Double(x[i]) }
        let newest = newestPowerSample(placement)
        power = Float((squares[newest] - squares[newest - minWindow]) / Double(minWindow))
        var running: Float = 0
        firstNegative = maxLag + 2
        cmnd[0] = 1
        difference[0] = 0
        for tau in 1...(maxLag + 1) {
            let length = window(tau)
            let end = Self.end(placement, at: instant(placement), length: length, lag: tau)
            let start = end - length
            let r = Kernels.dot(x + start, x + start - tau, length)
            let e = squares[end] - squares[start] + squares[end - tau] - squares[start - tau]
            let d = e > 1e-12 ? max(0, min(2, 1 - Float(2 * Double(r) / e))) : 1
            difference[tau] = d
            if d > 1 && tau < firstNegative { firstNegative = tau }
            running += d
            cmnd[tau] = running > 0 ? d * Float(tau) / running : 1
        }
        count = 0
        var tau = minLag
        while tau <= maxLag && count < Self.maxCandidates {
            let a = cmnd[tau - 1], b = cmnd[tau], c = cmnd[tau + 1]
            if b < a && b <= c {
                let (shift, dip) = Self.vertex(a, b, c)
                let da = difference[tau - 1], db = difference[tau], dc = difference[tau + 1]
                let clarity = 1 - (db + 0.5 * shift * (dc - da) + 0.5 * shift * shift * (da - 2 * db + dc))
                candidates[count] = PitchCandidate(period: Float(tau) + shift, dip: max(0, dip), clarity: max(0, min(1, clarity)))
                count += 1
            }
            tau += 1
        }
    }

    /// The parabola through the values at three neighbouring lags, b the lowest: where
    /// its minimum lies (−0.5 … 0.5 of a lag from b's) and its value there. No shift when
    /// the three make no minimum.
    @inlinable @_noLocks
    static func vertex(_ a: Float, _ b: Float, _ c: Float) -> (shift: Float, value: Float) {
        let den = a - 2 * b + c
        let shift = den > 0 ? max(-0.5, min(0.5, 0.5 * (a - c) / den)) : 0
        return (shift, b - 0.25 * (a - c) * shift)
    }

    /// The index in a frame of the instant it describes.
    @inlinable @_noLocks
    public func instant(_ placement: WindowPlacement) -> Int {
        switch placement {
        case .ending: span
        case .centred: span / 2
        case .starting: 0
        }
    }

    /// Where a lag's compared stretches end, for the instant at `at` (`span` for a
    /// frame `.ending` there, a pointer offset for `refine`): the later stretch is
    /// [end − length, end), the earlier one `lag` before it.
    @inlinable @_noLocks
    static func end(_ placement: WindowPlacement, at: Int, length: Int, lag: Int) -> Int {
        switch placement {
        case .ending: at
        case .centred: at + (length + lag + 1) / 2
        case .starting: at + lag + length
        }
    }

    /// Realtime-safe: `period` (analysis samples) measured again on the full-rate
    /// signal, `factor` times finer, with the normalised difference at that finer
    /// minimum. A bright high voice's dip is too sharp for whole lags at 16 kHz: 789 Hz
    /// falls between lags 20 and 21, where the difference is 0.2 and 0.35 although the
    /// voice is clean; and the parabola through three lags of an 11-sample period misses
    /// by cents. `at` is the instant analysed, placed as in `analyze`; the signal must
    /// reach `periods + 2` periods and `minWindow · factor` samples on the side(s) read.
    @inlinable @_noLocks
    public func refine(_ period: Float, at x: UnsafePointer<Float>, factor: Int, placement: WindowPlacement) -> (period: Float, difference: Float) {
        let lowest = max(2, minLag * factor - factor), highest = (maxLag + 1) * factor
        func difference(_ lag: Int) -> Float {
            let length = max(minWindow * factor, Int(periods * Float(lag)))
            let end = x + Self.end(placement, at: 0, length: length, lag: lag)
            let a = UnsafePointer(end - length), b = a - lag
            let r = Kernels.dot(a, b, length), e = Kernels.dot(a, a, length) + Kernels.dot(b, b, length)
            return e > 1e-12 ? max(0, 1 - 2 * r / e) : 1
        }
        var lag = max(lowest + 1, min(highest - 1, Int(period * Float(factor) + 0.5)))
        var (a, b, c) = (difference(lag - 1), difference(lag), difference(lag + 1))
        // Walk to the local minimum (the decimated estimate is within a sample or two).
        for _ in 0..<(factor + 1) {
            if a < b && lag - 1 > lowest {
                lag -= 1
                (a, b, c) = (difference(lag - 1), a, b)
            } else if c < b && lag + 1 < highest {
                lag += 1
                (a, b, c) = (b, c, difference(lag + 1))
            } else {
                break
            }
        }
        let (shift, value) = Self.vertex(a, b, c)
        return ((Float(lag) + shift) / Float(factor), max(0, value))
    }

    /// Realtime-safe: `refine` the candidates with periods under `shortest` analysis
    /// samples whose dip is under `below` (at most `limit` of them, clearest first in
    /// period order), replacing period, dip and clarity with the full-rate figures.
    /// Returns the refined candidates as bits (bit i: candidate i).
    @inlinable @_noLocks @discardableResult
    public mutating func refineShortPeriods(at x: UnsafePointer<Float>, factor: Int, placement: WindowPlacement, shortest: Float, below: Float, limit: Int) -> UInt64 {
        guard factor > 1 else { return 0 }
        var done = 0, refined: UInt64 = 0
        for i in 0..<count where done < limit && candidates[i].period < shortest && candidates[i].dip < below {
            let c = candidates[i]
            let lag = Int(c.period + 0.5)
            let scale = difference[lag] > 1e-6 ? cmnd[lag] / difference[lag] : 1
            let r = refine(c.period, at: x, factor: factor, placement: placement)
            candidates[i] = PitchCandidate(period: r.period, dip: min(c.dip, r.difference * scale), clarity: max(c.clarity, 1 - r.difference))
            done += 1
            refined |= 1 << UInt64(i)
        }
        return refined
    }

    /// The candidate McLeod's key-maximum rule chooses: the shortest period whose
    /// clarity is within `k` of the clearest, after the first anticorrelated lag. Unlike YIN's
    /// first dip under a fixed threshold, a ripple on the way down to the true period
    /// cannot win while the period itself is much clearer.
    /// Its index, or nil.
    @inlinable @_noLocks
    public func keyChoice(k: Float) -> Int? {
        guard count > 0 else { return nil }
        let from = Float(firstNegative <= maxLag ? firstNegative : 0)
        var clearest: Float = 0
        for i in 0..<count where candidates[i].period > from { clearest = max(clearest, candidates[i].clarity) }
        for i in 0..<count where candidates[i].period > from && candidates[i].clarity >= k * clearest { return i }
        return nil
    }

    /// Realtime-safe: the candidate at twice `i`'s period, if it is so much more periodic
    /// that `i` is only half of its period (a voice whose fundamental is missing and whose
    /// odd harmonics are weak repeats almost exactly at half its period: d′ 0.03 there
    /// against 0.004 at the period). Not three times: what repeats far better at three
    /// periods than at one is a note with a partial a twelfth below it (a sympathetic
    /// string in a guitar sample, 5 dB under the note), heard at the note's pitch.
    /// Its index, or nil.
    @inlinable @_noLocks
    public func deeperMultiple(of i: Int, ratio limit: Float = 0.5, margin: Float = 0.015, alone: Float = .infinity) -> Int? {
        let c = candidates[i]
        var best: Int?, bestDip: Float = .infinity
        for j in (i + 1)..<max(i + 1, count) {
            let d = candidates[j]
            let ratio = d.period / c.period
            guard ratio < 2.1 else { break }
            guard abs(ratio - 2) < 0.06 else { continue }
            // Much deeper: by half and a clear margin (two clean periodic dips are both
            // near 0 and say nothing), or by `alone` whatever the ratio (noisy dips).
            if (d.dip < limit * c.dip && c.dip - d.dip > margin || c.dip - d.dip > alone) && d.dip < bestDip {
                (best, bestDip) = (j, d.dip)
            }
        }
        return best
    }
}
