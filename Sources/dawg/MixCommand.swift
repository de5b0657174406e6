import Analysis
import ArgumentParser
import Control
import Engine
import Foundation

/// `dawg mix suggest PATCH` and `dawg mix auto-level PATCH`: the mix assistant on a
/// saved patch, offline (no JACK): the patch is loaded into an engine of its own, as
/// `dawg serve` would load it, and measured the same way `/mix/suggest` measures the
/// running one.
struct MixCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mix",
        abstract: "The mix assistant on a patch: suggestions, or gains set to a loudness balance.",
        subcommands: [Suggest.self, AutoLevel.self]
    )

    struct Offline: ParsableArguments {
        @Argument(help: "A patch file inside the project directory.")
        var patch: String

        @Option(name: .customLong("project-dir"), help: "The project directory (the patch's files are found from it).")
        var projectDir = FileManager.default.currentDirectoryPath

        @Option(name: .customLong("sample-rate"), help: "The rate files are measured at.")
        var sampleRate = 48000.0

        func session() throws -> Session {
            guard [22050, 32000, 44100, 48000, 88200, 96000, 192000].contains(sampleRate) else {
                throw ValidationError("--sample-rate must be a common audio rate, not \(sampleRate)")
            }
            let engine = EngineHandle(config: EngineConfig(sampleRate: sampleRate, inputs: 128))
            let session = Session(engine: engine, paths: try ProjectPaths(directory: projectDir))
            do { try session.loadPatch(from: patch) } catch {
                throw ValidationError("cannot load \(patch): \(error)")
            }
            return session
        }
    }

    struct Suggest: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Measure every track of a patch and print what to change, each with the measurement behind it.")
        @OptionGroup var offline: Offline
        @Flag(help: "Print the whole report (tracks, mix, suggestions) as JSON.") var json = false

        func run() throws {
            let report = try offline.session().suggestMix()
            if json {
                print(FileAnalysis.json(report, summary: false))
                return
            }
            for t in report.tracks {
                print(String(format: "track %d %@ (%@, %@): %@ LUFS, true peak %.1f dBTP, gain %.1f dB, pan %.2f", t.id, t.name,
                             t.role.rawValue, t.roleSource, t.measure.integrated.map { String(format: "%.1f", $0) } ?? "—",
                             t.measure.truePeak, t.gainDb, t.pan))
            }
            if let mix = report.mix {
                print(String(format: "mix: %@ LUFS, true peak %.1f dBTP", mix.integrated.map { String(format: "%.1f", $0) } ?? "—", mix.truePeak))
            }
            if report.suggestions.isEmpty { print("nothing to suggest") }
            for s in report.suggestions {
                let moves = s.moves.map { "\($0.strip == "master" ? "master" : "strip \($0.strip)") \($0.control) → \(String(format: "%g", $0.value))" }
                print("\(s.id). \(s.kind.rawValue): \(s.problem)\n     \(moves.joined(separator: "; "))")
            }
        }
    }

    struct AutoLevel: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "auto-level",
            abstract: "Set a patch's strip gains to a loudness balance by role, the master to a target loudness, no true peak over −1 dBTP.",
            discussion: "Writes the patch back in place unless --dry-run.")
        @OptionGroup var offline: Offline
        @Option(help: "Integrated loudness of the mix, LUFS (−40 … −5).") var target = -14.0
        @Flag(name: .customLong("dry-run"), help: "Print what would change; leave the patch as it is.") var dryRun = false

        func validate() throws {
            guard target.isFinite, (-40 ... -5).contains(target) else { throw ValidationError("--target must be −40 … −5 LUFS") }
        }

        func run() throws {
            let session = try offline.session()
            let report = try session.autoLevel(target: target)
            for (strip, g) in report.gains.sorted(by: { $0.key < $1.key }) {
                print(String(format: "%@: %.1f → %.1f dB", strip == "master" ? "master" : "strip \(strip)", g[0], g[1]))
            }
            func value(_ v: Double??) -> String { (v ?? nil).map { String(format: "%.1f", $0) } ?? "—" }
            print("mix: \(value(report.before["integrated_lufs"])) → \(value(report.after["integrated_lufs"])) LUFS, "
                + "true peak \(value(report.before["true_peak_dbtp"])) → \(value(report.after["true_peak_dbtp"])) dBTP")
            if !dryRun {
                try session.savePatch(to: offline.patch)
                print("wrote \(offline.patch)")
            }
        }
    }
}
