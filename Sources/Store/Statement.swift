import CSQLite

/// SQLite's "copy the bytes now" destructor for text bindings (SQLITE_TRANSIENT is a
/// macro Swift cannot import).
let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// A value bound to a `?` or read from a column.
public enum SQLValue: Equatable, Sendable {
    case integer(Int64)
    case real(Double)
    case text(String)
    case null

    public var int: Int64? { if case .integer(let v) = self { v } else { nil } }
    public var double: Double? {
        switch self {
        case .real(let v): v
        case .integer(let v): Double(v)
        default: nil
        }
    }
    public var string: String? { if case .text(let v) = self { v } else { nil } }
}

extension SQLValue: ExpressibleByIntegerLiteral, ExpressibleByStringLiteral, ExpressibleByFloatLiteral {
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(stringLiteral value: String) { self = .text(value) }
    public init(floatLiteral value: Double) { self = .real(value) }
    public init(_ v: Int) { self = .integer(Int64(v)) }
    public init(_ v: Double) { self = .real(v) }
    public init(_ v: String?) { self = v.map { .text($0) } ?? .null }
}

/// One prepared statement, stepped to the end, then finalised. Used only inside
/// `Database`, under its lock.
struct Statement {
    let handle: OpaquePointer
    let db: OpaquePointer

    init(_ db: OpaquePointer, _ sql: String, _ arguments: [SQLValue]) throws {
        var h: OpaquePointer?
        guard sqlite3_prepare_v2(db, sql, -1, &h, nil) == SQLITE_OK, let h else {
            throw StoreError("cannot prepare \(sql): \(String(cString: sqlite3_errmsg(db)))")
        }
        handle = h
        self.db = db
        for (i, value) in arguments.enumerated() {
            let index = Int32(i + 1)
            let rc: Int32 = switch value {
            case .integer(let v): sqlite3_bind_int64(h, index, v)
            case .real(let v): sqlite3_bind_double(h, index, v)
            case .text(let v): sqlite3_bind_text(h, index, v, -1, transient)
            case .null: sqlite3_bind_null(h, index)
            }
            guard rc == SQLITE_OK else {
                sqlite3_finalize(h)
                throw StoreError("cannot bind argument \(index) of \(sql): \(String(cString: sqlite3_errmsg(db)))")
            }
        }
    }

    /// Every row, each as its columns' values.
    func rows() throws -> [[SQLValue]] {
        defer { sqlite3_finalize(handle) }
        var out: [[SQLValue]] = []
        while true {
            let rc = sqlite3_step(handle)
            if rc == SQLITE_DONE { return out }
            guard rc == SQLITE_ROW else { throw StoreError(String(cString: sqlite3_errmsg(db))) }
            out.append((0..<sqlite3_column_count(handle)).map(column))
        }
    }

    private func column(_ i: Int32) -> SQLValue {
        switch sqlite3_column_type(handle, i) {
        case SQLITE_INTEGER: .integer(sqlite3_column_int64(handle, i))
        case SQLITE_FLOAT: .real(sqlite3_column_double(handle, i))
        case SQLITE_NULL: .null
        default: .text(String(cString: sqlite3_column_text(handle, i)))
        }
    }
}
