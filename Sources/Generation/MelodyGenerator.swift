/// Melodies over chords, from the melodic model learned from folk tunes: each note's
/// scale step drawn after the last three, its length after the last two, weighted
/// toward chord tones on strong beats and kept in the voice's range. Phrases of four
/// bars have a shape — a one-bar motif, the motif again fitted to the next chord, a
/// contrasting bar, then the motif's opening with a cadence home — so the motif
/// repeats and the phrase ends.
public enum MelodyGenerator {
    /// One note of a motif: where it starts in its bar, how long, which scale step
    /// (nil: a rest).
    public struct MotifNote: Sendable, Equatable {
        public var at: Double
        public var length: Double
        public var step: Int?
    }

    public struct Result: Sendable {
        public var part: Part
        /// Notes outside the scale (chromatic passing tones; only where the genre
        /// calls for them).
        public var chromatic: Int
        /// The first phrase's motif, for a section that wants it again (a chorus).
        public var motif: [MotifNote]
    }

    public static func generate(
        _ slots: [ChordSlot], key: Key, voice: Genre.Voice, meter: Meter, bars: Int, startBar: Int = 0,
        models: LearnedModels, complexity: Complexity, rng: inout SeededRandom, motif given: [MotifNote]? = nil
    ) -> Result {
        let beatsPerBar = Double(meter.beatsPerBar)
        let base = key.tonicKey(near: voice.register)
        let range = (voice.register - 9)...(voice.register + 12)
        let density = (voice.density ?? 1) * [0.7, 1.0, 1.35][complexity.level]
        let sparse = voice.style == "sparse"
        var notes: [Note] = []
        var history: [String] = []
        var motif: [MotifNote] = given ?? []

        func slot(at beat: Double) -> ChordSlot? { slots.last { $0.start <= beat + 1e-9 } }
        func midi(_ step: Int) -> Int {
            // The harmonic scale's steps; a five- or six-note scale snaps each to itself.
            key.snap(Key(tonic: key.tonic, scale: key.scale.harmonic).key(degree: step, base: base))
        }
        func isChordTone(_ step: Int, at beat: Double) -> Bool {
            guard let s = slot(at: beat) else { return false }
            return s.chord.pitchClasses(in: key).contains(((midi(step) % 12) + 12) % 12)
        }

        /// A bar's rhythm, from the rhythm model: lengths that fill the bar.
        func rhythm() -> [Double] {
            var lengths: [Double] = []
            var context: [String] = []
            var filled = 0.0
            while filled < beatsPerBar - 1e-9 {
                let room = beatsPerBar - filled
                let token = models.rhythm.sample(after: context[...], rng: &rng) { t in
                    let l = models.lengths[Int(t) ?? 0]
                    // On the sixteenth grid, inside the bar, near the density asked for.
                    guard (l * 4).rounded() == l * 4, l <= room + 1e-9 else { return 0 }
                    let ratio = l * density
                    return 1 / (1 + 3 * abs(ratio > 1 ? ratio - 1 : 1 / ratio - 1))
                } ?? "\(models.lengths.firstIndex(of: 0.25) ?? 0)"
                let l = min(room, models.lengths[Int(token) ?? 0])
                lengths.append(l)
                context.append(token)
                filled += l
            }
            return lengths
        }

        /// One step after `history`, fitted to the beat it falls on.
        func nextStep(at beat: Double, strong: Bool, toward target: Int? = nil) -> Int {
            let last = history.last.flatMap(Int.init)
            let token = models.steps.sample(after: history.suffix(models.steps.order), rng: &rng) { t in
                guard let s = Int(t), range.contains(midi(s)) else { return 0 }
                var w = 1.0
                if strong { w *= isChordTone(s, at: beat) ? 4 : 0.4 }
                if let last, abs(s - last) > 5 { w *= 0.2 }
                if let target { w *= 1 / (1 + Double(abs(s - target))) }
                return w
            }
            return token.flatMap(Int.init) ?? 0
        }

        /// A new bar: rhythm and steps, from `start` beats.
        func newBar(_ start: Double, cadence: Bool) -> [MotifNote] {
            var out: [MotifNote] = []
            var t = 0.0
            let lengths = rhythm()
            for (i, l) in lengths.enumerated() {
                let beat = start + t
                let strong = t.truncatingRemainder(dividingBy: 2) == 0
                let isLast = i == lengths.count - 1
                if sparse && i > 0 && !isLast && rng.chance(0.3) {
                    out.append(MotifNote(at: t, length: l, step: nil))
                } else {
                    let s = cadence && isLast ? nextStep(at: beat, strong: true, toward: 0) : nextStep(at: beat, strong: strong)
                    history.append(String(s))
                    out.append(MotifNote(at: t, length: l, step: s))
                }
                t += l
            }
            if cadence, let lastIndex = out.lastIndex(where: { $0.step != nil }) {
                // End on the tonic (in the octave nearest the last note).
                let s = out[lastIndex].step!
                out[lastIndex].step = Int((Double(s) / 7).rounded()) * 7
            }
            return out
        }

        /// `motif` again from `start`, moved by whole scale steps so its first note is a
        /// tone of the chord there.
        func fitted(_ motif: [MotifNote], _ start: Double) -> [MotifNote] {
            guard let first = motif.first(where: { $0.step != nil })?.step else { return motif }
            let shift = [0, 1, -1, 2, -2, 3, -3].first { isChordTone(first + $0, at: start) && range.contains(midi(first + $0)) } ?? 0
            return motif.map { MotifNote(at: $0.at, length: $0.length, step: $0.step.map { $0 + shift }) }
        }

        for bar in 0..<bars {
            let start = Double(startBar + bar) * beatsPerBar
            let role = bar % 4
            let lastPhraseBar = bar == bars - 1 || role == 3
            var line: [MotifNote]
            if bar == 0 && motif.isEmpty {
                line = newBar(start, cadence: bars == 1)
                motif = line
            } else if role == 0 || role == 1 {
                line = fitted(motif, start)
            } else if lastPhraseBar {
                // The motif's first half, then a cadence.
                let half = beatsPerBar / 2
                var opening = fitted(motif, start).filter { $0.at < half }
                if let cut = opening.last, cut.at + cut.length > half { opening[opening.count - 1].length = half - cut.at }
                let used = opening.reduce(0) { max($0, $1.at + $1.length) }
                var ending = newBar(start, cadence: true).filter { $0.at >= used - 1e-9 }
                if ending.isEmpty { ending = [MotifNote(at: used, length: beatsPerBar - used, step: 0)] }
                line = opening + ending
            } else {
                line = newBar(start, cadence: false)
            }
            for n in line {
                guard let s = n.step else { continue }
                history.append(String(s))
                notes.append(Note(start: start + n.at, length: n.length * 0.92, key: midi(s), velocity: n.at == 0 ? 100 : 88))
            }
        }

        // Chromatic passing tones, where the genre's melodies use them: a note that
        // moves a whole step gives its second half to the semitone between.
        var chromatic = 0
        if voice.chromatic == true && complexity != .simple {
            var out: [Note] = []
            for (i, n) in notes.enumerated() {
                if i + 1 < notes.count, abs(notes[i + 1].key - n.key) == 2, n.length >= 0.9, rng.chance(0.35) {
                    let half = n.length / 2
                    out.append(Note(start: n.start, length: half, key: n.key, velocity: n.velocity))
                    out.append(Note(start: n.start + half, length: half, key: (n.key + notes[i + 1].key) / 2, velocity: n.velocity - 10))
                    if !key.contains((n.key + notes[i + 1].key) / 2) { chromatic += 1 }
                } else {
                    out.append(n)
                }
            }
            notes = out
        }
        return Result(part: Part(name: "melody", program: voice.program, channel: 3, notes: notes), chromatic: chromatic, motif: motif)
    }
}
