import Foundation

/// What the supervisor knows, as it writes it to `state.json` after every change: a
/// supervisor started later reads it to adopt the processes still running, and
/// `dawg supervise status` reads it to report.
public struct SupervisorState: Codable, Equatable, Sendable {
    public var supervisorPid: Int32
    public var startedAt: Double
    public var killSwitch: Bool
    public var services: [ServiceState]

    public struct ServiceState: Codable, Equatable, Sendable {
        public var name: String
        /// starting, running, healthy, waiting, escalated, stopped.
        public var status: String
        public var pid: Int32?
        public var argv: [String]
        /// UNIX seconds.
        public var startedAt: Double?
        public var restarts: [Double]
        public var failuresInARow: Int
        public var escalated: Bool
        public var breaker: String
        public var nextStart: Double?
        public var lastProblem: String?

        enum CodingKeys: String, CodingKey {
            case name, status, pid, argv, startedAt = "started_at", restarts, failuresInARow = "failures_in_a_row", escalated
            case breaker, nextStart = "next_start", lastProblem = "last_problem"
        }
    }

    enum CodingKeys: String, CodingKey {
        case supervisorPid = "supervisor_pid", startedAt = "started_at", killSwitch = "kill_switch", services
    }

    public static func read(_ path: String) -> SupervisorState? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return try? JSONDecoder().decode(SupervisorState.self, from: data)
    }

    /// Written whole or not at all (a temporary file renamed over the old one).
    func write(_ path: String) throws {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .prettyPrinted]
        try e.encode(self).write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    public var json: String {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return (try? e.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}
