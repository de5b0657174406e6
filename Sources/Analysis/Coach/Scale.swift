/// A key and scale (`D` `minor`): the pitch classes a melody may use. Cents against a
/// scale are cents from its nearest note, so a singer between two scale notes is told
/// how far from the one they are closer to.
public struct Scale: Sendable, Equatable, Codable, CustomStringConvertible {
    /// 0 = C … 11 = B.
    public var tonic: Int
    public var name: String
    /// Semitones above the tonic, ascending, starting with 0.
    public var steps: [Int]

    public static let known: [String: [Int]] = [
        "major": [0, 2, 4, 5, 7, 9, 11],
        "minor": [0, 2, 3, 5, 7, 8, 10],
        "harmonic-minor": [0, 2, 3, 5, 7, 8, 11],
        "melodic-minor": [0, 2, 3, 5, 7, 9, 11],
        "dorian": [0, 2, 3, 5, 7, 9, 10],
        "phrygian": [0, 1, 3, 5, 7, 8, 10],
        "lydian": [0, 2, 4, 6, 7, 9, 11],
        "mixolydian": [0, 2, 4, 5, 7, 9, 10],
        "pentatonic-major": [0, 2, 4, 7, 9],
        "pentatonic-minor": [0, 3, 5, 7, 10],
        "blues": [0, 3, 5, 6, 7, 10],
        "chromatic": Array(0..<12),
    ]

    /// `key`: a note name, `C` … `B` with `#` or `b` (`F#`, `Bb`); `scale`: one of `known`
    /// (`ionian` and `aeolian` are accepted for major and minor).
    public init(key: String, scale: String) throws {
        guard let tonic = Self.pitchClass(key) else {
            throw CoachError("unknown key \"\(key.prefix(16))\": a note name from C to B, with # or b")
        }
        let aliases = ["ionian": "major", "aeolian": "minor", "natural-minor": "minor"]
        let name = aliases[scale.lowercased()] ?? scale.lowercased()
        guard let steps = Self.known[name] else {
            throw CoachError("unknown scale \"\(scale.prefix(24))\" (scales: \(Self.known.keys.sorted().joined(separator: ", ")))")
        }
        self.tonic = tonic
        self.name = name
        self.steps = steps
    }

    public var description: String { "\(Tuning.pitchClasses[tonic]) \(name)" }

    /// The scale note (MIDI number) nearest to a fractional MIDI pitch.
    public func nearest(_ midi: Double) -> Int {
        let base = Int(midi.rounded(.down))
        var best = base, distance = Double.infinity
        for n in (base - 2)...(base + 3) where contains(n) {
            let d = abs(midi - Double(n))
            if d < distance { (best, distance) = (n, d) }
        }
        return best
    }

    public func contains(_ midi: Int) -> Bool { steps.contains(((midi - tonic) % 12 + 12) % 12) }

    static func pitchClass(_ key: String) -> Int? {
        let letters: [Character: Int] = ["C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11]
        guard let first = key.first.map({ Character($0.uppercased()) }), let base = letters[first], key.count <= 2 else { return nil }
        switch key.dropFirst().first {
        case nil: return base
        case "#": return (base + 1) % 12
        case "b": return (base + 11) % 12
        default: return nil
        }
    }
}

public struct CoachError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
