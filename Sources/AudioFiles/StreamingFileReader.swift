import CSamplerate
import CSndfile

/// Reads a file in pieces at the engine's rate, for disk streaming: the first one or
/// two channels, interleaved, from any engine-rate frame. Other rates go through
/// libsamplerate's streaming converter here, on the reader's thread. One thread at a
/// time (the stream reader's).
public final class StreamingFileReader {
    public let path: String
    /// Channels delivered: 1 for mono files, 2 for anything wider (the first two).
    public let channels: Int
    /// Length in engine-rate frames.
    public let frames: Int64
    public let sourceRate: Double
    public let sampleRate: Double
    private let fileChannels: Int
    private var file: OpaquePointer?
    private var converter: OpaquePointer?
    /// The engine-rate frame the next read continues from without a seek.
    private var next: Int64 = -1
    /// Source frames read from the file, not yet converted.
    private var pending: [Float] = []
    private var sourceEnded = false
    private var scratch: [Float] = []

    public init(path: String, sampleRate: Double) throws {
        let (f, info) = try openForReading(path)
        self.path = path
        file = f
        fileChannels = Int(info.channels)
        channels = min(2, fileChannels)
        sourceRate = Double(info.samplerate)
        self.sampleRate = sampleRate
        frames = sourceRate == sampleRate ? Int64(info.frames) : Int64((Double(info.frames) * sampleRate / sourceRate).rounded(.up))
        if sourceRate != sampleRate {
            var error: Int32 = 0
            converter = src_new(Int32(SRC_SINC_MEDIUM_QUALITY), Int32(channels), &error)
            if converter == nil {
                sf_close(f)
                throw AudioFileError.resampleFailed(path, reason: String(cString: src_strerror(error)))
            }
        }
    }

    deinit {
        if let file { sf_close(file) }
        if let converter { src_delete(converter) }
    }

    /// Writes up to `count` interleaved frames from engine-rate frame `position` into
    /// `out`; returns how many (fewer at the end of the file, 0 past it).
    public func read(at position: Int64, into out: UnsafeMutablePointer<Float>, frames count: Int) -> Int {
        guard position >= 0, position < frames, count > 0 else { return 0 }
        let want = Int(min(Int64(count), frames - position))
        if position != next { seek(position) }
        let got = converter == nil ? readDirect(into: out, want) : readConverted(into: out, want)
        next = position + Int64(got)
        return got
    }

    private func seek(_ position: Int64) {
        let source = converter == nil ? position : Int64(Double(position) * sourceRate / sampleRate)
        sf_seek(file, sf_count_t(source), SEEK_SET)
        if let converter { src_reset(converter) }
        pending.removeAll(keepingCapacity: true)
        sourceEnded = false
    }

    /// Source frames `count` from the file, the kept channels, interleaved, appended.
    private func readSource(_ count: Int, into buffer: inout [Float]) -> Int {
        if scratch.count < count * fileChannels { scratch = [Float](repeating: 0, count: count * fileChannels) }
        let got = scratch.withUnsafeMutableBufferPointer { sf_readf_float(file, $0.baseAddress, sf_count_t(count)) }
        let n = Int(max(0, got))
        buffer.reserveCapacity(buffer.count + n * channels)
        for f in 0..<n {
            for c in 0..<channels { buffer.append(scratch[f * fileChannels + c]) }
        }
        return n
    }

    private func readDirect(into out: UnsafeMutablePointer<Float>, _ count: Int) -> Int {
        if fileChannels == channels {  // straight into the caller's buffer
            return Int(max(0, sf_readf_float(file, out, sf_count_t(count))))
        }
        if scratch.count < count * fileChannels { scratch = [Float](repeating: 0, count: count * fileChannels) }
        let n = Int(max(0, scratch.withUnsafeMutableBufferPointer { sf_readf_float(file, $0.baseAddress, sf_count_t(count)) }))
        scratch.withUnsafeBufferPointer { src in
            for f in 0..<n {
                for c in 0..<channels { out[f * channels + c] = src[f * fileChannels + c] }
            }
        }
        return n
    }

    private func readConverted(into out: UnsafeMutablePointer<Float>, _ count: Int) -> Int {
        var produced = 0, idle = 0
        while produced < count && idle < 8 {
            if pending.count < 1024 * channels && !sourceEnded {
                if readSource(4096, into: &pending) == 0 { sourceEnded = true }
            }
            var data = SRC_DATA()
            let used: Int = pending.withUnsafeBufferPointer { inp in
                data.data_in = inp.baseAddress
                data.input_frames = inp.count / channels
                data.data_out = out + produced * channels
                data.output_frames = count - produced
                data.src_ratio = sampleRate / sourceRate
                data.end_of_input = sourceEnded ? 1 : 0
                guard src_process(converter, &data) == 0 else { return -1 }
                return Int(data.input_frames_used)
            }
            if used < 0 { break }
            pending.removeFirst(used * channels)
            produced += Int(data.output_frames_gen)
            // Nothing in and nothing out a few times running: the converter is drained.
            idle = data.output_frames_gen == 0 && used == 0 ? idle + 1 : 0
        }
        return produced
    }
}
