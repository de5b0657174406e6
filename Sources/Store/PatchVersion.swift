/// One saved state of a patch (`patch_versions`): every save is kept, numbered in the
/// order they were made across the project.
public struct PatchVersion: Equatable, Sendable {
    public var number: Int64
    /// Relative to the project directory.
    public var path: String
    /// The patch file's JSON as written.
    public var content: String
    public var savedAt: String
}

extension ProjectStore {
    /// Keeps a saved patch as the next version; returns its number.
    @discardableResult
    public func savePatchVersion(path: String, content: String) throws -> Int64 {
        try database.insert("INSERT INTO patch_versions (project_id, path, content) VALUES (?, ?, ?)",
                            [.integer(projectID), .text(path), .text(content)])
    }

    /// Every version, oldest first (of the patch at `path` only, if given).
    public func patchVersions(path: String? = nil) throws -> [PatchVersion] {
        var sql = "SELECT id, path, content, saved_at FROM patch_versions WHERE project_id = ?"
        var args: [SQLValue] = [.integer(projectID)]
        if let path {
            sql += " AND path = ?"
            args.append(.text(path))
        }
        return try database.query(sql + " ORDER BY id", args).map(Self.version)
    }

    public func patchVersion(_ number: Int64) throws -> PatchVersion? {
        try database.query("SELECT id, path, content, saved_at FROM patch_versions WHERE project_id = ? AND id = ?",
                           [.integer(projectID), .integer(number)]).first.map(Self.version)
    }

    private static func version(_ row: [SQLValue]) -> PatchVersion {
        PatchVersion(number: row[0].int ?? 0, path: row[1].string ?? "", content: row[2].string ?? "", savedAt: row[3].string ?? "")
    }
}
