import CSndfile

/// Writes planar Float audio as a 32-bit float WAV file (tests, renders, benchmarks).
public enum AudioFileWriter {
    public static func writeWAV(path: String, channels: [[Float]], sampleRate: Int) throws {
        precondition(!channels.isEmpty && channels.allSatisfy { $0.count == channels[0].count })
        var info = SF_INFO()
        info.samplerate = Int32(sampleRate)
        info.channels = Int32(channels.count)
        info.format = Int32(SF_FORMAT_WAV | SF_FORMAT_FLOAT)
        guard let file = sf_open(path, Int32(SFM_WRITE), &info) else {
            throw AudioFileError.cannotWrite(path, reason: String(cString: sf_strerror(nil)))
        }
        defer { sf_close(file) }
        let frames = channels[0].count
        var interleaved = [Float](repeating: 0, count: frames * channels.count)
        for (c, samples) in channels.enumerated() {
            for i in 0..<frames { interleaved[i * channels.count + c] = samples[i] }
        }
        let written = interleaved.withUnsafeBufferPointer { sf_writef_float(file, $0.baseAddress, sf_count_t(frames)) }
        if written != frames { throw AudioFileError.cannotWrite(path, reason: String(cString: sf_strerror(file))) }
    }
}
