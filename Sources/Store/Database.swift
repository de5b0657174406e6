import CSQLite
import Foundation

/// One SQLite connection in WAL mode, shared by the control threads behind a lock.
///
/// Why the C API and not GRDB: the store needs a handful of statements, a migration
/// list and exact control of the pragmas that make a `kill -9` lose nothing; SQLite's
/// own API does that in one small file, with no second copy of SQLite's types to learn.
///
/// Durability: WAL with `synchronous = FULL`, so a committed transaction is in the log
/// file before `commit` returns. A killed process loses only what it had not committed.
public final class Database: @unchecked Sendable {
    // @unchecked Sendable: `handle` is used only under `lock`.
    private let handle: OpaquePointer
    /// Recursive: a transaction holds it across the statements of its body, so another
    /// thread's statement cannot land inside it.
    private let lock = NSRecursiveLock()
    public let path: String

    /// Opens (creating if needed) the database at `path` and brings its schema up to
    /// date with `migrations`.
    public init(path: String, migrations: [Migration]) throws {
        var h: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX
        guard sqlite3_open_v2(path, &h, flags, nil) == SQLITE_OK, let h else {
            let message = h.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            if let h { sqlite3_close(h) }
            throw StoreError("cannot open \(path): \(message)")
        }
        handle = h
        self.path = path
        sqlite3_busy_timeout(h, 5000)
        do {
            let mode = try query("PRAGMA journal_mode = WAL").first?.first?.string
            guard mode == "wal" else { throw StoreError("\(path): WAL mode refused (journal mode \(mode ?? "?"))") }
            try execute("PRAGMA synchronous = FULL")
            try execute("PRAGMA foreign_keys = ON")
            try Migration.apply(migrations, to: self)
        } catch {
            sqlite3_close(h)
            throw error
        }
    }

    deinit { sqlite3_close(handle) }

    /// Runs one statement; returns its rows.
    @discardableResult
    public func query(_ sql: String, _ arguments: [SQLValue] = []) throws -> [[SQLValue]] {
        try locked { try Statement(handle, sql, arguments).rows() }
    }

    public func execute(_ sql: String, _ arguments: [SQLValue] = []) throws {
        try query(sql, arguments)
    }

    /// The rowid of the last row inserted on this connection.
    public func insert(_ sql: String, _ arguments: [SQLValue] = []) throws -> Int64 {
        try locked {
            _ = try Statement(handle, sql, arguments).rows()
            return sqlite3_last_insert_rowid(handle)
        }
    }

    /// Runs `body` in one transaction (`BEGIN IMMEDIATE`, so two writers never deadlock
    /// on an upgrade): committed when it returns, rolled back when it throws.
    public func transaction<T>(_ body: (Database) throws -> T) throws -> T {
        try locked {
            try execute("BEGIN IMMEDIATE")
            do {
                let result = try body(self)
                try execute("COMMIT")
                return result
            } catch {
                try? execute("ROLLBACK")
                throw error
            }
        }
    }

    /// Runs a script of several statements (a migration).
    func executeScript(_ sql: String) throws {
        try locked {
            var message: UnsafeMutablePointer<CChar>?
            guard sqlite3_exec(handle, sql, nil, nil, &message) == SQLITE_OK else {
                let text = message.map { String(cString: $0) } ?? "unknown error"
                sqlite3_free(message)
                throw StoreError(text)
            }
        }
    }

    private func locked<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }
}
