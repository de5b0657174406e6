/// One figure of the running engine at one moment (`metric_samples`): a Prometheus
/// metric's name, its labels as `key=value` pairs joined by `,`, its value.
public struct MetricSample: Equatable, Sendable {
    /// UNIX seconds.
    public var takenAt: Double
    public var name: String
    public var labels: String
    public var value: Double

    public init(takenAt: Double, name: String, labels: String = "", value: Double) {
        self.takenAt = takenAt
        self.name = name
        self.labels = labels
        self.value = value
    }
}

extension ProjectStore {
    /// Keeps `samples` (one transaction) and forgets those older than `keepSeconds`.
    public func record(_ samples: [MetricSample], keepSeconds: Double) throws {
        try database.transaction { db in
            for s in samples {
                try db.execute("INSERT INTO metric_samples (taken_at, name, labels, value) VALUES (?, ?, ?, ?)",
                               [.real(s.takenAt), .text(s.name), .text(s.labels), .real(s.value)])
            }
            if let newest = samples.map(\.takenAt).max() {
                try db.execute("DELETE FROM metric_samples WHERE taken_at < ?", [.real(newest - keepSeconds)])
            }
        }
    }

    /// The samples taken at or after `since` (UNIX seconds), oldest first; of `name`
    /// only, if given.
    public func metricSamples(since: Double, name: String? = nil) throws -> [MetricSample] {
        var sql = "SELECT taken_at, name, labels, value FROM metric_samples WHERE taken_at >= ?"
        var args: [SQLValue] = [.real(since)]
        if let name {
            sql += " AND name = ?"
            args.append(.text(name))
        }
        return try database.query(sql + " ORDER BY taken_at, name, labels", args).map {
            MetricSample(takenAt: $0[0].double ?? 0, name: $0[1].string ?? "", labels: $0[2].string ?? "", value: $0[3].double ?? 0)
        }
    }
}
