/// A health check's circuit breaker. Closed: checks run and count. After
/// `failureThreshold` failures in a row it opens: the service counts as failed, and no
/// check runs for `openSeconds`. Then half-open: checks run again, and
/// `successThreshold` successes in a row close it, while one failure opens it again.
public struct CircuitBreaker: Codable, Equatable, Sendable {
    public enum State: String, Codable, Sendable { case closed, open, halfOpen = "half-open" }

    public var failureThreshold = 3
    public var successThreshold = 2
    public var openSeconds = 30.0
    public private(set) var state = State.closed
    public private(set) var failures = 0
    public private(set) var successes = 0
    public private(set) var openedAt: Double?

    public init(failureThreshold: Int = 3, successThreshold: Int = 2, openSeconds: Double = 30) {
        self.failureThreshold = max(1, failureThreshold)
        self.successThreshold = max(1, successThreshold)
        self.openSeconds = openSeconds
    }

    /// Whether a check should run now (an open breaker turns half-open once its time is up).
    public mutating func allows(now: Double) -> Bool {
        if state == .open, let t = openedAt, now - t >= openSeconds {
            state = .halfOpen
            successes = 0
        }
        return state != .open
    }

    /// Record a check's result. True when this result opened the breaker.
    @discardableResult
    public mutating func record(success: Bool, now: Double) -> Bool {
        if success {
            failures = 0
            successes += 1
            if state == .halfOpen && successes >= successThreshold { state = .closed }
            return false
        }
        successes = 0
        failures += 1
        if state == .halfOpen || (state == .closed && failures >= failureThreshold) {
            state = .open
            openedAt = now
            return true
        }
        return false
    }

    /// A fresh start (a service restarted by hand).
    public mutating func reset() {
        state = .closed
        failures = 0
        successes = 0
        openedAt = nil
    }
}
