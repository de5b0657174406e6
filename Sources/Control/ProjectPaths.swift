import Foundation

/// Resolves paths that clients send against the project directory and refuses any
/// that would land outside it, through `..`, an absolute path or a symbolic link.
public struct ProjectPaths: Sendable {
    public let root: String

    /// `directory` must exist; it is canonicalised once.
    public init(directory: String) throws {
        guard let real = Self.realPath(directory) else {
            throw ControlError("project directory \(directory) does not exist")
        }
        root = real
    }

    /// The absolute path for `path` (relative to the project, or absolute inside it).
    /// `mustExist` for reading; otherwise the parent directory must exist.
    public func resolve(_ path: String, mustExist: Bool) throws -> String {
        guard !path.isEmpty, path.utf8.count <= 1024, !path.contains("\0") else {
            throw ControlError("path must be 1 to 1024 bytes with no NUL")
        }
        let joined = path.hasPrefix("/") ? path : root + "/" + path
        let standard = (joined as NSString).standardizingPath
        // Lexically first (so `../x` is called outside, not missing), then through links.
        try inside(standard, path)
        let checked: String
        if mustExist {
            guard let real = Self.realPath(standard) else { throw ControlError("no such file: \(path)") }
            checked = real
        } else {
            let parent = (standard as NSString).deletingLastPathComponent
            let leaf = (standard as NSString).lastPathComponent
            guard let realParent = Self.realPath(parent) else { throw ControlError("no such directory for \(path)") }
            guard !leaf.isEmpty, leaf != "..", leaf != "." else { throw ControlError("not a file name: \(path)") }
            let candidate = realParent + "/" + leaf
            // An existing link at the leaf must not point outside either.
            checked = Self.realPath(candidate) ?? candidate
        }
        try inside(checked, path)
        return checked
    }

    private func inside(_ absolute: String, _ original: String) throws {
        guard absolute == root || absolute.hasPrefix(root == "/" ? "/" : root + "/") else {
            throw ControlError("path \(original) is outside the project directory")
        }
    }

    /// The path relative to the project root, as patches store it.
    public func relative(_ absolute: String) -> String {
        absolute.hasPrefix(root + "/") ? String(absolute.dropFirst(root.count + 1)) : absolute
    }

    public static func realPath(_ path: String) -> String? {
        guard let p = realpath(path, nil) else { return nil }
        defer { free(p) }
        return String(cString: p)
    }
}
