/// When a failed service is started again, and when the supervisor stops trying.
///
/// A service that fails is restarted after a backoff that doubles with each failure in
/// a row (1 s, 2 s, 4 s … up to `backoffMaxSeconds`). At most `maxRestarts` restarts
/// fall in any `windowSeconds`; past that the next one waits `cooldownSeconds`. After
/// `escalateAfter` failures in a row the supervisor gives up and escalates. A service
/// that stays healthy for `stableSeconds` has its run of failures forgotten.
public struct RestartPolicy: Codable, Equatable, Sendable {
    public var maxRestarts = 3
    public var windowSeconds = 300.0
    public var cooldownSeconds = 60.0
    public var backoffSeconds = 1.0
    public var backoffMaxSeconds = 30.0
    public var escalateAfter = 5
    public var stableSeconds = 60.0

    public init() {}

    enum CodingKeys: String, CodingKey {
        case maxRestarts = "max_restarts", windowSeconds = "window_s", cooldownSeconds = "cooldown_s", backoffSeconds = "backoff_s"
        case backoffMaxSeconds = "backoff_max_s", escalateAfter = "escalate_after", stableSeconds = "stable_s"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = RestartPolicy()
        maxRestarts = try c.decodeIfPresent(Int.self, forKey: .maxRestarts) ?? d.maxRestarts
        windowSeconds = try c.decodeIfPresent(Double.self, forKey: .windowSeconds) ?? d.windowSeconds
        cooldownSeconds = try c.decodeIfPresent(Double.self, forKey: .cooldownSeconds) ?? d.cooldownSeconds
        backoffSeconds = try c.decodeIfPresent(Double.self, forKey: .backoffSeconds) ?? d.backoffSeconds
        backoffMaxSeconds = try c.decodeIfPresent(Double.self, forKey: .backoffMaxSeconds) ?? d.backoffMaxSeconds
        escalateAfter = try c.decodeIfPresent(Int.self, forKey: .escalateAfter) ?? d.escalateAfter
        stableSeconds = try c.decodeIfPresent(Double.self, forKey: .stableSeconds) ?? d.stableSeconds
    }

    /// What a policy is checked for before a supervisor runs on it.
    public func validate() throws {
        guard maxRestarts >= 0, escalateAfter >= 1 else { throw SupervisorError("max_restarts must be 0 or more and escalate_after 1 or more") }
        for (name, v) in [("window_s", windowSeconds), ("cooldown_s", cooldownSeconds), ("backoff_s", backoffSeconds),
                          ("backoff_max_s", backoffMaxSeconds), ("stable_s", stableSeconds)] {
            guard v.isFinite, v >= 0, v <= 86_400 else { throw SupervisorError("\(name) must be 0 … 86400 seconds") }
        }
    }

    /// What to do about a service that has just failed.
    public enum Decision: Equatable, Sendable {
        /// Start it again at this time (seconds on the supervisor's clock).
        case restart(at: Double)
        /// Stop trying: too many failures in a row.
        case escalate
    }

    /// `failuresInARow` counts this failure; `restarts` are the times of earlier restarts.
    public func decide(now: Double, failuresInARow: Int, restarts: [Double]) -> Decision {
        if failuresInARow >= escalateAfter { return .escalate }
        let recent = restarts.filter { now - $0 < windowSeconds }
        if recent.count >= maxRestarts { return .restart(at: now + cooldownSeconds) }
        let doubling = backoffSeconds * Double(1 << min(max(failuresInARow - 1, 0), 20))
        return .restart(at: now + min(doubling, backoffMaxSeconds))
    }
}

public struct SupervisorError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
