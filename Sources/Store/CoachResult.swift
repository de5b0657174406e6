/// One scoring of a take by the coach (`dawg coach`, or live while it was recorded):
/// the headline figures as columns, the whole report as JSON.
public struct CoachResult: Equatable, Sendable {
    public var id: Int64 = 0
    public var takeID: Int64
    /// The reference file or the key and scale.
    public var target: String
    /// `reference` or `scale`.
    public var mode: String
    public var folded: Bool
    public var score: Double
    public var pitch: Double
    public var rhythm: Double?
    public var consistency: Double?
    public var vibrato: Double?
    /// The report as `dawg coach --json` prints it.
    public var report: String
    /// `offline` or `live`.
    public var source: String
    public var createdAt = ""

    public init(takeID: Int64, target: String, mode: String, folded: Bool, score: Double, pitch: Double,
                rhythm: Double?, consistency: Double?, vibrato: Double?, report: String, source: String) {
        self.takeID = takeID
        self.target = target
        self.mode = mode
        self.folded = folded
        self.score = score
        self.pitch = pitch
        self.rhythm = rhythm
        self.consistency = consistency
        self.vibrato = vibrato
        self.report = report
        self.source = source
    }
}

extension ProjectStore {
    /// Keeps a coaching result with its take; returns its id.
    @discardableResult
    public func save(_ r: CoachResult) throws -> Int64 {
        try database.insert("""
            INSERT INTO coach_results (take_id, target, mode, folded, score, pitch, rhythm, consistency, vibrato, report, source)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [.integer(r.takeID), .text(r.target), .text(r.mode), .integer(r.folded ? 1 : 0), .real(r.score), .real(r.pitch),
                  r.rhythm.map(SQLValue.real) ?? .null, r.consistency.map(SQLValue.real) ?? .null,
                  r.vibrato.map(SQLValue.real) ?? .null, .text(r.report), .text(r.source)])
    }

    /// A take's coaching results, oldest first.
    public func coachResults(take: Int64) throws -> [CoachResult] {
        try database.query("""
            SELECT id, take_id, target, mode, folded, score, pitch, rhythm, consistency, vibrato, report, source, created_at
            FROM coach_results WHERE take_id = ? ORDER BY id
            """, [.integer(take)]).map { row in
            var r = CoachResult(takeID: row[1].int ?? 0, target: row[2].string ?? "", mode: row[3].string ?? "",
                                folded: row[4].int == 1, score: row[5].double ?? 0, pitch: row[6].double ?? 0,
                                rhythm: row[7].double, consistency: row[8].double, vibrato: row[9].double,
                                report: row[10].string ?? "", source: row[11].string ?? "")
            r.id = row[0].int ?? 0
            r.createdAt = row[12].string ?? ""
            return r
        }
    }

    /// The take whose file is `file` (relative to the project directory).
    public func take(file: String) throws -> TakeRecord? {
        try takes().first { $0.file == file }
    }
}
