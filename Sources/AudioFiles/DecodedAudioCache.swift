#if canImport(Glibc)
import Glibc
#endif

/// Decoded files shared between the tracks that play them. Ten tracks of one loop hold
/// one copy, and the process thread reads the same memory for all ten (with 128 tracks
/// over 8 files, a copy per track made every read a cache miss). Entries are weak: a
/// file no track plays any more is freed. A file changed on disk (size or modification
/// time) is decoded again. Control side only; any thread.
public final class DecodedAudioCache: @unchecked Sendable {
    // @unchecked Sendable: `entries` is only touched with `mutex` held.
    private struct Key: Hashable {
        let path: String
        let size: Int64
        let modified: Int64
        let sampleRate: Double
    }

    private final class Entry {
        weak var audio: DecodedAudio?
        init(_ audio: DecodedAudio) { self.audio = audio }
    }

    private var entries: [Key: Entry] = [:]
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)

    public init() { pthread_mutex_init(mutex, nil) }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// The decoded file at `path`, shared if a track already holds it. Decoding
    /// happens outside the lock, so one slow file does not hold up others.
    public func decode(path: String, sampleRate: Double) throws -> DecodedAudio {
        var info = stat()
        guard stat(path, &info) == 0 else { return try AudioFileReader.decode(path: path, sampleRate: sampleRate) }
        let key = Key(
            path: path, size: Int64(info.st_size),
            modified: Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec), sampleRate: sampleRate
        )
        if let shared = withLock({ entries[key]?.audio }) { return shared }
        let audio = try AudioFileReader.decode(path: path, sampleRate: sampleRate)
        return withLock {
            if let raced = entries[key]?.audio { return raced }
            entries = entries.filter { $0.value.audio != nil }
            entries[key] = Entry(audio)
            return audio
        }
    }

    private func withLock<T>(_ body: () throws -> T) rethrows -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }
}
