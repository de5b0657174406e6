import Foundation

/// A genre, as data (`presets/genres/<name>.json`): its drums as GM drum notes with
/// per-step probabilities and velocities at three complexities, swing, humanisation,
/// tempo range, meters and fill vocabulary — and the idiom of its harmony, bass and
/// melody. A user adds a genre by adding a file. Schema: docs/generation.md.
public struct Genre: Codable, Sendable, Equatable {
    public var name: String
    public var title: String
    /// Allowed tempo, BPM: [lowest, highest].
    public var tempo: [Double]
    public var defaultTempo: Double
    /// Time signatures it is played in: "4/4", "3/4".
    public var meters: [String]
    /// Length of the first of each pair of `swingUnit` notes, as a fraction of the pair:
    /// 0.5 is straight, 0.667 triplet swing.
    public var swing: Double
    /// 8: eighth notes swing; 16: sixteenths do.
    public var swingUnit: Int
    public var humanize: Humanize
    /// Bars per phrase: the last bar of each phrase ends in a fill.
    public var phrase: Int
    /// GM drum kit (the program on channel 10): 0 standard, 8 room, 16 power, 24
    /// electronic, 25 TR-808, 32 jazz, 40 brush.
    public var kit: Int
    /// The drum kit's voices. Genres with several styles (latin: dembow and clave) list
    /// them as `styles`, and a seed picks one.
    public var instruments: [Instrument]?
    public var styles: [Style]?
    public var fills: [Fill]
    public var harmony: Harmony
    public var bass: Voice
    public var chords: Voice
    public var melody: Voice

    public struct Humanize: Codable, Sendable, Equatable {
        /// Standard deviation of timing, as a fraction of a sixteenth note.
        public var timing: Double
        /// Standard deviation of velocity.
        public var velocity: Double
    }

    public struct Style: Codable, Sendable, Equatable {
        public var name: String
        public var instruments: [Instrument]
    }

    /// One drum voice: a GM drum note and where it plays in a bar of sixteenths.
    public struct Instrument: Codable, Sendable, Equatable {
        public var name: String
        /// kick, snare, hat, cymbal, tom, percussion: what the voice does in the groove.
        public var role: String
        public var note: Int
        /// Probability of a hit on each sixteenth of a 4/4 bar (16 values; a 3/4 bar
        /// uses the first 12), at simple complexity …
        public var steps: [Double]
        /// … and the extra hits medium and complex add (each at least the level below).
        public var medium: [Double]?
        public var complex: [Double]?
        /// Velocity of a hit on each step (16 values).
        public var velocity: [Int]
        /// Chance that a hit becomes a roll of two to four notes within its step (trap
        /// hats), at complex (half of it at medium).
        public var rolls: Double?
        /// Bars at the start of a phrase where it waits (a build-up), at simple.
        public var enters: Int?
    }

    /// A fill: hits drawn over the last `length` sixteenths of a phrase's last bar,
    /// replacing what the named voices (or all, with `clears`) play there.
    public struct Fill: Codable, Sendable, Equatable {
        public var name: String
        public var length: Int
        /// Note → probability on each step of the fill (`length` values).
        public var hits: [FillHit]
        /// Voices (by name) silent during the fill; ["*"] for all.
        public var clears: [String]
        /// A crash on the next downbeat.
        public var crash: Bool
    }

    public struct FillHit: Codable, Sendable, Equatable {
        public var note: Int
        public var steps: [Double]
        public var velocity: [Int]
    }

    /// The genre's harmony: the mode it is usually in, how often it uses its own stock
    /// progressions rather than the learned model, and those progressions (numerals).
    public struct Harmony: Codable, Sendable, Equatable {
        public var scale: String
        public var idiom: Double
        public var progressions: [[String]]
        /// Chord changes per bar (1 or 2), and whether sevenths are used.
        public var changesPerBar: Int
        public var sevenths: Bool
    }

    /// A pitched part's instrument and manner: GM program, register (a MIDI key near
    /// the middle of its range), and `style` (bass: kick, root, walking, offbeat, pedal;
    /// chords: block, stabs, arpeggio, pad, comp; melody: sparse, lyrical, riff), and
    /// for melodies whether chromatic passing tones belong.
    public struct Voice: Codable, Sendable, Equatable {
        public var program: Int
        public var register: Int
        public var style: String
        public var chromatic: Bool?
        /// Notes per beat it aims for (melody).
        public var density: Double?
    }

    /// The voices for a seed: the genre's own, or one of its styles.
    public func instruments(seed: UInt64) -> (style: String?, voices: [Instrument]) {
        if let styles, !styles.isEmpty {
            var r = SeededRandom(seed: seed ^ 0x5151)
            let s = styles[Int(r.next() % UInt64(styles.count))]
            return (s.name, s.instruments)
        }
        return (nil, instruments ?? [])
    }

    /// Every problem with the data, so a user's new genre file says what to fix.
    public func problems() -> [String] {
        var out: [String] = []
        if tempo.count != 2 || !(60...200).contains(tempo[0]) || !(60...200).contains(tempo[1]) || tempo[0] > tempo[1] {
            out.append("tempo must be [lowest, highest] within 60 … 200 BPM")
        }
        if tempo.count == 2 && !(tempo[0]...max(tempo[0], tempo[1])).contains(defaultTempo) { out.append("defaultTempo must be in the tempo range") }
        if meters.isEmpty || meters.contains(where: { Meter($0) == nil }) { out.append("meters must be like \"4/4\" or \"3/4\"") }
        if !(0.5...0.75).contains(swing) { out.append("swing must be from 0.5 (straight) to 0.75") }
        if ![8, 16].contains(swingUnit) { out.append("swingUnit must be 8 or 16") }
        if phrase < 1 || phrase > 8 { out.append("phrase must be 1 … 8 bars") }
        let voices = (instruments ?? []) + (styles ?? []).flatMap(\.instruments)
        if voices.isEmpty { out.append("no instruments (give instruments or styles)") }
        for i in voices {
            for (what, v) in [("steps", i.steps), ("medium", i.medium ?? Array(repeating: 0, count: 16)), ("complex", i.complex ?? Array(repeating: 0, count: 16))] {
                if v.count != 16 || v.contains(where: { !(0...1).contains($0) }) { out.append("\(i.name): \(what) must be 16 probabilities from 0 to 1") }
            }
            if i.velocity.count != 16 || i.velocity.contains(where: { !(1...127).contains($0) }) { out.append("\(i.name): velocity must be 16 values from 1 to 127") }
            if !(27...87).contains(i.note) { out.append("\(i.name): note \(i.note) is not a GM drum note (27 … 87)") }
        }
        for f in fills {
            if !(1...16).contains(f.length) { out.append("fill \(f.name): length must be 1 … 16 steps") }
            for h in f.hits where h.steps.count != f.length || h.velocity.count != f.length {
                out.append("fill \(f.name): note \(h.note) needs \(f.length) steps and velocities")
            }
        }
        if (try? Scale.named(harmony.scale)) == nil { out.append("harmony.scale \(harmony.scale) is not a scale") }
        for p in harmony.progressions where p.isEmpty || p.contains(where: { (try? Chord.parse($0)) == nil }) {
            out.append("harmony progression \(p) has a chord that is not a numeral I … VII")
        }
        return out
    }
}

/// The genres found in a presets folder.
public struct GenreLibrary: Sendable {
    public let genres: [String: Genre]
    public let folder: String

    /// Every `*.json` in `folder` (presets/genres). A file that does not parse or
    /// whose data is wrong is an error naming the file and the problem.
    public init(folder: String) throws {
        self.folder = folder
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else {
            throw GenerationError("no genres: cannot read \(folder)")
        }
        var genres: [String: Genre] = [:]
        for file in names.sorted() where file.hasSuffix(".json") {
            let path = folder + "/" + file
            let genre: Genre
            do { genre = try JSONDecoder().decode(Genre.self, from: Data(contentsOf: URL(fileURLWithPath: path))) } catch {
                throw GenerationError("\(path): not a genre: \(error)")
            }
            let problems = genre.problems()
            guard problems.isEmpty else { throw GenerationError("\(path): \(problems.joined(separator: "; "))") }
            genres[genre.name] = genre
        }
        guard !genres.isEmpty else { throw GenerationError("no genres in \(folder)") }
        self.genres = genres
    }

    public var names: [String] { genres.keys.sorted() }

    public func genre(_ name: String) throws -> Genre {
        guard let g = genres[name.lowercased()] else {
            throw GenerationError("unknown genre \"\(name)\"; allowed: \(names.joined(separator: ", "))")
        }
        return g
    }
}
