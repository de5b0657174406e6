import Control
import Engine
import Foundation
import Generation
import Synth

extension Bench {
    /// Generation: a 32-bar song made and rendered (the target: under a second
    /// together on one core), and the melodic model's log-likelihood on the tunes the
    /// learning script held out, against a uniform-in-scale guess and a first-order model.
    func generation() throws {
        let projectDir = FileManager.default.currentDirectoryPath
        let presets = PresetsFolder.find(containing: "models/melody.json", projectDirectory: projectDir)
        let library = try GenreLibrary(folder: presets + "/genres")
        let models = try LearnedModels(folder: presets + "/models")
        // The SoundFont's samples load once per process (FluidSynth shares them between
        // synths while one holds them): timed apart, then kept loaded.
        let loadStart = DispatchTime.now().uptimeNanoseconds
        let resident = try SoundFontSynth(soundFont: try SoundFonts.generalMIDI(), sampleRate: Double(sampleRate))
        let load = Double(DispatchTime.now().uptimeNanoseconds - loadStart) / 1e6
        defer { withExtendedLifetime(resident) {} }
        print("\ngeneration: a 32-bar song (drums, chords, bass, melody), made then rendered at \(sampleRate) Hz; one core")
        print(String(format: "(loading the SoundFont, once per process: %.0f ms)", load))
        print("genre    bpm  make ms  render ms  together ms  audio s  render × real time")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dawg-bench-\(getpid())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for name in ["pop", "trap", "jazz", "edm"] {
            let genre = try library.genre(name)
            let request = try MusicRequest(genre: genre, bars: 32, seed: 7, allowedBars: [32])
            var made = Arrangement(bpm: 0, meter: .common, key: request.key, bars: 0)
            let runs = 10
            let start = DispatchTime.now().uptimeNanoseconds
            for _ in 0..<runs { made = SongGenerator.generate(request, structure: try SongGenerator.structure(bars: 32), models: models).arrangement }
            let make = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6 / Double(runs)
            try made.midiFile(title: "bench").write(to: folder + "/song.mid")
            let renderStart = DispatchTime.now().uptimeNanoseconds
            let session = try GeneratedAudio.session(playing: folder + "/song.mid", sampleRate: sampleRate)
            let seconds = made.seconds + 2
            try session.setLoudness(.master, false)  // as dawg render and generate --wav do
            _ = try session.renderOffline(seconds: seconds)
            let render = Double(DispatchTime.now().uptimeNanoseconds - renderStart) / 1e6
            print(name.padding(toLength: 7, withPad: " ", startingAt: 0)
                  + String(format: " %4.0f  %7.1f  %9.1f  %11.1f  %7.1f  %17.0f×", made.bpm, make, render, make + render, seconds, seconds * 1000 / render))
        }
        // The melodic model on held-out tunes.
        guard let data = FileManager.default.contents(atPath: presets + "/models/melody-heldout.json"),
              let json = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let pieces = json["pieces"] as? [[Int]] else { print("no held-out tunes in \(presets)/models"); return }
        let first = MarkovModel(order: 1, table: models.steps.tableForBench, vocabulary: models.steps.vocabulary)
        var sums = [0.0, 0.0, 0.0], count = 0
        let vocabulary = Double(models.steps.vocabulary.count)
        for piece in pieces {
            let tokens = piece.map(String.init)
            for i in tokens.indices {
                let context = tokens[max(0, i - 3)..<i]
                sums[0] += log(1 / vocabulary)
                sums[1] += log(first.probability(tokens[i], after: context))
                sums[2] += log(models.steps.probability(tokens[i], after: context))
                count += 1
            }
        }
        print("\nmelodic model: mean log-likelihood per note on \(pieces.count) held-out tunes (\(count) notes); higher is better")
        for (name, s) in zip(["uniform in scale", "first order", "order \(models.steps.order) (dawg)"], sums) {
            print(name.padding(toLength: 18, withPad: " ", startingAt: 0) + String(format: " %7.3f nats  (perplexity %.2f)", s / Double(count), exp(-s / Double(count))))
        }
    }
}
