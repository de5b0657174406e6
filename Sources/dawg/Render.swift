import AudioFiles
import ArgumentParser
import Control
import Engine
import Foundation

/// `dawg render PATCH --wav OUT.wav`: the patch played through the engine's offline
/// driver — the same graph, strips and General MIDI synth as `dawg serve` — into a WAV
/// file, faster than real time.
struct Render: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Render a patch (files, MIDI tracks through the General MIDI synth, strips, buses) to a WAV file without JACK.")

    @Argument(help: "A patch file inside --project-dir.")
    var patch: String

    @Option(help: "The WAV file to write.")
    var wav: String

    @Option(help: "Seconds to render (default: to the end of the last file or MIDI event, plus --tail).")
    var seconds: Double?

    @Option(help: "Seconds rendered after the end, for release and reverb tails.")
    var tail = 2.0

    @Option(name: .customLong("sample-rate"), help: "44100 or 48000.")
    var sampleRate = 48000

    @Option(name: .customLong("project-dir"), help: "The project the patch's paths are relative to.")
    var projectDir = FileManager.default.currentDirectoryPath

    func validate() throws {
        guard [44100, 48000].contains(sampleRate) else { throw ValidationError("--sample-rate must be 44100 or 48000, not \(sampleRate)") }
        if let seconds, !(seconds > 0 && seconds <= 3600) { throw ValidationError("--seconds must be more than 0 and at most 3600") }
        guard tail.isFinite, tail >= 0, tail <= 60 else { throw ValidationError("--tail must be from 0 to 60 seconds") }
    }

    func run() throws {
        let engine = EngineHandle(config: EngineConfig(sampleRate: Double(sampleRate), inputs: 128))
        let session = Session(engine: engine, paths: try ProjectPaths(directory: projectDir))
        do { try session.loadPatch(from: patch) } catch { throw ValidationError("cannot load \(patch): \(error)") }
        try Self.write(session, to: wav, seconds: seconds ?? session.timelineEnd + tail)
    }

    /// Render `session` for `seconds` into the WAV file `path`, with a bar on a terminal.
    static func write(_ session: Session, to path: String, seconds: Double) throws {
        // Nobody reads meters offline: the master's live loudness meter (on by default,
        // and a tenth of a render's cost) stays off.
        try session.setLoudness(.master, false)
        let bar = seconds > 5 ? ProgressBar.onTerminal() : nil
        let out = try session.renderOffline(seconds: seconds) { bar?.show($0) }
        bar?.clear()
        try AudioFileWriter.writeWAV(path: path, channels: [out.left, out.right], sampleRate: Int(session.sampleRate))
    }
}
