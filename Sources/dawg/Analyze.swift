import Analysis
import ArgumentParser
import Control
import Foundation
import Store

/// `dawg analyze FILE… [--json]`: what each file is, how loud (BS.1770-4 / EBU R128),
/// its tempo, beats, onsets, key and spectral character; read front to back in blocks,
/// so any length fits in memory; kept in the project store by checksum. With --json,
/// one JSON object per line, one line per file.
struct Analyze: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure files: duration, rate, channels, loudness (integrated, momentary and short-term maxima, range, sample and true peak), tempo, beats, onsets, key, spectral features and the third-octave spectrum.",
        discussion: "Results are kept in the project store (dawg.sqlite in --project-dir, when there is one) by the file's checksum; the same audio is answered from there next time.")

    @Argument(help: "Any files libsndfile reads.")
    var files: [String]

    @Flag(help: "Print the report as JSON.")
    var json = false

    @Option(name: .customLong("project-dir"), help: "The project whose store keeps results (used when it has one).")
    var projectDir = FileManager.default.currentDirectoryPath

    @Flag(name: .customLong("no-store"), help: "Measure without looking in or writing to the project store.")
    var noStore = false

    struct Report: Encodable {
        var file: String
        var cached: Bool
        var analysis: FileAnalysis

        enum CodingKeys: String, CodingKey { case file, cached }

        func encode(to encoder: Encoder) throws {
            try analysis.encode(to: encoder)
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(file, forKey: .file)
            try c.encode(cached, forKey: .cached)
        }
    }

    func run() throws {
        let storePath = (projectDir as NSString).appendingPathComponent(ProjectStore.fileName)
        let store = noStore || !FileManager.default.fileExists(atPath: storePath) ? nil
            : try? ProjectStore(directory: projectDir, name: (projectDir as NSString).lastPathComponent, path: storePath)
        var failed = false
        for file in files {
            let bar = ProgressBar.onTerminal()
            let result: (analysis: FileAnalysis, cached: Bool)
            do {
                result = try AnalysisCache.analyze(path: file, store: store) { bar?.show($0) }
            } catch {
                bar?.clear()
                FileHandle.standardError.write(Data("dawg analyze: \(error)\n".utf8))
                failed = true
                continue
            }
            bar?.clear()
            let report = Report(file: file, cached: result.cached, analysis: result.analysis)
            if json {
                let e = JSONEncoder()
                e.outputFormatting = [.sortedKeys]
                print(String(decoding: try e.encode(report), as: UTF8.self))
            } else {
                print(Self.text(report))
            }
        }
        if failed { throw ExitCode(1) }
    }

    static func text(_ r: Report) -> String {
        func lufs(_ v: Double?) -> String { v.map { String(format: "%.1f LUFS", $0) } ?? "—" }
        let a = r.analysis, l = a.loudness
        return """
            \(r.file): \(String(format: "%.2f", a.durationSeconds)) s, \(a.sampleRate) Hz, \(a.channels) channel\(a.channels == 1 ? "" : "s")\(r.cached ? " (from the project store)" : "")
            loudness: \(lufs(l.integrated)) integrated (momentary max \(lufs(l.momentaryMax)), short-term max \(lufs(l.shortTermMax)))
            range: \(l.range.map { String(format: "%.1f LU", $0) } ?? "—"); sample peak \(String(format: "%.1f dBFS", l.samplePeak)), true peak \(String(format: "%.1f dBTP", l.truePeak))
            tempo: \(a.rhythm.tempo.map { String(format: "%.1f BPM (confidence %.2f), %d beats", $0, a.rhythm.tempoConfidence, a.rhythm.beats.count) } ?? "—")\(a.rhythm.meter.map { ", \($0) beats to the bar" } ?? ""); \(a.rhythm.onsets.count) onsets
            key: \(a.key.map { String(format: "%@ (confidence %.2f), tuning %+.0f cents", $0.name, $0.confidence, $0.tuningCents) } ?? "—")
            spectrum: \(a.spectral.centroidHz.map { String(format: "centroid %.0f Hz, roll-off %.0f Hz, flatness %.3f", $0, a.spectral.rolloffHz ?? 0, a.spectral.flatness ?? 0) } ?? "silent")
            """
    }
}
