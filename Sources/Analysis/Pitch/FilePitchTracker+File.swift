import AudioFiles

extension FilePitchTracker {
    /// The pitch of an audio file (decoded at 48 kHz, stereo mixed to mono) and its
    /// length in seconds.
    public func track(path: String, progress: ((Double) -> Void)? = nil) throws -> (frames: [PitchFrame], seconds: Double) {
        let audio = try AudioFileReader.decode(path: path, sampleRate: 48000)
        guard audio.isStereo else {
            // A mono file's samples as decoded, not copied (hours of audio are gigabytes).
            let frames = withExtendedLifetime(audio) {
                track(UnsafeBufferPointer(start: audio.left, count: audio.frames), sampleRate: audio.sampleRate, progress: progress)
            }
            return (frames, audio.seconds)
        }
        var mono = [Float](repeating: 0, count: audio.frames)
        for i in 0..<audio.frames { mono[i] = 0.5 * (audio.left[i] + audio.right[i]) }
        let frames = mono.withUnsafeBufferPointer { track($0, sampleRate: audio.sampleRate, progress: progress) }
        return (frames, audio.seconds)
    }
}
