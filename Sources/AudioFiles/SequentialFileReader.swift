import CSndfile

/// Reads a whole file front to back in blocks, every channel, at its own rate: for
/// analysis of files of any length in bounded memory.
public final class SequentialFileReader {
    public let path: String
    public let channels: Int
    public let sampleRate: Double
    public let frames: Int64
    private var file: OpaquePointer?

    public init(path: String) throws {
        let (f, info) = try openForReading(path)
        self.path = path
        file = f
        channels = Int(info.channels)
        sampleRate = Double(info.samplerate)
        frames = Int64(info.frames)
    }

    deinit {
        if let file { sf_close(file) }
    }

    /// Up to `count` interleaved frames into `out`; 0 at the end (or a read error:
    /// a truncated file ends where its data does).
    public func read(into out: UnsafeMutablePointer<Float>, frames count: Int) -> Int {
        guard let file, count > 0 else { return 0 }
        return Int(max(0, sf_readf_float(file, out, sf_count_t(count))))
    }
}
