import CSndfile

/// Opens `path` for reading with libsndfile and checks it holds audio (channels, a
/// rate, frames): the handle (the caller closes it) and what libsndfile says of it.
func openForReading(_ path: String) throws -> (OpaquePointer, SF_INFO) {
    var info = SF_INFO()
    guard let file = sf_open(path, Int32(SFM_READ), &info) else {
        throw AudioFileError.cannotOpen(path, reason: String(cString: sf_strerror(nil)))
    }
    guard info.channels > 0, info.samplerate > 0, info.frames > 0 else {
        sf_close(file)
        throw AudioFileError.noAudio(path)
    }
    return (file, info)
}
