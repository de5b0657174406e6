import ArgumentParser
import Control
import Engine
import Foundation
import Generation
import MIDIFiles

/// `dawg generate beat|chords|bass|melody|harmony|song`: music as Standard MIDI Files
/// (type 1: tempo, time and key signature, named tracks, GM programs, drums on channel
/// 10), and a WAV rendering through the engine's offline driver and its synth.
struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generate drum beats, chords, basslines, melodies, harmonies and songs as MIDI files (and WAV renderings).",
        subcommands: [GenerateBeat.self, GeneratePart.Chords.self, GeneratePart.Bass.self, GeneratePart.Melody.self, GenerateHarmony.self, GenerateSong.self])

    /// What every kind shares: where it goes, the seed, the rendering.
    struct Output: ParsableArguments {
        @Option(help: "The Standard MIDI File to write.") var midi: String
        @Option(help: "Also render it to this WAV file through the General MIDI synth.") var wav: String?
        @Option(help: "A seed: the same request and seed give the same music.") var seed: UInt64 = 1
        @Option(name: .customLong("sample-rate"), help: "The WAV's rate: 44100 or 48000.") var sampleRate = 48000
        @Option(name: .customLong("project-dir"), help: "Where presets/genres is looked for first.")
        var projectDir = FileManager.default.currentDirectoryPath

        func validate() throws {
            guard [44100, 48000].contains(sampleRate) else { throw ValidationError("--sample-rate must be 44100 or 48000, not \(sampleRate)") }
        }

        func genres() throws -> GenreLibrary {
            try GenreLibrary(folder: PresetsFolder.find(containing: "genres", projectDirectory: projectDir) + "/genres")
        }

        func models() throws -> LearnedModels {
            try LearnedModels(folder: PresetsFolder.find(containing: "models/melody.json", projectDirectory: projectDir) + "/models")
        }

        /// Write `arrangement` as MIDI (and WAV).
        func write(_ arrangement: Arrangement, title: String) throws {
            try arrangement.midiFile(title: title).write(to: midi)
            guard let wav else { return }
            try GeneratedAudio.render(midi: midi, to: wav, seconds: arrangement.seconds + 2, sampleRate: sampleRate)
        }
    }
}

/// Rendering a generated MIDI file: one MIDI track playing it in a session of its own,
/// through the offline driver.
enum GeneratedAudio {
    static func render(midi: String, to wav: String, seconds: Double, sampleRate: Int) throws {
        try Render.write(try session(playing: midi, sampleRate: sampleRate), to: wav, seconds: seconds)
    }

    /// A session with no host whose one track plays the MIDI file at `midi`.
    static func session(playing midi: String, sampleRate: Int) throws -> Session {
        let url = URL(fileURLWithPath: midi).standardizedFileURL
        let engine = EngineHandle(config: EngineConfig(sampleRate: Double(sampleRate), inputs: 1))
        let session = Session(engine: engine, paths: try ProjectPaths(directory: url.deletingLastPathComponent().path))
        let track = try session.addTrack(name: "generated")
        try session.loadMIDI(track: track, path: url.lastPathComponent)
        return session
    }
}

struct GenerateBeat: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "beat", abstract: "A drum beat in a genre (presets/genres).")
    @Option(help: "trap, hip-hop, edm, pop, rock, jazz, lo-fi, ambient, reggae, latin, or any genre in presets/genres.") var genre: String
    @Option(help: "Beats per minute, 60 to 200 (default: the genre's).") var bpm: Double?
    @Option(help: "4, 8, 16 or 32.") var bars = 8
    @Option(help: "simple, medium or complex.") var complexity = "medium"
    @Option(help: "Time signature, where the genre allows it: 4/4, 3/4.") var meter: String?
    @OptionGroup var output: Generate.Output

    func run() throws {
        do {
            let genre = try output.genres().genre(self.genre)
            let request = try BeatRequest(genre: genre, bpm: bpm, bars: bars, complexity: Complexity.named(complexity), meter: meter, seed: output.seed)
            let beat = BeatGenerator.generate(request)
            var arrangement = Arrangement(bpm: request.bpm, meter: request.meter, key: Key(tonic: 0, scale: .major), bars: bars, parts: [beat.drums])
            arrangement.sections = []
            try output.write(arrangement, title: "\(genre.name) beat\(beat.style.map { " (\($0))" } ?? "")")
        } catch let e as GenerationError {
            throw ValidationError(e.description)
        }
    }
}

/// What the pitched kinds share beyond the output: the genre, key, scale, tempo, length,
/// complexity and meter.
struct MusicOptions: ParsableArguments {
    @Option(help: "The genre whose idiom it follows (presets/genres).") var genre = "pop"
    @Option(help: "Tonic: C, F#, Bb … (Am: A minor).") var key: String?
    @Option(help: "major, minor, dorian, phrygian, lydian, mixolydian, locrian, harmonic-minor, pentatonic-major, pentatonic-minor, blues (default: the genre's).")
    var scale: String?
    @Option(help: "Beats per minute, 60 to 200 (default: the genre's).") var bpm: Double?
    @Option(help: "simple, medium or complex.") var complexity = "medium"
    @Option(help: "Time signature, where the genre allows it: 4/4, 3/4.") var meter: String?

    func request(_ output: Generate.Output, bars: Int, allowedBars: [Int] = BeatRequest.allowedBars) throws -> MusicRequest {
        try MusicRequest(genre: output.genres().genre(genre), key: key, scale: scale, bpm: bpm, bars: bars,
                         complexity: Complexity.named(complexity), meter: meter, seed: output.seed, allowedBars: allowedBars)
    }
}

/// `generate chords|bass|melody`: one part, over chords (and a beat) made from the same
/// seed, so `bass` and `melody` with the seed of `chords` fit it.
enum GeneratePart {
    static func run(_ kind: String, _ music: MusicOptions, bars: Int, _ output: Generate.Output) throws {
        do {
            let request = try music.request(output, bars: bars)
            let (arrangement, chromatic) = PartGenerator.generate(kind, request, models: try output.models())
            try output.write(arrangement, title: "\(request.genre.name) \(kind) in \(request.key)")
            if chromatic > 0 { print("\(chromatic) chromatic passing tones") }
        } catch let e as GenerationError {
            throw ValidationError(e.description)
        }
    }

    struct Chords: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "chords", abstract: "A chord progression in a key, in a genre's idiom.")
        @OptionGroup var music: MusicOptions
        @Option(help: "4, 8, 16 or 32.") var bars = 8
        @OptionGroup var output: Generate.Output
        func run() throws { try GeneratePart.run("chords", music, bars: bars, output) }
    }

    struct Bass: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "bass", abstract: "A bassline over the seed's chords, locked to the seed's kick.")
        @OptionGroup var music: MusicOptions
        @Option(help: "4, 8, 16 or 32.") var bars = 8
        @OptionGroup var output: Generate.Output
        func run() throws { try GeneratePart.run("bass", music, bars: bars, output) }
    }

    struct Melody: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "melody", abstract: "A melody over the seed's chords, from the model learned from folk tunes.")
        @OptionGroup var music: MusicOptions
        @Option(help: "4, 8, 16 or 32.") var bars = 8
        @OptionGroup var output: Generate.Output
        func run() throws { try GeneratePart.run("melody", music, bars: bars, output) }
    }
}

/// `generate harmony --melody IN.mid`: a second voice for a melody (the first pitched
/// track of the file), written with the melody.
struct GenerateHarmony: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "harmony", abstract: "A harmony voice (thirds, sixths or chord tones) for a melody in a MIDI file.")
    @Option(name: .customLong("melody"), help: "A Standard MIDI File holding the melody.") var melodyFile: String
    @Option(help: "third, sixth, chord or third-above.") var interval = "third"
    @Option(help: "Tonic of the melody's key: C, F#, Bb … (Am: A minor).") var key = "C"
    @Option(help: "Its scale (default major, or minor for a key like Am).") var scale: String?
    @Option(help: "The harmony's GM program.") var program = 52
    @OptionGroup var output: Generate.Output

    func run() throws {
        do {
            let file: MIDIFile
            do { file = try MIDIFile(path: melodyFile) } catch { throw GenerationError("\(error)") }
            let interval = try HarmonyGenerator.Interval.named(interval)
            let arrangement = try HarmonyGenerator.arrangement(
                harmonising: file, source: melodyFile, key: try Key.parse(key, scale: scale), interval: interval, program: program, withMelody: true)
            try output.write(arrangement, title: "harmony in \(interval.rawValue)s")
        } catch let e as GenerationError {
            throw ValidationError(e.description)
        }
    }
}

/// `generate song`: a structure of sections, each with its beat, chords, bass and melody.
struct GenerateSong: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "song", abstract: "A whole song: intro, verses, choruses, bridge and outro.")
    @OptionGroup var music: MusicOptions
    @Option(help: "16, 32 or 64 bars in the usual shape (intro, verse, chorus, bridge, chorus, outro).") var bars = 32
    @Option(help: "Sections as name:bars, e.g. intro:4,verse:8,chorus:8,outro:4 (overrides --bars).") var structure: String?
    @OptionGroup var output: Generate.Output

    func run() throws {
        do {
            let sections = try structure.map(SongGenerator.structure) ?? SongGenerator.structure(bars: bars)
            let total = sections.reduce(0) { $0 + $1.bars }
            let request = try music.request(output, bars: total, allowedBars: [total])
            let (arrangement, chromatic) = SongGenerator.generate(request, structure: sections, models: try output.models())
            try output.write(arrangement, title: "\(request.genre.name) song in \(request.key)")
            print(sections.map { "\($0.name) \($0.bars)" }.joined(separator: ", ") + (chromatic > 0 ? "; \(chromatic) chromatic passing tones" : ""))
        } catch let e as GenerationError {
            throw ValidationError(e.description)
        }
    }
}
