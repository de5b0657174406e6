import AudioFiles

extension FilePitchTracker {
    /// The pitch of an audio file (decoded at 48 kHz, stereo mixed to mono) and its
    /// length in seconds.
    public func track(path: String, progress: ((Double) -> Void)? = nil) throws -> (frames: [PitchFrame], seconds: Double) {
        let audio = try AudioFileReader.decode(path: path, sampleRate: 48000)
        var mono = [Float](repeating: 0, count: audio.frames)
        for i in 0..<audio.frames { mono[i] = audio.isStereo ? 0.5 * (audio.left[i] + audio.right[i]) : audio.left[i] }
        let frames = mono.withUnsafeBufferPointer { track($0, sampleRate: audio.sampleRate, progress: progress) }
        return (frames, audio.seconds)
    }
}
