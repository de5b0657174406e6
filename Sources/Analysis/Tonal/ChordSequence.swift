import Foundation

/// The chords of a file: a major or minor triad (or none) per segment — per beat when
/// the beats are known, else per half second — chosen by matching each segment's pitch
/// classes against triad templates, then smoothed by a Viterbi pass that charges every
/// change, so a passing note does not make a chord.
struct ChordSequence {
    struct Chord: Equatable {
        var root: Int
        var minor: Bool
    }

    /// One entry per segment: nil where nothing tonal sounds.
    var chords: [Chord?]
    /// Each segment's length in seconds.
    var durations: [Double]
    /// Each segment's pitch classes (upper register and half-weight bass, each scaled to
    /// its loudest class).
    var profiles: [[Double]]

    /// Some chord holds for two segments running (noise makes only passing ones).
    var hasLastingChord: Bool {
        zip(chords, chords.dropFirst()).contains { a, b in a != nil && a == b }
    }

    /// The 24 triads' templates: chord tones with their first four harmonics.
    static let templates: [(Chord, [Double])] = (0..<24).map { i in
        let chord = Chord(root: i % 12, minor: i >= 12)
        var t = [Double](repeating: 0, count: 12)
        for tone in [0, chord.minor ? 3 : 4, 7] {
            let pc = (chord.root + tone) % 12
            t[pc] += 1.816
            t[(pc + 7) % 12] += 0.36
        }
        t[chord.root] += 0.5  // the root is doubled in the bass and voicings
        return (chord, t)
    }

    /// What a change of chord costs against the templates' correlations (0 … 1 each).
    static let changeCost = 0.3
    /// The least correlation with the best triad for a segment to hold a chord at all.
    static let minimumFit = 0.6

    /// `frameTimes`: centre of each chroma frame, seconds; `boundaries`: segment edges,
    /// seconds, ascending.
    static func find(chroma: Chromagram, frameTimes: [Double], boundaries: [Double]) -> ChordSequence {
        let segments = max(0, boundaries.count - 1)
        guard segments > 0 else { return ChordSequence(chords: [], durations: [], profiles: []) }
        let empty = [Double](repeating: 0, count: 12)
        var trebles = [[Double]](repeating: empty, count: segments), basses = trebles
        var seg = 0
        for (i, t) in frameTimes.enumerated() {
            while seg < segments - 1 && t >= boundaries[seg + 1] { seg += 1 }
            guard t >= boundaries[0], t < boundaries[segments] else { continue }
            let treble = chroma.pitchClasses(chroma.treble[i]), bass = chroma.pitchClasses(chroma.bass[i])
            for pc in 0..<12 {
                trebles[seg][pc] += treble[pc]
                basses[seg][pc] += bass[pc]
            }
        }
        let energies = (0..<segments).map { trebles[$0].reduce(0, +) + basses[$0].reduce(0, +) }
        // Each register scaled to its own loudest class, the bass at half weight: a bass
        // walking to the fifth should not outvote the chord above it.
        let sums: [[Double]] = (0..<segments).map { i in
            let t = trebles[i].max() ?? 0, b = basses[i].max() ?? 0
            return (0..<12).map { pc in (t > 0 ? trebles[i][pc] / t : 0) + (b > 0 ? 0.5 * basses[i][pc] / b : 0) }
        }
        let loud = energies.sorted()[energies.count / 2]
        // Scores: correlation with each template; a silent segment fits no chord.
        let scores: [[Double]?] = sums.enumerated().map { i, s in
            guard energies[i] > 0.05 * loud, energies[i] > 0 else { return nil }
            let fits = templates.map { KeyEstimator.correlation(s, $0.1) }
            // A sound no triad fits (a drum, a wood block, noise) is no chord.
            return (fits.max() ?? 0) >= minimumFit ? fits : nil
        }
        // Viterbi over the 24 chords; silent segments keep the path and add nothing.
        var total = [Double](repeating: 0, count: 24)
        var back: [[Int]] = []
        for s in scores {
            var next = [Double](repeating: 0, count: 24), from = [Int](repeating: 0, count: 24)
            let bestPrevious = total.indices.max { total[$0] < total[$1] }!
            for c in 0..<24 {
                let stay = total[c], move = total[bestPrevious] - changeCost
                if stay >= move { next[c] = stay; from[c] = c } else { next[c] = move; from[c] = bestPrevious }
                next[c] += s?[c] ?? 0
            }
            total = next
            back.append(from)
        }
        var state = total.indices.max { total[$0] < total[$1] }!
        var path = [Int](repeating: 0, count: segments)
        for i in stride(from: segments - 1, through: 0, by: -1) {
            path[i] = state
            state = back[i][state]
        }
        let chords: [Chord?] = path.enumerated().map { i, c in scores[i] == nil ? nil : templates[c].0 }
        let durations = (0..<segments).map { boundaries[$0 + 1] - boundaries[$0] }
        return ChordSequence(chords: chords, durations: durations, profiles: sums)
    }
}
