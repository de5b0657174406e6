#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The most likely pitch track through every frame's hypotheses (Viterbi), with the
/// whole file in view: a hidden Markov model over pitch bins plus one unvoiced state.
///
/// Moving between bins costs `jumpCost` per bin, capped at `jumpCap` (a sung interval
/// is a jump, not a glide, and any interval costs the same once it is a leap), so an
/// octave error in one frame cannot beat staying on the line while a real leap can.
/// Voicing on or off costs `switchCost`. Each step is O(bins): a bounded L1 distance
/// transform instead of bins² transitions.
public struct PitchDecoder: Sendable {
    public struct Options: Sendable {
        public var lowHz = 50.0
        public var highHz = 1500.0
        public var binsPerOctave = 60
        public var jumpCost: Float = 0.1
        public var jumpCap: Float = 4
        public var switchCost: Float = 4.6
        /// The unvoiced state's weight against a voiced bin's probability.
        public var unvoicedWeight: Float = 0.25
        /// The share of a hypothesis's probability also given to its octaves and
        /// twelfths (×2, ×3, ÷2, ÷3): a frame whose analysis lands on a multiple of the
        /// line's period then costs the line a little instead of pulling it off for a frame.
        public var harmonicLeak: Float = 0.5
        /// The same, to its undertones (÷2, ÷3).
        public var subharmonicLeak: Float = 0.5
        /// An unvoiced frame this close (frames) to the line guesses the hypothesis
        /// nearest the line's nearest voiced pitch, if one lies within `guessBins`.
        public var guessReach = 20
        public var guessBins: Float = 5
        /// A stretch this short (frames) between two notes, at a pitch both are whole
        /// multiples of, is the two sounding at once (`overlaps`).
        public var overlapFrames = 15
        /// … unless the new note is struck where the stretch ends (power rising by more
        /// than this within a frame of it): a plucked or struck note's start rises 4 dB
        /// or more, a bowed or blown legato's is under 4 dB (FluidR3's renders), and a
        /// bass line's root, octave and fifth are plucked notes, not an overlap.
        public var struckRise: Float = 2.5
        public init() {}
    }

    let options: Options
    let bins: Int

    public init(options: Options = Options()) {
        self.options = options
        bins = Int((log2(options.highHz / options.lowHz) * Double(options.binsPerOctave)).rounded(.up)) + 1
    }

    func bin(_ hz: Float) -> Float { Float(log2(Double(hz) / options.lowHz)) * Float(options.binsPerOctave) }

    func hz(_ bin: Int) -> Double { options.lowHz * pow(2, Double(bin) / Double(options.binsPerOctave)) }

    /// How many bins a whole multiple `m` of a pitch lies above it.
    func bins(ofMultiple m: Int) -> Float { Float(options.binsPerOctave) * log2(Float(m)) }

    /// The hypothesis of `f` nearest `target` (a bin, fractional) and its distance in
    /// bins; the first of equals.
    func nearest(_ f: PitchHypotheses, to target: Float) -> (index: Int, distance: Float)? {
        var best: (index: Int, distance: Float)?
        for (i, h) in f.hz.enumerated() {
            let d = abs(bin(h) - target)
            if d < best?.distance ?? .infinity { best = (i, d) }
        }
        return best
    }

    /// Each frame's nearest voiced frame's bin within `guessReach` frames (the earlier
    /// one when two are as near), from the decoded `path` (`bins`: unvoiced).
    func nearestVoiced(_ path: [Int]) -> [Int?] {
        let n = path.count, reach = options.guessReach
        var before = [Int?](repeating: nil, count: n), after = before
        var last: Int?
        for t in 0..<n {
            if path[t] != bins { last = t }
            if let l = last, t - l <= reach { before[t] = l }
        }
        last = nil
        for t in stride(from: n - 1, through: 0, by: -1) {
            if path[t] != bins { last = t }
            if let l = last, l - t <= reach { after[t] = l }
        }
        return (0..<n).map { t in
            switch (before[t], after[t]) {
            case let (b?, a?): path[t - b <= a - t ? b : a]
            case let (b?, nil): path[b]
            case let (nil, a?): path[a]
            default: nil
            }
        }
    }

    /// Where the decoded `path` changes note through a short stretch at a pitch that both
    /// notes around it are whole multiples of (2–4 times), the old note's tail sounding
    /// under the new note's start: together they repeat at their common period, a pitch
    /// neither plays (FluidR3's cello from 233 Hz to 156 Hz through 78 Hz for 110 ms; a
    /// violin from 925 Hz to 1245 Hz through 310 Hz). The stretch is the new note's:
    /// for each of its frames, the multiple of its pitch that the new note is (nil
    /// elsewhere). Not where the new note is struck (`struckRise`).
    func overlaps(_ path: [Int], _ frames: [PitchHypotheses]) -> [Int?] {
        let n = path.count, u = bins, octave = Float(options.binsPerOctave)
        var multiple = [Int?](repeating: nil, count: n)
        // Runs of voiced frames moving less than a semitone a frame.
        var runs: [Range<Int>] = []
        var t = 0
        while t < n {
            guard path[t] != u else { t += 1; continue }
            var end = t + 1
            while end < n, path[end] != u, abs(path[end] - path[end - 1]) * 12 <= options.binsPerOctave { end += 1 }
            runs.append(t..<end)
            t = end
        }
        func median(_ r: Range<Int>) -> Float {
            let sorted = path[r].sorted()
            return Float(sorted[sorted.count / 2])
        }
        /// The whole number 2…4 that `high` is of `low` (bins), within a third of a semitone.
        func wholeMultiple(_ high: Float, of low: Float) -> Int? {
            (2...4).first { abs(high - low - bins(ofMultiple: $0)) <= octave / 36 }
        }
        for j in runs.indices.dropFirst().dropLast() {
            let before = runs[j - 1], stub = runs[j], after = runs[j + 1]
            guard before.upperBound == stub.lowerBound, stub.upperBound == after.lowerBound,
                  stub.count <= options.overlapFrames else { continue }
            let old = median(max(before.lowerBound, before.upperBound - 3)..<before.upperBound)
            let new = median(after.lowerBound..<min(after.upperBound, after.lowerBound + 3))
            let common = median(stub)
            guard abs(old - new) * 12 >= octave, wholeMultiple(old, of: common) != nil,
                  let m = wholeMultiple(new, of: common),
                  frames[(after.lowerBound - 1)...min(n - 1, after.lowerBound + 1)].allSatisfy({ $0.rise < options.struckRise })
            else { continue }
            for t in stub { multiple[t] = m }
        }
        return multiple
    }

    /// One frame's pitch per hypothesis set, and the hypothesis it came from (nil: the
    /// bin's centre, when no hypothesis lies near). An unvoiced frame gives a guess
    /// (`voiced` false): near the line, its hypothesis nearest the line; else its
    /// likeliest; 0 Hz when it has none.
    func decode(_ frames: [PitchHypotheses]) -> [(hz: Double, hypothesis: Int?, voiced: Bool, confidence: Double)] {
        let n = frames.count, u = bins  // state `bins` is unvoiced
        guard n > 0 else { return [] }
        var cost = [Float](repeating: 0, count: bins + 1)
        var next = cost, observation = cost, leaked = cost
        let octave = options.binsPerOctave, twelfth = Int((Float(options.binsPerOctave) * log2(3)).rounded())
        var back = [Int16](repeating: 0, count: n * (bins + 1))
        var forward = [Float](repeating: 0, count: bins), forwardArg = [Int](repeating: 0, count: bins)
        let tiny: Float = 1e-9, nothing = -log(tiny)

        func observe(_ f: PitchHypotheses) {
            for b in 0..<bins { observation[b] = 0 }
            for (h, p) in zip(f.hz, f.probability) where p > 0 {
                let x = bin(h)
                guard x > -0.5, x < Float(bins) - 0.5 else { continue }
                // Shared between the two nearest bins.
                let lo = Int(x.rounded(.down)), w = x - Float(lo)
                if lo >= 0 { observation[lo] += p * (1 - w) }
                if lo + 1 < bins { observation[lo + 1] += p * w }
            }
            if options.harmonicLeak > 0 || options.subharmonicLeak > 0 {
                for b in 0..<bins { leaked[b] = observation[b] }
                for b in 0..<bins where observation[b] > 0 {
                    let up = options.harmonicLeak * observation[b], down = options.subharmonicLeak * observation[b]
                    if b + octave < bins { leaked[b + octave] += up }
                    if b + twelfth < bins { leaked[b + twelfth] += up }
                    if b >= octave { leaked[b - octave] += down }
                    if b >= twelfth { leaked[b - twelfth] += down }
                }
                swap(&observation, &leaked)
            }
            // Most bins hold nothing: one logarithm per bin that does.
            for b in 0..<bins { observation[b] = observation[b] > tiny ? -log(observation[b]) : nothing }
            observation[u] = -log(max((1 - f.voiced) * options.unvoicedWeight, tiny))
        }

        observe(frames[0])
        for s in 0...bins { cost[s] = observation[s] + (s == u ? 0 : options.switchCost) }
        for t in 1..<n {
            observe(frames[t])
            // Bounded L1 distance transform over the voiced bins, keeping the argmin.
            for b in 0..<bins { (forward[b], forwardArg[b]) = (cost[b], b) }
            for b in 1..<bins where forward[b - 1] + options.jumpCost < forward[b] {
                (forward[b], forwardArg[b]) = (forward[b - 1] + options.jumpCost, forwardArg[b - 1])
            }
            for b in stride(from: bins - 2, through: 0, by: -1) where forward[b + 1] + options.jumpCost < forward[b] {
                (forward[b], forwardArg[b]) = (forward[b + 1] + options.jumpCost, forwardArg[b + 1])
            }
            var best = 0
            for b in 1..<bins where cost[b] < cost[best] { best = b }
            let row = t * (bins + 1)
            for b in 0..<bins {
                var c = forward[b], from = forwardArg[b]
                if cost[best] + options.jumpCap < c { (c, from) = (cost[best] + options.jumpCap, best) }
                if cost[u] + options.switchCost < c { (c, from) = (cost[u] + options.switchCost, u) }
                next[b] = c + observation[b]
                back[row + b] = Int16(from)
            }
            var c = cost[u], from = u
            if cost[best] + options.switchCost < c { (c, from) = (cost[best] + options.switchCost, best) }
            next[u] = c + observation[u]
            back[row + u] = Int16(from)
            swap(&cost, &next)
            // Keep the numbers small: only differences matter.
            let floor = cost.min() ?? 0
            for s in 0...bins { cost[s] -= floor }
        }
        var state = 0
        for s in 1...bins where cost[s] < cost[state] { state = s }
        var path = [Int](repeating: u, count: n)
        for t in stride(from: n - 1, through: 0, by: -1) {
            path[t] = state
            if t > 0 { state = Int(back[t * (bins + 1) + state]) }
        }
        let multiple = overlaps(path, frames)
        for t in 0..<n {
            if let m = multiple[t] { path[t] = min(bins - 1, path[t] + Int(bins(ofMultiple: m).rounded())) }
        }
        let line = nearestVoiced(path)
        return (0..<n).map { t in
            let s = path[t], f = frames[t]
            guard s != u else {
                guard let best = f.probability.indices.max(by: { f.probability[$0] < f.probability[$1] }), f.probability[best] > 0 else {
                    return (0, nil, false, Double(f.voiced))
                }
                // Where the line is near, the hypothesis nearest it: an onset's or an end's
                // likeliest dip is often an undertone of the note (its period doubled).
                if let near = line[t], let h = nearest(f, to: Float(near)), h.distance <= options.guessBins {
                    return (Double(f.hz[h.index]), h.index, false, Double(f.voiced))
                }
                return (Double(f.hz[best]), best, false, Double(f.voiced))
            }
            if let m = multiple[t] {
                // The common period as measured, times the multiple the new note is.
                if let h = nearest(f, to: Float(s) - bins(ofMultiple: m)), h.distance < 1.5 {
                    return (Double(f.hz[h.index]) * Double(m), nil, true, Double(f.voiced))
                }
                return (self.hz(s), nil, true, Double(f.voiced))
            }
            // The hypothesis nearest the bin gives the exact frequency.
            if let h = nearest(f, to: Float(s)), h.distance < 1.5 {
                return (Double(f.hz[h.index]), h.index, true, Double(f.voiced))
            }
            return (self.hz(s), nil, true, Double(f.voiced))
        }
    }
}
