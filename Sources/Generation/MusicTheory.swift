/// A scale or mode: its steps above the tonic, and the seven-note mode its chords come
/// from (pentatonic and blues melodies sit over major or minor harmony).
public enum Scale: String, CaseIterable, Sendable, Codable {
    case major, minor, dorian, phrygian, lydian, mixolydian, locrian
    case harmonicMinor = "harmonic-minor"
    case pentatonicMajor = "pentatonic-major"
    case pentatonicMinor = "pentatonic-minor"
    case blues

    public var intervals: [Int] {
        switch self {
        case .major: [0, 2, 4, 5, 7, 9, 11]
        case .minor: [0, 2, 3, 5, 7, 8, 10]
        case .dorian: [0, 2, 3, 5, 7, 9, 10]
        case .phrygian: [0, 1, 3, 5, 7, 8, 10]
        case .lydian: [0, 2, 4, 6, 7, 9, 11]
        case .mixolydian: [0, 2, 4, 5, 7, 9, 10]
        case .locrian: [0, 1, 3, 5, 6, 8, 10]
        case .harmonicMinor: [0, 2, 3, 5, 7, 8, 11]
        case .pentatonicMajor: [0, 2, 4, 7, 9]
        case .pentatonicMinor: [0, 3, 5, 7, 10]
        case .blues: [0, 3, 5, 6, 7, 10]
        }
    }

    /// The seven-note mode whose triads harmonise it.
    public var harmonic: Scale {
        switch self {
        case .pentatonicMajor: .major
        case .pentatonicMinor, .blues: .minor
        default: self
        }
    }

    /// Minor-third modes learn from the minor model, the others from the major one.
    public var isMinorLike: Bool { harmonic.intervals[2] == 3 }

    public static func named(_ text: String) throws -> Scale {
        if let s = Scale(rawValue: text.lowercased()) { return s }
        switch text.lowercased() {
        case "ionian": return .major
        case "aeolian", "natural-minor": return .minor
        default: throw GenerationError("unknown scale \"\(text)\"; allowed: \(allCases.map(\.rawValue).joined(separator: ", ")) (also ionian, aeolian)")
        }
    }
}

/// A tonic and a scale: "C major", "F# dorian".
public struct Key: Sendable, Equatable, CustomStringConvertible {
    /// Pitch class of the tonic, 0 = C.
    public var tonic: Int
    public var scale: Scale

    public init(tonic: Int, scale: Scale) {
        self.tonic = ((tonic % 12) + 12) % 12
        self.scale = scale
    }

    static let names = ["C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B"]

    public var description: String { "\(Self.names[tonic]) \(scale.rawValue)" }

    /// "C", "F#", "Bb", "c#"; a trailing "m" ("Am") means minor when no scale is given.
    public static func parse(_ text: String, scale: String?) throws -> Key {
        var name = text.trimmingCharacters(in: " ")
        var implied: Scale?
        if name.count >= 2, name.hasSuffix("m") { implied = .minor; name.removeLast() }
        let letters: [Character: Int] = ["C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11]
        guard let first = name.first.map({ Character($0.uppercased()) }), var pc = letters[first] else {
            throw GenerationError("unknown key \"\(text)\"; allowed: C, C#, Db, D … B (a trailing m for minor, as in Am)")
        }
        for accidental in name.dropFirst() {
            switch accidental {
            case "#", "♯": pc += 1
            case "b", "♭": pc -= 1
            default: throw GenerationError("unknown key \"\(text)\"; allowed: C, C#, Db, D … B (a trailing m for minor, as in Am)")
            }
        }
        return Key(tonic: pc, scale: try scale.map(Scale.named) ?? implied ?? .major)
    }

    /// MIDI key of scale degree `degree` (0-based, may run past 7 or below 0) in the
    /// octave whose tonic is `base`'s.
    public func key(degree: Int, base: Int) -> Int {
        let steps = scale.intervals
        let n = steps.count
        let octave = Int((Double(degree) / Double(n)).rounded(.down))
        let d = degree - octave * n
        return base + octave * 12 + steps[d]
    }

    /// The MIDI key of the tonic nearest `around`.
    public func tonicKey(near around: Int) -> Int {
        let below = around - ((around - tonic) % 12 + 12) % 12
        return around - below > 6 ? below + 12 : below
    }

    /// Whether MIDI key `key` is in the scale.
    public func contains(_ key: Int) -> Bool { scale.intervals.contains(((key - tonic) % 12 + 12) % 12) }

    /// The nearest scale note to `key` (ties go down).
    public func snap(_ key: Int) -> Int {
        for d in 0...6 {
            if contains(key - d) { return key - d }
            if contains(key + d) { return key + d }
        }
        return key
    }

    /// The key signature: sharps (positive) or flats (negative), and minor or not.
    public var signature: (accidentals: Int, minor: Bool) {
        // The relative major's tonic: modes name their own tonic but share a signature.
        let offsets: [Scale: Int] = [.major: 0, .minor: 3, .dorian: -2, .phrygian: -4, .lydian: -5, .mixolydian: -7, .locrian: 1,
                                     .harmonicMinor: 3, .pentatonicMajor: 0, .pentatonicMinor: 3, .blues: 3]
        let major = ((tonic + (offsets[scale] ?? 0)) % 12 + 12) % 12
        let fifths = [0, -5, 2, -3, 4, -1, 6, 1, -4, 3, -2, 5][major]
        return (fifths, scale.isMinorLike)
    }
}

/// A chord on a degree of a key's harmonic scale: its root degree, and the MIDI keys
/// of its triad (or seventh) stacked in thirds from the scale.
public struct Chord: Sendable, Equatable {
    /// Scale degree of the root, 0–6.
    public var degree: Int
    public var seventh: Bool

    public init(degree: Int, seventh: Bool = false) {
        self.degree = ((degree % 7) + 7) % 7
        self.seventh = seventh
    }

    /// Chord tones as scale degrees from the root: 0, 2, 4 (and 6).
    public var degrees: [Int] { seventh ? [degree, degree + 2, degree + 4, degree + 6] : [degree, degree + 2, degree + 4] }

    /// Pitch classes of the chord in `key`.
    public func pitchClasses(in key: Key) -> Set<Int> {
        let harmonic = Key(tonic: key.tonic, scale: key.scale.harmonic)
        return Set(degrees.map { ((harmonic.key(degree: $0, base: key.tonic) % 12) + 12) % 12 })
    }

    /// The root's MIDI key nearest `around`.
    public func root(in key: Key, near around: Int) -> Int {
        let harmonic = Key(tonic: key.tonic, scale: key.scale.harmonic)
        let pc = ((harmonic.key(degree: degree, base: key.tonic) % 12) + 12) % 12
        let below = around - ((around - pc) % 12 + 12) % 12
        return around - below > 6 ? below + 12 : below
    }

    /// Roman numeral (case from the triad's quality in `key`): "I", "vi", "VII", "ii°".
    public func numeral(in key: Key) -> String {
        let numerals = ["I", "II", "III", "IV", "V", "VI", "VII"]
        let harmonic = Key(tonic: key.tonic, scale: key.scale.harmonic)
        let r = harmonic.key(degree: degree, base: 0), third = harmonic.key(degree: degree + 2, base: 0) - r
        let fifth = harmonic.key(degree: degree + 4, base: 0) - r
        let base = third == 4 ? numerals[degree] : numerals[degree].lowercased()
        return base + (fifth == 6 ? "°" : "") + (seventh ? "7" : "")
    }

    /// Parse "I", "vi", "bVII" is not diatonic: numerals name degrees of the key's
    /// harmonic scale; case is ignored (the scale decides the quality).
    public static func parse(_ numeral: String) throws -> Chord {
        var text = numeral.uppercased()
        let seventh = text.hasSuffix("7")
        if seventh { text.removeLast() }
        text = text.replacingOccurrences(of: "°", with: "")
        let numerals = ["I", "II", "III", "IV", "V", "VI", "VII"]
        guard let d = numerals.firstIndex(of: text) else { throw GenerationError("unknown chord numeral \"\(numeral)\"; allowed: I … VII (case and a trailing 7 are accepted)") }
        return Chord(degree: d, seventh: seventh)
    }
}

extension String {
    func trimmingCharacters(in set: Character) -> String {
        var s = Substring(self)
        while s.first == set { s.removeFirst() }
        while s.last == set { s.removeLast() }
        return String(s)
    }
}
