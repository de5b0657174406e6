import Foundation
import Store

/// One line per action, appended and flushed as it happens (`audit.log`, JSON lines),
/// and the same row in the project store when one is configured. The file is never
/// rewritten, only appended to.
final class AuditLog {
    private let handle: FileHandle
    private let store: ProjectStore?
    private let formatter: ISO8601DateFormatter

    init(path: String, store: ProjectStore?) throws {
        if !FileManager.default.fileExists(atPath: path) { FileManager.default.createFile(atPath: path, contents: nil) }
        guard let h = FileHandle(forWritingAtPath: path) else { throw SupervisorError("cannot open the audit log \(path)") }
        h.seekToEndOfFile()
        handle = h
        self.store = store
        formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    }

    /// The time now, as entries carry it.
    func stamp(_ date: Date = Date()) -> String { formatter.string(from: date) }

    func append(_ entry: AuditEntry) {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        if let line = try? e.encode(entry) {
            handle.write(line + Data("\n".utf8))
            try? handle.synchronize()
        }
        do { try store?.append(entry) } catch {
            FileHandle.standardError.write(Data("dawg supervise: the audit entry is in the file but not the store: \(error)\n".utf8))
        }
    }
}
