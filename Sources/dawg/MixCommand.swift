import Analysis
import ArgumentParser
import Control
import Engine
import Foundation
import OSC
import Supervisor

/// `dawg mix suggest [PATCH]` and `dawg mix auto-level [PATCH]`: the mix assistant on a
/// saved patch, offline (no JACK): the patch is loaded into an engine of its own, as
/// `dawg serve` would load it, and measured the same way `/mix/suggest` measures the
/// running one. Without a patch, they ask the running engine over OSC.
struct MixCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mix",
        abstract: "The mix assistant on a patch: suggestions, or gains set to a loudness balance.",
        subcommands: [Suggest.self, AutoLevel.self]
    )

    struct Offline: ParsableArguments {
        @Argument(help: "A patch file inside the project directory (none: the running engine's mix, over OSC).")
        var patch: String?

        @Option(name: .customLong("osc-port"), help: "The running engine's OSC port (without a patch).")
        var oscPort = 9000

        @Option(name: .customLong("project-dir"), help: "The project directory (the patch's files are found from it).")
        var projectDir = FileManager.default.currentDirectoryPath

        @Option(name: .customLong("sample-rate"), help: "The rate files are measured at.")
        var sampleRate = 48000.0

        /// Without a patch: `message` to the running engine, and its answer at `reply`.
        func ask(_ message: OSCMessage, reply: String) throws -> String {
            let answer = try HealthProbe.request(message, port: oscPort, timeout: 120) { ["/fail", "/error", reply].contains($0.path) }
            guard let answer else { throw ValidationError("no engine answered on OSC port \(oscPort)") }
            guard answer.path == reply, case .string(let json)? = answer.args.first else {
                let why = answer.args.compactMap { if case .string(let s) = $0 { s } else { nil } }.joined(separator: ": ")
                throw ValidationError("the engine refused: \(why)")
            }
            return json
        }

        func session() throws -> Session {
            guard let patch else { throw ValidationError("no patch") }
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
            guard offline.patch != nil else {
                let json = try offline.ask(OSCMessage("/mix/suggest"), reply: "/mix/suggestions")
                if self.json { print(json); return }
                let report = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] ?? [:]
                let suggestions = report["suggestions"] as? [[String: Any]] ?? []
                if suggestions.isEmpty { print("nothing to suggest") }
                for s in suggestions { print("\(s["id"] ?? "?"). \(s["kind"] ?? "?"): \(s["problem"] ?? "")") }
                return
            }
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
            guard let patch = offline.patch else {
                guard !dryRun else { throw ValidationError("--dry-run needs a patch (the running engine's mix changes at once)") }
                print(try offline.ask(OSCMessage("/mix/auto_level", [.float(Float(target))]), reply: "/mix/leveled"))
                return
            }
            let session = try offline.session()
            let report = try session.autoLevel(target: target)
            for (strip, g) in report.gains.sorted(by: { $0.key < $1.key }) {
                print(String(format: "%@: %.1f → %.1f dB", strip == "master" ? "master" : "strip \(strip)", g[0], g[1]))
            }
            func value(_ v: Double??) -> String { (v ?? nil).map { String(format: "%.1f", $0) } ?? "—" }
            print("mix: \(value(report.before["integrated_lufs"])) → \(value(report.after["integrated_lufs"])) LUFS, "
                + "true peak \(value(report.before["true_peak_dbtp"])) → \(value(report.after["true_peak_dbtp"])) dBTP")
            if !dryRun {
                try session.savePatch(to: patch)
                print("wrote \(patch)")
            }
        }
    }
}
