import Analysis
import ArgumentParser
import Control
import Foundation
import MIDIFiles
import Store

/// `dawg coach TAKE --reference MELODY.mid`: a sung take scored against a melody (or a
/// key and scale), printed as a report or JSON, and kept with the take in the project
/// store when TAKE is one of the project's takes.
struct Coach: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Score a sung take: pitch, rhythm, consistency, vibrato, a score 0–100, per-note report and tips.",
        discussion: """
            TAKE is an audio file, or the id of a take in the project store. Against a reference melody \
            (a Standard MIDI File; its first non-drum track unless --melody-track), or with --key and \
            --scale against a scale. The reference's time 0 is the timeline's: a take from the store \
            starts where it was recorded; a file starts at --offset seconds. When TAKE is a take of the \
            project, the result is stored with it (see `coach_results` in docs/store.md).
            """
    )

    @Argument(help: "An audio file, or a take id in the project store.")
    var take: String

    @Option(help: "The reference melody, a Standard MIDI File.")
    var reference: String?

    @Option(name: .customLong("melody-track"), help: "Which track chunk of the reference holds the melody (0 is the first).")
    var melodyTrack: Int?

    @Option(help: "Without a reference: the key (C … B, with # or b).")
    var key: String?

    @Option(help: "Without a reference: the scale (major, minor, dorian, pentatonic-major, blues, chromatic, …).")
    var scale: String?

    @Flag(help: "Notes must be sung in the reference's octave (default: any octave counts).")
    var strict = false

    @Option(help: "A coaching profile from presets/coach (range and tolerances).")
    var profile = "default"

    @Option(help: "In tune within ± this many cents (default: the profile's).")
    var tolerance: Double?

    @Option(name: .customLong("onset-tolerance-ms"), help: "Onsets this close to the reference are on time (default: the profile's).")
    var onsetToleranceMs: Double?

    @Option(help: "The reference A4, Hz.")
    var a4 = 440.0

    @Option(help: "Reference seconds at the take's first sample (default: a stored take's timeline position, else 0).")
    var offset: Double?

    @Flag(help: "Print the report as JSON.")
    var json = false

    @Option(name: .customLong("project-dir"), help: "The project directory.")
    var projectDir = FileManager.default.currentDirectoryPath

    @Option(name: .customLong("store"), help: "The project store; default dawg.sqlite in the project directory.")
    var store: String?

    @Flag(name: .customLong("no-save"), help: "Do not keep the result in the project store.")
    var noSave = false

    func validate() throws {
        guard (reference == nil) != (key == nil && scale == nil) else {
            throw ValidationError("give --reference MELODY.mid, or --key and --scale")
        }
        guard reference != nil || (key != nil && scale != nil) else { throw ValidationError("--key and --scale go together") }
        guard Tuning.a4Range.contains(a4) else { throw ValidationError("--a4 must be 400 … 480 Hz") }
        if let tolerance { guard tolerance >= 1 && tolerance <= 50 else { throw ValidationError("--tolerance must be 1 … 50 cents") } }
        if let onsetToleranceMs { guard onsetToleranceMs >= 0 && onsetToleranceMs <= 200 else { throw ValidationError("--onset-tolerance-ms must be 0 … 200") } }
        if let offset { guard offset.isFinite && abs(offset) < 86400 else { throw ValidationError("--offset must be a finite number of seconds") } }
    }

    func run() throws {
        let presets = StripPresets.locate(projectDirectory: projectDir).directory
        let chosen = try CoachProfile.load(profile, directory: presets + "/coach")
        let (path, stored, db) = try locateTake()

        let target: PitchTarget, targetName: String
        if let reference {
            let melody = try Melody(file: try MIDIFile(path: reference), track: melodyTrack)
            target = .melody(melody, folded: !strict)
            targetName = (reference as NSString).lastPathComponent
        } else {
            let s = try Scale(key: key!, scale: scale!)
            target = .scale(s)
            targetName = s.description
        }

        var trackerOptions = FilePitchTracker.Options()
        trackerOptions.lowHz = chosen.lowHz
        trackerOptions.highHz = chosen.highHz
        trackerOptions.decoder.lowHz = chosen.lowHz
        trackerOptions.decoder.highHz = chosen.highHz
        let bar = ProgressBar.onTerminal()
        let frames = try FilePitchTracker(options: trackerOptions).track(path: path, progress: bar.map { b in { b.show($0) } }).frames
        bar?.clear()

        var options = TakeScorer.Options()
        options.tuning = Tuning(a4: a4)
        options.tolerance = tolerance ?? chosen.tolerance
        options.onsetTolerance = (onsetToleranceMs ?? chosen.onsetToleranceMs) / 1000
        options.folded = !strict
        options.offset = offset ?? stored.map { Double($0.timelineFrame) / Double(max(1, $0.sampleRate)) } ?? 0
        let report = TakeScorer(options: options).score(frames, against: target, targetName: targetName)

        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let encoded = String(decoding: try encoder.encode(report), as: UTF8.self)
        if let stored, let db, !noSave {
            try db.save(CoachResult(
                takeID: stored.id, target: targetName, mode: report.mode, folded: report.folded, score: report.score,
                pitch: report.pitch, rhythm: report.rhythm, consistency: report.consistency, vibrato: report.vibrato,
                report: encoded, source: "offline"))
        }
        print(json ? encoded : CoachText.render(report))
    }

    /// The audio file to score, and the stored take (with its store) when it is one.
    private func locateTake() throws -> (String, TakeRecord?, ProjectStore?) {
        let storePath = store ?? projectDir + "/" + ProjectStore.fileName
        let haveStore = FileManager.default.fileExists(atPath: storePath)
        if !FileManager.default.fileExists(atPath: take), let id = Int64(take) {
            guard haveStore else { throw ValidationError("no file \(take), and no project store at \(storePath) to find take \(id) in") }
            let paths = try ProjectPaths(directory: projectDir)
            let db = try ProjectStore(directory: paths.root, name: (paths.root as NSString).lastPathComponent, path: storePath)
            guard let t = try db.take(id: id) else { throw ValidationError("the project has no take \(id)") }
            return (try paths.resolve(t.file, mustExist: true), t, db)
        }
        guard FileManager.default.fileExists(atPath: take) else { throw ValidationError("no such file: \(take)") }
        // A file inside the project that is one of its takes is that take.
        if haveStore, let paths = try? ProjectPaths(directory: projectDir),
           let real = ProjectPaths.realPath(take), real.hasPrefix(paths.root + "/") {
            let db = try ProjectStore(directory: paths.root, name: (paths.root as NSString).lastPathComponent, path: storePath)
            if let t = try db.take(file: String(real.dropFirst(paths.root.count + 1))) { return (real, t, db) }
        }
        return (take, nil, nil)
    }
}
