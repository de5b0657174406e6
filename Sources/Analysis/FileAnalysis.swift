import AudioFiles
import Foundation

/// What `dawg analyze` and `/analyze` say about a file. `version` moves when the
/// analysis changes, so a stored result from an older dawg is measured again.
public struct FileAnalysis: Codable, Equatable, Sendable {
    public static let currentVersion = 1

    public var version: Int
    public var durationSeconds: Double
    public var sampleRate: Int
    public var channels: Int
    public var loudness: Loudness

    enum CodingKeys: String, CodingKey {
        case version, durationSeconds = "duration_s", sampleRate = "sample_rate", channels, loudness
    }

    /// Reads `path` front to back in blocks (bounded memory) and measures it; calls
    /// `progress` with 0 … 1 as it goes (at most a hundred times). Any thread.
    public static func measure(path: String, progress: (Double) -> Void = { _ in }) throws -> FileAnalysis {
        let reader = try SequentialFileReader(path: path)
        let meter = LoudnessMeter(sampleRate: reader.sampleRate, channels: reader.channels)
        let block = 65536
        let buffer = UnsafeMutablePointer<Float>.allocate(capacity: block * reader.channels)
        defer { buffer.deallocate() }
        var done: Int64 = 0
        var reported = -1
        while true {
            let n = reader.read(into: buffer, frames: block)
            if n == 0 { break }
            meter.process(interleaved: UnsafeBufferPointer(start: buffer, count: n * reader.channels), frames: n)
            done += Int64(n)
            let percent = Int(100 * Double(done) / Double(max(1, reader.frames)))
            if percent > reported {
                reported = percent
                progress(min(1, Double(percent) / 100))
            }
        }
        return FileAnalysis(version: currentVersion, durationSeconds: Double(done) / reader.sampleRate, sampleRate: Int(reader.sampleRate),
                            channels: reader.channels, loudness: meter.result())
    }

    public var json: String {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return (try? e.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}
