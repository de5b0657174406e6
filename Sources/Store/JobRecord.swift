/// One slow piece of work and how it went (`jobs`): file loads, patch loads and saves,
/// take selections — and, as they come, analyses, generations and renders. Queued when
/// asked for, running, then done or failed with its result; a job an engine was killed
/// in is marked `interrupted` when the store is next opened by `dawg serve`.
public struct JobRecord: Equatable, Sendable {
    public enum State: String, Sendable { case queued, running, done, failed, interrupted }

    public var id: Int64
    /// What it does: `load`, `patch/load`, `patch/save`, `take`, …
    public var kind: String
    /// What it was asked with, as text (a path, a number).
    public var arguments: String
    public var state: State
    /// What came of it: warnings, or why it failed.
    public var result: String
    public var createdAt: String
    public var startedAt: String?
    public var finishedAt: String?
}

extension ProjectStore {
    /// A job asked for; returns its id.
    public func queueJob(kind: String, arguments: String) throws -> Int64 {
        try database.insert("INSERT INTO jobs (project_id, kind, arguments, state) VALUES (?, ?, ?, 'queued')",
                            [.integer(projectID), .text(kind), .text(arguments)])
    }

    public func startJob(_ id: Int64) throws {
        try database.execute("UPDATE jobs SET state = 'running', started_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?", [.integer(id)])
    }

    public func finishJob(_ id: Int64, failed: Bool, result: String) throws {
        try database.execute(
            "UPDATE jobs SET state = ?, result = ?, finished_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?",
            [.text(failed ? "failed" : "done"), .text(result), .integer(id)])
    }

    /// Jobs left queued or running by an engine that was killed: `interrupted`. Returns
    /// how many.
    @discardableResult
    public func interruptUnfinishedJobs() throws -> Int {
        let open = try database.query("SELECT COUNT(*) FROM jobs WHERE project_id = ? AND state IN ('queued', 'running')",
                                      [.integer(projectID)]).first?.first?.int ?? 0
        try database.execute(
            "UPDATE jobs SET state = 'interrupted', finished_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE project_id = ? AND state IN ('queued', 'running')",
            [.integer(projectID)])
        return Int(open)
    }

    /// The newest `limit` jobs, oldest first.
    public func jobs(limit: Int = 100) throws -> [JobRecord] {
        try database.query("""
            SELECT id, kind, arguments, state, result, created_at, started_at, finished_at FROM
            (SELECT * FROM jobs WHERE project_id = ? ORDER BY id DESC LIMIT ?) ORDER BY id
            """, [.integer(projectID), .integer(Int64(limit))]
        ).map { r in
            JobRecord(id: r[0].int ?? 0, kind: r[1].string ?? "", arguments: r[2].string ?? "", state: JobRecord.State(rawValue: r[3].string ?? "") ?? .failed,
                      result: r[4].string ?? "", createdAt: r[5].string ?? "", startedAt: r[6].string, finishedAt: r[7].string)
        }
    }
}
