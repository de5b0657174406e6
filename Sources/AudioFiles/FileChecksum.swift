import Crypto
import Foundation

/// Checksums of files on disk (the store keeps one per take).
public enum FileChecksum {
    /// SHA-256 of the file's bytes, as lowercase hex (what `sha256sum` prints).
    public static func sha256(path: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw AudioFileError.cannotOpen(path, reason: "not readable")
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            hasher.update(data: chunk)
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
