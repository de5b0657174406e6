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
        subcommands: [GenerateBeat.self])

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
        let url = URL(fileURLWithPath: midi).standardizedFileURL
        let engine = EngineHandle(config: EngineConfig(sampleRate: Double(sampleRate), inputs: 1))
        let session = Session(engine: engine, paths: try ProjectPaths(directory: url.deletingLastPathComponent().path))
        let track = try session.addTrack(name: "generated")
        try session.loadMIDI(track: track, path: url.lastPathComponent)
        try Render.write(session, to: wav, seconds: seconds)
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
