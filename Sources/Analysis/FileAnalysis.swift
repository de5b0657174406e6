import AudioFiles
import Foundation

/// What `dawg analyze` and `/analyze` say about a file. `version` moves when the
/// analysis changes, so a stored result from an older dawg is measured again.
public struct FileAnalysis: Codable, Equatable, Sendable {
    public static let currentVersion = 2

    public var version: Int
    public var durationSeconds: Double
    public var sampleRate: Int
    public var channels: Int
    public var loudness: Loudness
    public var rhythm: Rhythm
    /// nil when nothing tonal was heard (silence, noise, drums alone).
    public var key: MusicalKey?
    public var spectral: SpectralFeatures
    public var thirdOctaves: ThirdOctaveSpectrum

    enum CodingKeys: String, CodingKey {
        case version, durationSeconds = "duration_s", sampleRate = "sample_rate", channels, loudness, rhythm, key, spectral
        case thirdOctaves = "third_octave_spectrum"
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(version, forKey: .version)
        try c.encode(durationSeconds, forKey: .durationSeconds)
        try c.encode(sampleRate, forKey: .sampleRate)
        try c.encode(channels, forKey: .channels)
        try c.encode(loudness, forKey: .loudness)
        try c.encode(rhythm, forKey: .rhythm)
        try c.encode(key, forKey: .key)  // null, not missing, when there is none
        try c.encode(spectral, forKey: .spectral)
        try c.encode(thirdOctaves, forKey: .thirdOctaves)
    }

    /// Reads `path` front to back in blocks (bounded memory) and measures it; calls
    /// `progress` with 0 … 1 as it goes (at most a hundred times). Any thread.
    public static func measure(path: String, progress: (Double) -> Void = { _ in }) throws -> FileAnalysis {
        let reader = try SequentialFileReader(path: path)
        let meter = LoudnessMeter(sampleRate: reader.sampleRate, channels: reader.channels)
        let music = MusicAnalyzer(sampleRate: reader.sampleRate)
        let block = 65536
        let buffer = UnsafeMutablePointer<Float>.allocate(capacity: block * reader.channels)
        let mono = UnsafeMutablePointer<Float>.allocate(capacity: block)
        defer {
            buffer.deallocate()
            mono.deallocate()
        }
        var done: Int64 = 0
        var reported = -1
        while true {
            let n = reader.read(into: buffer, frames: block)
            if n == 0 { break }
            meter.process(interleaved: UnsafeBufferPointer(start: buffer, count: n * reader.channels), frames: n)
            downmix(buffer, channels: reader.channels, frames: n, into: mono)
            music.push(UnsafeBufferPointer(start: mono, count: n))
            done += Int64(n)
            let percent = Int(100 * Double(done) / Double(max(1, reader.frames)))
            if percent > reported {
                reported = percent
                progress(min(1, Double(percent) / 100))
            }
        }
        let found = music.finish()
        return FileAnalysis(version: currentVersion, durationSeconds: Double(done) / reader.sampleRate, sampleRate: Int(reader.sampleRate),
                            channels: reader.channels, loudness: meter.result(), rhythm: found.rhythm, key: found.key,
                            spectral: found.spectral, thirdOctaves: found.thirdOctaves)
    }

    /// The mean of the channels, frame by frame.
    static func downmix(_ interleaved: UnsafePointer<Float>, channels: Int, frames: Int, into mono: UnsafeMutablePointer<Float>) {
        if channels == 1 {
            mono.update(from: interleaved, count: frames)
            return
        }
        let scale = 1 / Float(channels)
        for i in 0..<frames {
            var s: Float = 0
            for c in 0..<channels { s += interleaved[i * channels + c] }
            mono[i] = s * scale
        }
    }

    public var json: String { encoded(summary: false) }

    /// The report without the lists that grow with the file (beats, downbeats and onsets
    /// are counted; the spectral series left out): small enough for one OSC message
    /// whatever the length.
    public var summaryJSON: String { encoded(summary: true) }

    /// Set in a JSONEncoder's userInfo: encode the summary (no lists that grow with
    /// the file; no band powers in a mix report).
    public static let summaryKey = CodingUserInfoKey(rawValue: "dawg.analysis.summary")!

    /// `value` as sorted-key JSON, whole or as a summary.
    public static func json<T: Encodable>(_ value: T, summary: Bool) -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        e.userInfo[summaryKey] = summary
        return (try? e.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    private func encoded(summary: Bool) -> String { Self.json(self, summary: summary) }
}
