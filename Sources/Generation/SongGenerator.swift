/// What every pitched generator needs: a genre, a key, the tempo, the length, the
/// complexity, a meter and a seed — checked, so a bad request names what is allowed.
public struct MusicRequest: Sendable {
    public var genre: Genre
    public var key: Key
    public var beat: BeatRequest

    public init(genre: Genre, key: String? = nil, scale: String? = nil, bpm: Double? = nil, bars: Int = 8,
                complexity: Complexity = .medium, meter: String? = nil, seed: UInt64 = 1, allowedBars: [Int] = BeatRequest.allowedBars) throws {
        self.genre = genre
        let scaleName = scale ?? (key?.hasSuffix("m") == true ? nil : genre.harmony.scale)
        self.key = try Key.parse(key ?? "C", scale: scaleName)
        beat = try BeatRequest(genre: genre, bpm: bpm, bars: bars, complexity: complexity, meter: meter, seed: seed, allowedBars: allowedBars)
    }

    public var bars: Int { beat.bars }
    public var meter: Meter { beat.meter }
    public var seed: UInt64 { beat.seed }
    public var complexity: Complexity { beat.complexity }
}

/// The single parts, each with what it follows made from the same seed: chords; a
/// bassline over those chords locked to that beat's kick; a melody over those chords.
public enum PartGenerator {
    public static func chordSlots(_ r: MusicRequest, models: LearnedModels, rng: inout SeededRandom) -> [ChordSlot] {
        let a = ChordGenerator.progression(genre: r.genre, key: r.key, models: models, rng: &rng)
        let b = r.bars >= 8 ? ChordGenerator.progression(genre: r.genre, key: r.key, models: models, rng: &rng) : nil
        return ChordGenerator.slots(bars: r.bars, meter: r.meter, changesPerBar: r.genre.harmony.changesPerBar, progression: a, contrast: b)
    }

    public static func generate(_ kind: String, _ r: MusicRequest, models: LearnedModels) -> (arrangement: Arrangement, chromatic: Int) {
        var rng = SeededRandom(seed: r.seed)
        var chordRng = rng.fork(1), partRng = rng.fork(2)
        let slots = chordSlots(r, models: models, rng: &chordRng)
        var arrangement = Arrangement(bpm: r.beat.bpm, meter: r.meter, key: r.key, bars: r.bars)
        var chromatic = 0
        switch kind {
        case "chords":
            arrangement.parts = [ChordGenerator.part(slots, key: r.key, voice: r.genre.chords, complexity: r.complexity, rng: &partRng)]
        case "bass":
            let beat = BeatGenerator.generate(r.beat)
            arrangement.parts = [BassGenerator.part(slots, key: r.key, voice: r.genre.bass, kicks: beat.kicks, complexity: r.complexity, rng: &partRng)]
        default:
            let m = MelodyGenerator.generate(slots, key: r.key, voice: r.genre.melody, meter: r.meter, bars: r.bars, models: models, complexity: r.complexity, rng: &partRng)
            arrangement.parts = [m.part]
            chromatic = m.chromatic
        }
        return (arrangement, chromatic)
    }
}

/// Whole songs: sections (intro, verse, chorus, bridge, outro) with their bar counts,
/// each with its own beat (complexity by section, a fill at its end, a crash into the
/// next), chords (one progression per kind of section), a bass locked to the kick, and
/// a melody (a chorus's motif comes back in every chorus); no melody in the intro and
/// outro, and the song ends on the tonic.
public enum SongGenerator {
    public struct Section: Sendable, Equatable {
        public var name: String
        public var bars: Int
        public init(name: String, bars: Int) {
            self.name = name
            self.bars = bars
        }
    }

    public static let kinds = ["intro", "verse", "chorus", "bridge", "outro"]
    public static let allowedBars = [16, 32, 64]

    /// The usual shape at 32 bars (intro 2, verse 8, chorus 8, bridge 4, chorus 8,
    /// outro 2), scaled to 16 or 64.
    public static func structure(bars: Int) throws -> [Section] {
        guard allowedBars.contains(bars) else { throw GenerationError("a song's bars must be one of 16, 32, 64 (or give --structure), not \(bars)") }
        let template = [("intro", 2), ("verse", 8), ("chorus", 8), ("bridge", 4), ("chorus", 8), ("outro", 2)]
        return template.map { Section(name: $0.0, bars: max(1, $0.1 * bars / 32)) }
    }

    /// "intro:4,verse:8,chorus:8,outro:4".
    public static func structure(_ text: String) throws -> [Section] {
        let sections = try text.split(separator: ",").map { item -> Section in
            let parts = item.split(separator: ":")
            guard parts.count == 2, kinds.contains(String(parts[0])), let n = Int(parts[1]), (1...32).contains(n) else {
                throw GenerationError("structure \"\(text)\": each section is name:bars, name one of \(kinds.joined(separator: ", ")), bars 1 … 32")
            }
            return Section(name: String(parts[0]), bars: n)
        }
        guard !sections.isEmpty, sections.reduce(0, { $0 + $1.bars }) <= 256 else { throw GenerationError("structure \"\(text)\": 1 to 256 bars in all") }
        return sections
    }

    public static func generate(_ r: MusicRequest, structure: [Section], models: LearnedModels) -> (arrangement: Arrangement, chromatic: Int) {
        var rng = SeededRandom(seed: r.seed)
        let genre = r.genre
        var progressions: [String: ([Chord], [Chord])] = [:]
        var motifs: [String: [MelodyGenerator.MotifNote]] = [:]
        var drums = Part(name: "drums", program: genre.kit, channel: 9)
        var chords = Part(name: "chords", program: genre.chords.program, channel: 1)
        var bass = Part(name: "bass", program: genre.bass.program, channel: 2)
        var melody = Part(name: "melody", program: genre.melody.program, channel: 3)
        var arrangement = Arrangement(bpm: r.beat.bpm, meter: r.meter, key: r.key, bars: structure.reduce(0) { $0 + $1.bars })
        var chromatic = 0
        var bar = 0
        let levels = Complexity.allCases
        for (index, section) in structure.enumerated() {
            arrangement.sections.append((bar, section.name))
            var sectionRng = rng.fork(UInt64(index + 1))
            let complexity: Complexity
            switch section.name {
            case "intro", "outro": complexity = .simple
            case "verse", "bridge": complexity = levels[max(0, r.complexity.level - 1)]
            default: complexity = r.complexity
            }
            // Drums: the section's own draw, a fill at its end, a crash into it.
            var beatRequest = r.beat
            beatRequest.bars = section.bars
            beatRequest.complexity = complexity
            beatRequest.seed = sectionRng.next()
            var sectionGenre = genre
            sectionGenre.phrase = min(genre.phrase, section.bars)
            beatRequest.genre = sectionGenre
            let beat = BeatGenerator.generate(beatRequest)
            let offset = Double(bar * r.meter.beatsPerBar)
            drums.notes += beat.drums.notes.map { Note(start: $0.start + offset, length: $0.length, key: $0.key, velocity: $0.velocity) }
            if index > 0 && !beat.drums.notes.contains(where: { $0.key == 49 && $0.start < 0.1 }) {
                drums.notes.append(Note(start: offset, length: 0.25, key: 49, velocity: 108))
            }
            // Chords: one progression (and its contrast) per kind of section.
            if progressions[section.name] == nil {
                var chordRng = rng.fork(UInt64(100 + progressions.count))
                var a = ChordGenerator.progression(genre: genre, key: r.key, models: models, rng: &chordRng)
                if section.name == "outro" || section.name == "intro" { a[0] = Chord(degree: 0, seventh: a[0].seventh) }
                progressions[section.name] = (a, ChordGenerator.progression(genre: genre, key: r.key, models: models, rng: &chordRng))
            }
            let (a, b) = progressions[section.name]!
            var slots = ChordGenerator.slots(bars: section.bars, meter: r.meter, changesPerBar: genre.harmony.changesPerBar, progression: a,
                                             contrast: section.bars >= 8 ? b : nil, startBar: bar)
            if index == structure.count - 1, let last = slots.indices.last {
                slots[last].chord = Chord(degree: 0, seventh: slots[last].chord.seventh)  // home
            }
            chords.notes += ChordGenerator.part(slots, key: r.key, voice: genre.chords, complexity: complexity, rng: &sectionRng).notes
            let kicks = beat.kicks.map { $0 + offset }
            bass.notes += BassGenerator.part(slots, key: r.key, voice: genre.bass, kicks: kicks, complexity: complexity, rng: &sectionRng).notes
            if section.name != "intro" && section.name != "outro" {
                let m = MelodyGenerator.generate(slots, key: r.key, voice: genre.melody, meter: r.meter, bars: section.bars, startBar: bar,
                                                 models: models, complexity: complexity, rng: &sectionRng, motif: motifs[section.name])
                motifs[section.name] = m.motif
                melody.notes += m.part.notes
                chromatic += m.chromatic
            }
            bar += section.bars
        }
        drums.notes.sort { ($0.start, $0.key) < ($1.start, $1.key) }
        arrangement.parts = [drums, chords, bass, melody]
        return (arrangement, chromatic)
    }
}
