/// One step of the schema, applied once, in order, in its own transaction. The
/// database's `user_version` is the number of steps applied; a step once released is
/// never edited, only followed by another.
public struct Migration: Sendable {
    public let name: String
    public let sql: String

    public init(_ name: String, _ sql: String) {
        self.name = name
        self.sql = sql
    }

    /// Applies the steps `db` has not had yet. A database newer than this program (more
    /// steps than it knows) is refused rather than guessed at.
    static func apply(_ migrations: [Migration], to db: Database) throws {
        let applied = Int(try db.query("PRAGMA user_version").first?.first?.int ?? 0)
        guard applied <= migrations.count else {
            throw StoreError("\(db.path) has schema version \(applied); this dawg knows up to \(migrations.count)")
        }
        for (index, step) in migrations.enumerated().dropFirst(applied) {
            try db.transaction { db in
                do { try db.executeScript(step.sql) } catch {
                    throw StoreError("migration \(index + 1) (\(step.name)) failed: \(error)")
                }
                try db.execute("PRAGMA user_version = \(index + 1)")
            }
        }
    }
}
