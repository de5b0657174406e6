import CSamplerate
import CSndfile

/// Decodes any file libsndfile reads (WAV, AIFF, FLAC, Ogg, …) and converts it to the
/// engine's rate with libsamplerate. Control side only: it reads the disk and allocates.
public enum AudioFileReader {
    /// Files longer than this are refused rather than filling memory (one hour).
    public static let defaultMaxSeconds = 3600.0

    /// Decode `path` to one or two channels at `sampleRate`. Files with more channels
    /// keep their first two. A truncated file yields the frames that could be read.
    public static func decode(path: String, sampleRate: Double, maxSeconds: Double = defaultMaxSeconds) throws -> DecodedAudio {
        var info = SF_INFO()
        guard let file = sf_open(path, Int32(SFM_READ), &info) else {
            throw AudioFileError.cannotOpen(path, reason: String(cString: sf_strerror(nil)))
        }
        defer { sf_close(file) }
        let sourceRate = Double(info.samplerate)
        guard info.channels > 0, sourceRate > 0 else { throw AudioFileError.noAudio(path) }
        if Double(info.frames) / sourceRate > maxSeconds {
            throw AudioFileError.tooLong(path, seconds: Double(info.frames) / sourceRate, limit: maxSeconds)
        }
        let channels = Int(info.channels)
        var interleaved = [Float](repeating: 0, count: Int(info.frames) * channels)
        let read = interleaved.withUnsafeMutableBufferPointer { sf_readf_float(file, $0.baseAddress, info.frames) }
        guard read > 0 else { throw AudioFileError.noAudio(path) }
        interleaved.removeSubrange(Int(read) * channels..<interleaved.count)

        let kept = min(channels, 2)
        var planar = (0..<kept).map { c in stride(from: c, to: interleaved.count, by: channels).map { interleaved[$0] } }
        if sourceRate != sampleRate {
            planar = try planar.map { try resample($0, from: sourceRate, to: sampleRate, path: path) }
        }
        return DecodedAudio(path: path, planar: planar, sampleRate: sampleRate, sourceRate: sourceRate)
    }

    /// One channel through libsamplerate's medium-quality sinc converter (a good
    /// balance of quality and speed for material loaded while the engine plays).
    static func resample(_ input: [Float], from: Double, to: Double, path: String) throws -> [Float] {
        let ratio = to / from
        var output = [Float](repeating: 0, count: Int((Double(input.count) * ratio).rounded(.up)) + 16)
        var data = SRC_DATA()
        let error = input.withUnsafeBufferPointer { inp in
            output.withUnsafeMutableBufferPointer { out -> Int32 in
                data.data_in = inp.baseAddress
                data.input_frames = inp.count
                data.data_out = out.baseAddress
                data.output_frames = out.count
                data.src_ratio = ratio
                return src_simple(&data, Int32(SRC_SINC_MEDIUM_QUALITY), 1)
            }
        }
        if error != 0 { throw AudioFileError.resampleFailed(path, reason: String(cString: src_strerror(error))) }
        output.removeSubrange(Int(data.output_frames_gen)..<output.count)
        return output
    }
}
