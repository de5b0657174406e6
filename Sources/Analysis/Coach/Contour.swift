/// A take's pitch on the reference's clock: one fractional MIDI pitch per frame (nil
/// where unvoiced), with the searches the scorer needs.
struct Contour {
    let times: [Double]
    let midi: [Double?]
    let hop: Double

    init(_ frames: [PitchFrame], tuning: Tuning, offset: Double) {
        times = frames.map { $0.time + offset }
        midi = frames.map { $0.hz > 0 ? tuning.midi($0.hz) : nil }
        // The usual step (live readings may miss one now and then).
        let steps = zip(times, times.dropFirst()).map { $1 - $0 }.filter { $0 > 0 }
        hop = steps.isEmpty ? 0.01 : median(steps)
    }

    /// The frames from `from` to `to` seconds (found by time, so a missing frame does
    /// not shift the rest).
    func indices(from: Double, to: Double) -> Range<Int> {
        let lo = firstIndex(atOrAfter: from - 1e-9), hi = max(lo, firstIndex(atOrAfter: to - 1e-9))
        return lo..<hi
    }

    /// The first frame at or after `time` (binary search; `times` ascend).
    func firstIndex(atOrAfter time: Double) -> Int {
        var lo = 0, hi = times.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if times[mid] < time { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// A note's onset within `window` seconds of `expected`: the voice starting (after
    /// silence, and lasting 30 ms) nearest to it, else the clearest change of held pitch
    /// (at least 50 cents between levels); nil when neither shows.
    func onset(near expected: Double, window: Double) -> Double? {
        let range = indices(from: expected - window, to: expected + window)
        guard !range.isEmpty else { return nil }
        let starts = range.filter { f in
            (f == 0 || midi[f - 1] == nil) && f + 2 < midi.count && midi[f] != nil && midi[f + 1] != nil && midi[f + 2] != nil
        }
        if let f = starts.min(by: { abs(times[$0] - expected) < abs(times[$1] - expected) }) { return times[f] }
        let voiced = range.filter { midi[$0] != nil }
        guard voiced.count * 5 >= range.count * 4,
              let split = ChangePoint.best(voiced.map { midi[$0]! * 100 }, minSide: 3),
              abs(split.left - split.right) >= 50, split.gain >= 15 else { return nil }
        return times[voiced[split.index]] - hop / 2  // between the last frame of one level and the first of the next
    }

    /// Sung notes without a reference: voiced runs (gaps under 30 ms bridged), split
    /// where the held pitch changes level by 70 cents or more and the split explains
    /// the shorter side well (40 cents a frame); notes of 80 ms or more.
    func segments() -> [Range<Int>] {
        var runs: [Range<Int>] = []
        var start: Int?, lastVoiced = -10
        for f in midi.indices {
            if midi[f] != nil {
                if start == nil || f - lastVoiced > 3 {
                    if let s = start { runs.append(s..<(lastVoiced + 1)) }
                    start = f
                }
                lastVoiced = f
            }
        }
        if let s = start { runs.append(s..<(lastVoiced + 1)) }
        let minSide = max(3, Int((0.1 / hop).rounded()))
        func split(_ r: Range<Int>) -> [Range<Int>] {
            let voiced = r.filter { midi[$0] != nil }
            guard let s = ChangePoint.best(voiced.map { midi[$0]! * 100 }, minSide: minSide),
                  abs(s.left - s.right) >= 70,
                  s.gain * Double(voiced.count) / Double(min(s.index, voiced.count - s.index)) >= 40 else { return [r] }
            let at = voiced[s.index]
            return split(r.lowerBound..<at) + split(at..<r.upperBound)
        }
        return runs.flatMap(split).filter { Double($0.count) * hop >= 0.08 }
    }
}
