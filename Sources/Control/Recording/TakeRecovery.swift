import AudioFiles
import CSndfile
import Foundation
import Logging
import Store

/// Closes the takes a killed engine left `recording`: each file is opened as any reader
/// would (its header was rewritten while it grew, so it holds all but the last moments),
/// and its row gets the length found, a checksum and the state `recovered`. A file that
/// is missing or unreadable keeps length 0 and says so. Runs at `dawg serve` start and
/// as `dawg recover`; returns one line per take for the log.
public enum TakeRecovery {
    public static func run(store: ProjectStore, root: String, logger: Logger) throws -> [String] {
        var report: [String] = []
        for take in try store.unfinishedTakes() {
            let path = root + "/" + take.file
            let frames = framesReadable(path)
            let checksum = frames == nil ? nil : try? FileChecksum.sha256(path: path)
            try store.finish(id: take.id, lengthFrames: frames ?? 0, checksum: checksum, overrunFrames: take.overrunFrames,
                             xrunFrames: take.xrunFrames, state: .recovered)
            let line = frames.map { "recovered \(take.file): \($0) frames (\(String(format: "%.2f", Double($0) / Double(take.sampleRate))) s)" }
                ?? "recovered \(take.file): the file is missing or unreadable; the row is kept with length 0"
            logger.notice("\(line)")
            report.append(line)
        }
        return report
    }

    /// Frames libsndfile reads from `path`, nil when it cannot open it.
    static func framesReadable(_ path: String) -> Int64? {
        var info = SF_INFO()
        guard let f = sf_open(path, Int32(SFM_READ), &info) else { return nil }
        sf_close(f)
        return Int64(info.frames)
    }
}
