import Control
import Foundation
import Generation
import MIDIFiles

extension OSCRouter {
    /// `/generate/beat|chords|bass|melody|song s:genre f:bpm i:bars [s:complexity]
    /// [i:seed] [s:key] [s:scale]` (bpm 0: the genre's), `/generate/harmony i:track
    /// [s:interval] [s:key] [s:scale]` (a MIDI track's melody): made off the audio thread
    /// into `generated/` in the project, each part a new MIDI track from the next bar;
    /// `/done s:address i:track…`, or `/fail` saying what is allowed.
    func generate(_ rest: [String], _ m: OSCMessage, _ a: OSCArguments, _ client: OSCClient) throws -> [OSCMessage] {
        guard rest.count == 1, ["beat", "chords", "bass", "melody", "song", "harmony"].contains(rest[0]) else { throw ControlError("unknown address") }
        let kind = rest[0]
        let session = self.session, feedback = self.feedback, address = m.path
        let root = session.paths.root
        let presets = PresetsFolder.find(containing: "genres", projectDirectory: root)
        if kind == "harmony" {
            try a.expect(1...4, "a MIDI track's id, and an optional interval (third, sixth, chord, third-above), key and scale")
            let track = try a.int(0, "track")
            let interval = a.count > 1 ? try a.string(1, "interval") : "third"
            let key = a.count > 2 ? try a.string(2, "key") : "C"
            let scale = a.count > 3 ? try a.string(3, "scale") : nil
            guard let file = session.snapshot().tracks.first(where: { $0.id == track })?.midi else { throw ControlError("track \(track) is not a MIDI track") }
            return jobs.run(for: client, kind: "generate/harmony", arguments: "track \(track)") {
                do {
                    let arrangement = try HarmonyGenerator.arrangement(
                        harmonising: try MIDIFile(path: try session.paths.resolve(file, mustExist: true)), source: "track \(track)",
                        key: try Key.parse(key, scale: scale), interval: try HarmonyGenerator.Interval.named(interval), program: 52, withMelody: false)
                    return Self.added(try Self.place(arrangement, kind: kind, session: session), address: address, session: session, feedback: feedback)
                } catch {
                    return [OSCMessage("/fail", [.string(address), .string("\(error)")])]
                }
            }
        }
        try a.expect(3...7, "a genre, bpm (0: the genre's), bars, and optional complexity, seed, key and scale")
        let genreName = try a.string(0, "genre")
        let bpm = try a.double(1, "bpm")
        let bars = try a.int(2, "bars")
        let complexity = a.count > 3 ? try a.string(3, "complexity") : "medium"
        let seed = a.count > 4 ? try a.int(4, "seed") : Int(Date().timeIntervalSince1970) % 1_000_000
        let key = a.count > 5 ? try a.string(5, "key") : nil
        let scale = a.count > 6 ? try a.string(6, "scale") : nil
        // Everything checkable is checked now, so a bad request is an /error at once.
        let genre: Genre
        let request: MusicRequest
        do {
            genre = try GenreLibrary(folder: presets + "/genres").genre(genreName)
            let allowed = kind == "song" ? SongGenerator.allowedBars : BeatRequest.allowedBars
            request = try MusicRequest(genre: genre, key: key, scale: scale, bpm: bpm == 0 ? nil : bpm, bars: bars,
                                       complexity: Complexity.named(complexity), seed: UInt64(truncatingIfNeeded: seed), allowedBars: allowed)
        } catch let e as GenerationError {
            throw ControlError(e.description)
        }
        return jobs.run(for: client, kind: "generate/\(kind)", arguments: "\(genreName) \(request.beat.bpm) BPM, \(bars) bars, seed \(seed)") {
            do {
                let arrangement: Arrangement
                switch kind {
                case "beat":
                    let beat = BeatGenerator.generate(request.beat)
                    arrangement = Arrangement(bpm: request.beat.bpm, meter: request.meter, key: request.key, bars: bars, parts: [beat.drums])
                case "song":
                    let models = try LearnedModels(folder: presets + "/models")
                    arrangement = SongGenerator.generate(request, structure: try SongGenerator.structure(bars: bars), models: models).arrangement
                default:
                    let models = try LearnedModels(folder: presets + "/models")
                    arrangement = PartGenerator.generate(kind, request, models: models).arrangement
                }
                return Self.added(try Self.place(arrangement, kind: kind, session: session), address: address, session: session, feedback: feedback)
            } catch {
                return [OSCMessage("/fail", [.string(address), .string("\(error)")])]
            }
        }
    }

    /// Each part of `arrangement` as its own file in `generated/`, and a MIDI track
    /// playing it from the next bar; a song's sections as markers. Returns the tracks' ids.
    static func place(_ arrangement: Arrangement, kind: String, session: Session) throws -> (ids: [Int], markers: [MarkerSettings]) {
        let folder = session.paths.root + "/generated"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let stamp = String(Int(Date().timeIntervalSince1970 * 1000))
        var files: [(name: String, path: String)] = []
        for part in arrangement.parts {
            var single = arrangement
            single.parts = [part]
            let relative = "generated/\(kind)-\(stamp)-\(part.name).mid"
            try single.midiFile(title: "\(kind): \(part.name)").write(to: session.paths.root + "/" + relative)
            files.append((part.name, relative))
        }
        let placed = try session.addGeneratedTracks(files, bpm: arrangement.bpm, beatsPerBar: arrangement.meter.beatsPerBar)
        // A song's sections become markers on the timeline.
        let barSeconds = 60 / arrangement.bpm * Double(arrangement.meter.beatsPerBar)
        let markers = try arrangement.sections.map { section in
            try session.addMarker(name: section.name, seconds: placed.position + Double(section.bar) * barSeconds)
        }
        return (placed.ids, markers)
    }

    /// `/track/added` for each new track and `/marker/added` for each new marker, to
    /// every subscriber; the `/done` for the sender.
    static func added(_ placed: (ids: [Int], markers: [MarkerSettings]), address: String, session: Session, feedback: FeedbackHub) -> [OSCMessage] {
        let tracks = session.snapshot().tracks
        feedback.broadcast(placed.ids.map { id in OSCMessage("/track/added", [.int(Int32(id)), .string(tracks.first { $0.id == id }?.name ?? "")]) }
            + placed.markers.map { OSCMessage("/marker/added", [.int(Int32($0.id)), .string($0.name), .float(Float($0.seconds))]) })
        return [OSCMessage("/done", [.string(address)] + placed.ids.map { .int(Int32($0)) })]
    }
}
