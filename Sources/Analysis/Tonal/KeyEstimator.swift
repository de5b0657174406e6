import Foundation

/// A key: tonic and mode, how well the music fits it and how far ahead of the others.
public struct MusicalKey: Codable, Equatable, Sendable {
    public var tonic: String
    public var mode: String
    /// The winning template's score (a correlation, −1 … 1).
    public var strength: Double
    /// 0 … 1: how clearly it beats the other 23 keys.
    public var confidence: Double
    public var tuningCents: Double

    enum CodingKeys: String, CodingKey { case tonic, mode, strength, confidence, tuningCents = "tuning_cents" }

    public static let names = ["C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B"]
    public var name: String { "\(tonic) \(mode)" }
}

/// Finds the key from the whole file's pitch-class profiles by template matching, with
/// templates built from harmony rather than from listening tests: each key's profile is
/// the sum of the chroma its diatonic chords make, weighted by how often music leans on
/// each chord, every chord tone with its first four harmonics (the way essentia's
/// polyphonic profiles are made). The bass register is matched separately against the
/// chords' roots and fifths: the bass is where tonic and dominant are heard plainly, so
/// it settles what the upper voices leave open between relative major and minor.
enum KeyEstimator {
    /// Chord roots (semitones above the tonic), qualities and weights.
    static let majorChords: [(Int, [Int], Double)] = [
        (0, [0, 4, 7], 1.0), (2, [0, 3, 7], 0.35), (4, [0, 3, 7], 0.15), (5, [0, 4, 7], 0.7), (7, [0, 4, 7], 0.8),
        (9, [0, 3, 7], 0.45), (11, [0, 3, 6], 0.05),
    ]
    static let minorChords: [(Int, [Int], Double)] = [
        (0, [0, 3, 7], 1.0), (2, [0, 3, 6], 0.15), (3, [0, 4, 7], 0.4), (5, [0, 3, 7], 0.6), (7, [0, 4, 7], 0.5),
        (7, [0, 3, 7], 0.25), (8, [0, 4, 7], 0.45), (10, [0, 4, 7], 0.45),
    ]
    /// How much the bass match counts against the upper voices'.
    static let bassWeight = 0.5

    static func template(_ chords: [(Int, [Int], Double)]) -> [Double] {
        var t = [Double](repeating: 0, count: 12)
        for (root, tones, weight) in chords {
            for tone in tones {
                let pc = (root + tone) % 12
                t[pc] += weight * (1 + 0.6 + 0.216)  // harmonics 1, 2 and 4
                t[(pc + 7) % 12] += weight * 0.36  // harmonic 3
            }
        }
        return t
    }

    static func bassTemplate(_ chords: [(Int, [Int], Double)]) -> [Double] {
        var t = [Double](repeating: 0, count: 12)
        for (root, tones, weight) in chords {
            t[root % 12] += weight
            t[(root + tones[2]) % 12] += 0.4 * weight
        }
        t[0] += 0.5  // the tonic: where bass lines begin and end
        return t
    }

    static let templates = [("major", template(majorChords), bassTemplate(majorChords)),
                            ("minor", template(minorChords), bassTemplate(minorChords))]

    /// How each chord (interval of its root above the tonic, minor) serves a key: the
    /// diatonic triads by how much music leans on them, common borrowings a little, any
    /// other chord against the key.
    static let majorFunctions: [Int: Double] = [
        0: 1.0, 2 + 12: 0.6, 4 + 12: 0.4, 5: 0.9, 7: 0.9, 9 + 12: 0.7, 10: 0.1, 5 + 12: 0.1, 2: 0.1, 4: 0.1,
    ]
    static let minorFunctions: [Int: Double] = [
        0 + 12: 1.0, 3: 0.7, 5 + 12: 0.9, 7 + 12: 0.5, 7: 0.9, 8: 0.8, 10: 0.7, 5: 0.2,
    ]
    static let foreignChord = -0.5
    /// The least spread of the pitch classes (largest less smallest, against their mean)
    /// that is music in a key: steady noise spreads about 0.6, chords under loud drums
    /// 0.8, a drum kit alone 0.9, chords or a melody alone 1.8 and more.
    static let minimumSpread = 0.7
    static let melodySpread = 1.2
    /// Music begins on its tonic more often than on anything else; a dominant resolving
    /// to the tonic (an authentic cadence) names the key outright.
    static let startBonus = 0.15
    static let cadenceWeight = 0.3
    /// How much the whole-file template match adds to the chords' verdict.
    static let templateWeight = 0.3

    /// Each key's fit to a chord sequence (index: tonic + 12 for minor), nil with no chords.
    static func chordScores(_ sequence: ChordSequence) -> [Double]? {
        let heard = zip(sequence.chords, sequence.durations).compactMap { c, d in c.map { ($0, d) } }
        guard !heard.isEmpty else { return nil }
        // Chord changes, for cadences: consecutive different chords.
        var changes: [(ChordSequence.Chord, ChordSequence.Chord)] = []
        for (a, b) in zip(heard, heard.dropFirst()) where a.0 != b.0 { changes.append((a.0, b.0)) }
        let total = heard.reduce(0) { $0 + $1.1 }
        // The first chord that lasts (two segments running): a stray label on a
        // count-in or a pickup is not where the music starts.
        var first = heard[0].0
        for (a, b) in zip(heard, heard.dropFirst()) where a.0 == b.0 {
            first = a.0
            break
        }
        return (0..<24).map { k in
            let tonic = k % 12, minor = k >= 12
            let functions = minor ? minorFunctions : majorFunctions
            func weight(_ c: ChordSequence.Chord) -> Double {
                functions[((c.root - tonic) % 12 + 12) % 12 + (c.minor ? 12 : 0)] ?? foreignChord
            }
            var s = heard.reduce(0) { $0 + weight($1.0) * $1.1 } / total
            if first.root == tonic && first.minor == minor { s += startBonus }
            let cadences = changes.filter { a, b in
                a.root == (tonic + 7) % 12 && !a.minor && b.root == tonic && b.minor == minor
            }.count
            if !changes.isEmpty { s += cadenceWeight * Double(cadences) / Double(changes.count) }
            return s
        }
    }

    /// nil when there is nothing tonal to go on (silence, noise alone). `chords`: the
    /// file's chord sequence, which decides between keys the templates find close.
    static func estimate(_ chroma: Chromagram, chords: ChordSequence? = nil) -> MusicalKey? {
        let treble = average(chroma.treble.map(chroma.pitchClasses))
        let bass = average(chroma.bass.map(chroma.pitchClasses))
        guard let treble, let top = treble.max(), top > 0 else { return nil }
        let fromChords = chords.flatMap(chordScores)
        // Pitch classes nearly alike: noise, not music in a key; and without chords that
        // last, only a clearly shaped profile (a melody) has one.
        let spread = (top - (treble.min() ?? 0)) / (treble.reduce(0, +) / 12)
        let lasting = chords.map(\.hasLastingChord) ?? false
        if spread < minimumSpread || (!lasting && spread < melodySpread) { return nil }
        var scores: [(tonic: Int, mode: String, score: Double)] = []
        for (m, (mode, upper, lower)) in templates.enumerated() {
            for tonic in 0..<12 {
                var s = correlation(treble, rotated(upper, by: tonic))
                if let bass, bass.contains(where: { $0 > 0 }) {
                    s = (s + bassWeight * correlation(bass, rotated(lower, by: tonic))) / (1 + bassWeight)
                }
                if let fromChords { s = fromChords[tonic + 12 * m] + templateWeight * s }
                scores.append((tonic, mode, s))
            }
        }
        scores.sort { $0.score > $1.score }
        let best = scores[0]
        // Softmax over the 24 scores: a clear winner is near 1, a tie near 0.5 or below.
        let sum = scores.reduce(0.0) { $0 + exp(($1.score - best.score) / 0.03) }
        return MusicalKey(tonic: MusicalKey.names[best.tonic], mode: best.mode, strength: best.score,
                          confidence: 1 / sum, tuningCents: chroma.tuningCents)
    }

    /// Each frame scaled to its own largest class, then the mean; nil with no frames.
    static func average(_ frames: [[Double]]) -> [Double]? {
        guard !frames.isEmpty else { return nil }
        var sum = [Double](repeating: 0, count: 12)
        for f in frames {
            guard let top = f.max(), top > 0 else { continue }
            for i in 0..<12 { sum[i] += f[i] / top }
        }
        return sum.map { $0 / Double(frames.count) }
    }

    static func rotated(_ t: [Double], by tonic: Int) -> [Double] {
        (0..<12).map { t[(($0 - tonic) % 12 + 12) % 12] }
    }

    static func correlation(_ a: [Double], _ b: [Double]) -> Double {
        let ma = a.reduce(0, +) / 12, mb = b.reduce(0, +) / 12
        var num = 0.0, da = 0.0, db = 0.0
        for i in 0..<12 {
            num += (a[i] - ma) * (b[i] - mb)
            da += (a[i] - ma) * (a[i] - ma)
            db += (b[i] - mb) * (b[i] - mb)
        }
        return da > 0 && db > 0 ? num / (da * db).squareRoot() : 0
    }
}
