import Foundation

/// The project store: one SQLite file per project directory (`dawg.sqlite`) holding
/// the project, its tracks and their takes. Later parts (analysis results, jobs,
/// metrics, the audit log) add tables through new migrations.
///
/// Every method may be called from any control thread; none is for the process thread.
public final class ProjectStore: Sendable {
    public let database: Database
    public let projectID: Int64

    public static let fileName = "dawg.sqlite"

    /// The schema, one step per release that changed it (docs/store.md).
    public static let migrations: [Migration] = [
        Migration("projects, tracks and takes", """
            CREATE TABLE projects (
                id INTEGER PRIMARY KEY,
                name TEXT NOT NULL,
                directory TEXT NOT NULL UNIQUE,
                created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
            );
            CREATE TABLE tracks (
                project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
                track INTEGER NOT NULL,
                name TEXT NOT NULL,
                PRIMARY KEY (project_id, track)
            );
            CREATE TABLE takes (
                id INTEGER PRIMARY KEY,
                project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
                source TEXT NOT NULL CHECK (source IN ('track', 'bus', 'master')),
                track INTEGER NOT NULL,
                number INTEGER NOT NULL CHECK (number >= 1),
                file TEXT NOT NULL,
                timeline_frame INTEGER NOT NULL,
                length_frames INTEGER NOT NULL DEFAULT 0,
                sample_rate INTEGER NOT NULL,
                format TEXT NOT NULL,
                channels INTEGER NOT NULL,
                created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
                checksum TEXT,
                state TEXT NOT NULL CHECK (state IN ('recording', 'complete', 'recovered')),
                overrun_frames INTEGER NOT NULL DEFAULT 0,
                UNIQUE (project_id, source, track, number)
            );
            CREATE INDEX takes_by_state ON takes (project_id, state);
            """),
        Migration("coach results of takes", """
            CREATE TABLE coach_results (
                id INTEGER PRIMARY KEY,
                take_id INTEGER NOT NULL REFERENCES takes(id) ON DELETE CASCADE,
                target TEXT NOT NULL,
                mode TEXT NOT NULL CHECK (mode IN ('reference', 'scale')),
                folded INTEGER NOT NULL,
                score REAL NOT NULL,
                pitch REAL NOT NULL,
                rhythm REAL,
                consistency REAL,
                vibrato REAL,
                report TEXT NOT NULL,
                source TEXT NOT NULL CHECK (source IN ('offline', 'live')),
                created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
            );
            CREATE INDEX coach_results_by_take ON coach_results (take_id);
            """),
        Migration("metrics samples", """
            CREATE TABLE metric_samples (
                id INTEGER PRIMARY KEY,
                taken_at REAL NOT NULL,
                name TEXT NOT NULL,
                labels TEXT NOT NULL DEFAULT '',
                value REAL NOT NULL
            );
            CREATE INDEX metric_samples_by_time ON metric_samples (taken_at, name);
            """),
        Migration("patch versions", """
            CREATE TABLE patch_versions (
                id INTEGER PRIMARY KEY,
                project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
                path TEXT NOT NULL,
                content TEXT NOT NULL,
                saved_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
            );
            CREATE INDEX patch_versions_by_project ON patch_versions (project_id, id);
            """),
        Migration("supervisor audit log", """
            CREATE TABLE audit_log (
                id INTEGER PRIMARY KEY,
                at TEXT NOT NULL,
                service TEXT NOT NULL,
                action TEXT NOT NULL,
                result TEXT NOT NULL,
                duration_ms REAL NOT NULL,
                detail TEXT NOT NULL DEFAULT ''
            );
            CREATE INDEX audit_log_by_time ON audit_log (at);
            """),
        Migration("jobs", """
            CREATE TABLE jobs (
                id INTEGER PRIMARY KEY,
                project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
                kind TEXT NOT NULL,
                arguments TEXT NOT NULL DEFAULT '',
                state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed', 'interrupted')),
                result TEXT NOT NULL DEFAULT '',
                created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
                started_at TEXT,
                finished_at TEXT
            );
            CREATE INDEX jobs_by_project ON jobs (project_id, id);
            """),
        Migration("analyses by checksum", """
            CREATE TABLE analyses (
                checksum TEXT NOT NULL,
                version INTEGER NOT NULL,
                result TEXT NOT NULL,
                analysed_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
                PRIMARY KEY (checksum, version)
            );
            """),
        Migration("xrun gaps in takes", """
            ALTER TABLE takes ADD COLUMN xrun_frames INTEGER NOT NULL DEFAULT 0;
            """),
    ]

    /// Opens the store of the project in `directory` (creating it), at `path` if given.
    public init(directory: String, name: String, path: String? = nil) throws {
        database = try Database(path: path ?? directory + "/" + Self.fileName, migrations: Self.migrations)
        projectID = try database.transaction { db in
            if let id = try db.query("SELECT id FROM projects WHERE directory = ?", [.text(directory)]).first?.first?.int {
                return id
            }
            return try db.insert("INSERT INTO projects (name, directory) VALUES (?, ?)", [.text(name), .text(directory)])
        }
    }

    /// Records a track's name (kept up to date on every take).
    public func saveTrack(_ track: Int, name: String) throws {
        try database.execute(
            "INSERT INTO tracks (project_id, track, name) VALUES (?, ?, ?) ON CONFLICT (project_id, track) DO UPDATE SET name = excluded.name",
            [.integer(projectID), SQLValue(track), .text(name)])
    }

    /// The number the next take of `source` gets: one more than any before it.
    public func nextTakeNumber(_ source: TakeSource) throws -> Int {
        let (kind, strip) = source.column
        let max = try database.query(
            "SELECT MAX(number) FROM takes WHERE project_id = ? AND source = ? AND track = ?",
            [.integer(projectID), .text(kind), SQLValue(strip)]).first?.first?.int ?? 0
        return Int(max) + 1
    }

    /// Inserts a take as `recording`; returns it with its id.
    public func begin(_ take: TakeRecord) throws -> TakeRecord {
        let (kind, strip) = take.source.column
        let id = try database.insert("""
            INSERT INTO takes (project_id, source, track, number, file, timeline_frame, sample_rate, format, channels, state)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'recording')
            """, [.integer(projectID), .text(kind), SQLValue(strip), SQLValue(take.number), .text(take.file),
                  .integer(take.timelineFrame), SQLValue(take.sampleRate), .text(take.format), SQLValue(take.channels)])
        return try self.take(id: id)!
    }

    /// Closes a take: its length, checksum, gaps (disk overruns, missed cycles) and final state.
    public func finish(id: Int64, lengthFrames: Int64, checksum: String?, overrunFrames: Int64, xrunFrames: Int64 = 0,
                       state: TakeRecord.State) throws {
        try database.execute(
            "UPDATE takes SET length_frames = ?, checksum = ?, overrun_frames = ?, xrun_frames = ?, state = ? WHERE id = ?",
            [.integer(lengthFrames), SQLValue(checksum), .integer(overrunFrames), .integer(xrunFrames), .text(state.rawValue),
             .integer(id)])
    }

    /// Every take of `source` (every take, when nil), in number order.
    public func takes(_ source: TakeSource? = nil) throws -> [TakeRecord] {
        var sql = "SELECT \(Self.columns) FROM takes WHERE project_id = ?"
        var args: [SQLValue] = [.integer(projectID)]
        if let source {
            let (kind, strip) = source.column
            sql += " AND source = ? AND track = ?"
            args += [.text(kind), SQLValue(strip)]
        }
        return try database.query(sql + " ORDER BY source, track, number", args).compactMap(Self.record)
    }

    public func take(id: Int64) throws -> TakeRecord? {
        try database.query("SELECT \(Self.columns) FROM takes WHERE id = ?", [.integer(id)]).first.flatMap(Self.record)
    }

    /// Takes left `recording` (the engine stopped without closing them).
    public func unfinishedTakes() throws -> [TakeRecord] {
        try database.query("SELECT \(Self.columns) FROM takes WHERE project_id = ? AND state = 'recording' ORDER BY id",
                           [.integer(projectID)]).compactMap(Self.record)
    }

    private static let columns =
        "id, source, track, number, file, timeline_frame, length_frames, sample_rate, format, channels, created_at, checksum, state, overrun_frames, xrun_frames"

    private static func record(_ row: [SQLValue]) -> TakeRecord? {
        guard row.count == 15, let kind = row[1].string, let strip = row[2].int,
              let source = TakeSource(column: kind, strip: Int(strip)) else { return nil }
        var t = TakeRecord(
            source: source, number: Int(row[3].int ?? 0), file: row[4].string ?? "", timelineFrame: row[5].int ?? 0,
            sampleRate: Int(row[7].int ?? 0), format: row[8].string ?? "", channels: Int(row[9].int ?? 0))
        t.id = row[0].int ?? 0
        t.lengthFrames = row[6].int ?? 0
        t.createdAt = row[10].string ?? ""
        t.checksum = row[11].string
        t.state = TakeRecord.State(rawValue: row[12].string ?? "") ?? .recording
        t.overrunFrames = row[13].int ?? 0
        t.xrunFrames = row[14].int ?? 0
        return t
    }
}
