import Analysis
import ArgumentParser
import AudioFiles
import Foundation

/// `dawg analyze FILE [--json]`: what a file is and how loud (BS.1770-4 / EBU R128),
/// read front to back in blocks, so any length fits in memory. (Tempo, beats, key and
/// spectral features come next, in the same report.)
struct Analyze: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure a file: duration, rate, channels and loudness (integrated, momentary and short-term maxima, range, sample and true peak).")

    @Argument(help: "Any file libsndfile reads.")
    var file: String

    @Flag(help: "Print the report as JSON.")
    var json = false

    struct Report: Codable {
        var file: String
        var durationSeconds: Double
        var sampleRate: Int
        var channels: Int
        var loudness: Loudness

        enum CodingKeys: String, CodingKey {
            case file, durationSeconds = "duration_s", sampleRate = "sample_rate", channels, loudness
        }
    }

    func run() throws {
        let reader: SequentialFileReader
        do { reader = try SequentialFileReader(path: file) } catch {
            FileHandle.standardError.write(Data("dawg analyze: \(error)\n".utf8))
            throw ExitCode(1)
        }
        let meter = LoudnessMeter(sampleRate: reader.sampleRate, channels: reader.channels)
        let block = 65536
        let buffer = UnsafeMutablePointer<Float>.allocate(capacity: block * reader.channels)
        defer { buffer.deallocate() }
        // A bar for anything longer than a few seconds of audio, on a terminal.
        let bar = Double(reader.frames) / reader.sampleRate > 10 ? ProgressBar.onTerminal() : nil
        var done: Int64 = 0
        while true {
            let n = reader.read(into: buffer, frames: block)
            if n == 0 { break }
            meter.process(interleaved: UnsafeBufferPointer(start: buffer, count: n * reader.channels), frames: n)
            done += Int64(n)
            bar?.show(Double(done) / Double(reader.frames))
        }
        bar?.clear()
        let report = Report(file: file, durationSeconds: Double(done) / reader.sampleRate, sampleRate: Int(reader.sampleRate),
                            channels: reader.channels, loudness: meter.result())
        if json {
            let e = JSONEncoder()
            e.outputFormatting = [.sortedKeys]
            print(String(decoding: try e.encode(report), as: UTF8.self))
        } else {
            print(Self.text(report))
        }
    }

    static func text(_ r: Report) -> String {
        func lufs(_ v: Double?) -> String { v.map { String(format: "%.1f LUFS", $0) } ?? "—" }
        let l = r.loudness
        return """
            \(r.file): \(String(format: "%.2f", r.durationSeconds)) s, \(r.sampleRate) Hz, \(r.channels) channel\(r.channels == 1 ? "" : "s")
            loudness: \(lufs(l.integrated)) integrated (momentary max \(lufs(l.momentaryMax)), short-term max \(lufs(l.shortTermMax)))
            range: \(l.range.map { String(format: "%.1f LU", $0) } ?? "—"); sample peak \(String(format: "%.1f dBFS", l.samplePeak)), true peak \(String(format: "%.1f dBTP", l.truePeak))
            """
    }
}
