import CSndfile
import Foundation

/// Writes a take as it is recorded: interleaved frames appended in chunks by the disk
/// writer thread, the header brought up to date now and then so that a process killed
/// mid-take leaves a file every reader opens, holding all but the last moments.
/// One thread at a time (the disk writer's).
public final class StreamingFileWriter {
    public let path: String
    public let channels: Int
    public let format: RecordFormat
    private var file: OpaquePointer?
    /// Frames written so far.
    public private(set) var frames: Int64 = 0

    public init(path: String, channels: Int, sampleRate: Int, format: RecordFormat) throws {
        var info = SF_INFO()
        info.samplerate = Int32(sampleRate)
        info.channels = Int32(channels)
        info.format = format.sndfileFormat
        guard let f = sf_open(path, Int32(SFM_WRITE), &info) else {
            throw AudioFileError.cannotWrite(path, reason: String(cString: sf_strerror(nil)))
        }
        if format.isRF64 { sf_command(f, Int32(SFC_RF64_AUTO_DOWNGRADE), nil, Int32(SF_TRUE)) }
        file = f
        self.path = path
        self.channels = channels
        self.format = format
        updateHeader()  // a valid (empty) file from the first moment
    }

    deinit { if let file { sf_close(file) } }

    /// Appends `count` interleaved frames. Throws when the disk takes fewer (full, or
    /// failing); what was written before stays in the file.
    public func write(_ interleaved: UnsafePointer<Float>, frames count: Int) throws {
        guard let file else { throw AudioFileError.cannotWrite(path, reason: "closed") }
        let written = sf_writef_float(file, interleaved, sf_count_t(count))
        frames += Int64(max(0, written))
        if written != count {
            let reason = String(cString: sf_strerror(file))
            throw AudioFileError.cannotWrite(path, reason: "\(reason) (\(written) of \(count) frames written)")
        }
    }

    /// Rewrites the header for the frames written so far (sizes in the RIFF/RF64 chunks).
    public func updateHeader() {
        if let file { sf_command(file, Int32(SFC_UPDATE_HEADER_NOW), nil, 0) }
    }

    /// Finishes the file (final header; RF64 becomes WAV when under 4 GB).
    public func close() {
        if let file { sf_close(file) }
        file = nil
    }
}
