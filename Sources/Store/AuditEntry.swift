/// One automatic (or asked-for) action of the supervisor (`audit_log`): when, on which
/// service, what, how it went and how long it took. Rows are only ever added.
public struct AuditEntry: Codable, Equatable, Sendable {
    /// ISO 8601, UTC, milliseconds.
    public var at: String
    public var service: String
    public var action: String
    public var result: String
    public var durationMs: Double
    public var detail: String

    public init(at: String, service: String, action: String, result: String, durationMs: Double, detail: String = "") {
        self.at = at
        self.service = service
        self.action = action
        self.result = result
        self.durationMs = durationMs
        self.detail = detail
    }

    enum CodingKeys: String, CodingKey {
        case at, service, action, result, durationMs = "duration_ms", detail
    }
}

extension ProjectStore {
    public func append(_ entry: AuditEntry) throws {
        try database.execute(
            "INSERT INTO audit_log (at, service, action, result, duration_ms, detail) VALUES (?, ?, ?, ?, ?, ?)",
            [.text(entry.at), .text(entry.service), .text(entry.action), .text(entry.result), .real(entry.durationMs), .text(entry.detail)])
    }

    /// The newest `limit` entries, oldest first.
    public func auditLog(limit: Int = 1000) throws -> [AuditEntry] {
        try database.query(
            "SELECT at, service, action, result, duration_ms, detail FROM (SELECT * FROM audit_log ORDER BY id DESC LIMIT ?) ORDER BY id",
            [.integer(Int64(limit))]
        ).map { row in
            AuditEntry(at: row[0].string ?? "", service: row[1].string ?? "", action: row[2].string ?? "", result: row[3].string ?? "",
                       durationMs: row[4].double ?? 0, detail: row[5].string ?? "")
        }
    }
}
