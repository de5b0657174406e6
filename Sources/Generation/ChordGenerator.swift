/// A chord held over a stretch of beats.
public struct ChordSlot: Sendable, Equatable {
    public var start: Double
    public var length: Double
    public var chord: Chord
}

/// Chord progressions for a key in a genre's idiom: a four-chord progression is either
/// one of the genre's own (as often as its `idiom` says) or drawn from the chord model
/// learned from Bach's chorales — starting on the tonic and ending on a chord that
/// leads home — and repeated over the bars with a second progression for contrast.
public enum ChordGenerator {
    /// Four chords (the unit a progression repeats in).
    public static func progression(genre: Genre, key: Key, models: LearnedModels, rng: inout SeededRandom) -> [Chord] {
        let sevenths = genre.harmony.sevenths
        if rng.chance(genre.harmony.idiom), !genre.harmony.progressions.isEmpty {
            let stock = genre.harmony.progressions[Int(rng.next() % UInt64(genre.harmony.progressions.count))]
            return stock.compactMap { try? Chord.parse($0) }.map { Chord(degree: $0.degree, seventh: sevenths && ($0.seventh || rng.chance(0.5))) }
        }
        let model = models.chords(for: key.scale)
        for _ in 0..<64 {
            var tokens = ["0"]
            while tokens.count < 4, let next = model.sample(after: tokens[...], rng: &rng, weight: { t in
                // No chord twice in a row (the chorales' beats collapse repeats too).
                Chord.token(t)?.degree == Chord.token(tokens.last!)?.degree ? 0 : 1
            }) {
                tokens.append(next)
            }
            // The last chord leads back to the first: V, IV, VII or ii.
            guard let last = Chord.token(tokens.last!), [4, 3, 6, 1].contains(last.degree) else { continue }
            return tokens.compactMap(Chord.token).map { Chord(degree: $0.degree, seventh: sevenths && ($0.seventh || rng.chance(0.3))) }
        }
        return [0, 5, 3, 4].map { Chord(degree: $0) }  // I vi IV V, when the model will not close
    }

    /// Chords over `bars` bars: `progression` (and `contrast` for the second half of
    /// every eight bars), `changesPerBar` chords a bar.
    public static func slots(bars: Int, meter: Meter, changesPerBar: Int, progression: [Chord], contrast: [Chord]? = nil, startBar: Int = 0) -> [ChordSlot] {
        let per = max(1, changesPerBar)
        let length = Double(meter.beatsPerBar) / Double(per)
        var out: [ChordSlot] = []
        for bar in 0..<bars {
            for k in 0..<per {
                let index = bar * per + k
                let unit = progression.count
                let useContrast = contrast != nil && (bar / 4) % 2 == 1
                let chord = (useContrast ? contrast! : progression)[index % unit]
                out.append(ChordSlot(start: Double(startBar + bar) * Double(meter.beatsPerBar) + Double(k) * length, length: length, chord: chord))
            }
        }
        return out
    }

    /// The chords part: the slots voiced in the genre's manner (block, stabs, pad,
    /// arpeggio, comp), each chord voiced as close as it can be to the last.
    public static func part(_ slots: [ChordSlot], key: Key, voice: Genre.Voice, complexity: Complexity, rng: inout SeededRandom) -> Part {
        var notes: [Note] = []
        var previous: [Int] = []
        for slot in slots {
            let keys = voicing(slot.chord, key: key, around: voice.register, previous: previous)
            previous = keys
            func hit(_ at: Double, _ length: Double, _ velocity: Int, _ which: [Int]? = nil) {
                for k in which ?? keys { notes.append(Note(start: slot.start + at, length: length, key: k, velocity: velocity)) }
            }
            let beats = slot.length
            switch voice.style {
            case "pad":
                hit(0, beats, 70)
            case "stabs":
                var t = 0.5
                while t < beats {
                    if complexity != .simple || rng.chance(0.7) { hit(t, 0.25, 88) }
                    t += complexity == .complex ? 0.5 : 1
                }
                if complexity == .simple { hit(0, 0.5, 90) }
            case "arpeggio":
                var t = 0.0, i = 0
                let pattern = keys + keys.reversed().dropFirst().dropLast()
                while t < beats {
                    hit(t, 0.5, 80, [pattern[i % pattern.count]])
                    t += complexity == .simple ? 1 : 0.5
                    i += 1
                }
            case "comp":
                // Jazz comping: short chords on and off the beat, never on every one.
                var t = 0.0
                while t < beats {
                    if rng.chance(t.truncatingRemainder(dividingBy: 1) == 0 ? 0.3 : 0.55) { hit(t, 0.4, 76) }
                    t += 0.5
                }
                if !notes.contains(where: { $0.start >= slot.start && $0.start < slot.start + beats }) { hit(beats > 1 ? 1.5 : 0, 0.4, 76) }
            default:  // block
                hit(0, beats * 0.95, 84)
                if complexity == .complex && beats >= 2 { hit(beats / 2 + 0.5, beats / 2 - 0.5, 70) }
            }
        }
        return Part(name: "chords", program: voice.program, channel: 1, notes: notes)
    }

    /// The chord's notes near `around`, in the inversion that moves least from
    /// `previous` (a smooth line for each voice).
    static func voicing(_ chord: Chord, key: Key, around: Int, previous: [Int]) -> [Int] {
        let harmonic = Key(tonic: key.tonic, scale: key.scale.harmonic)
        let base = key.tonicKey(near: around - 5)
        let root = chord.degrees.map { harmonic.key(degree: $0, base: base) }
        var candidates: [[Int]] = []
        for inversion in 0..<root.count {
            var v = root
            for i in 0..<inversion { v[i] += 12 }
            v.sort()
            for shift in [-12, 0, 12] { candidates.append(v.map { $0 + shift }) }
        }
        let target = previous.isEmpty ? Double(around) : Double(previous.reduce(0, +)) / Double(previous.count)
        return candidates.min { a, b in
            let ca = abs(Double(a.reduce(0, +)) / Double(a.count) - target), cb = abs(Double(b.reduce(0, +)) / Double(b.count) - target)
            return ca < cb
        } ?? root
    }
}

extension Chord {
    /// A learned model's token ("4", "47"): degree, and 7 for a seventh.
    static func token(_ t: String) -> Chord? {
        guard let first = t.first, let d = Int(String(first)), (0...6).contains(d) else { return nil }
        return Chord(degree: d, seventh: t.count > 1)
    }
}
