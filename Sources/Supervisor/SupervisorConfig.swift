import Foundation

/// `dawg supervise`'s configuration (`presets/supervise/default.json`, or `--config`):
/// the services to run and keep running, how each one's health is checked, the
/// restart policy, and what may run at all.
public struct SupervisorConfig: Codable, Equatable, Sendable {
    /// Programs a service may run: names looked up on `PATH`, or absolute paths. A
    /// service whose `argv[0]` is not here is refused before anything starts.
    public var allow: [String]
    public var services: [Service]
    public var restart = RestartPolicy()
    public var breaker = Breaker()
    /// Every automatic action off, from the start (the file below does it at run time).
    public var killSwitch = false
    /// While this file exists (relative to `state_dir`), the supervisor takes no
    /// automatic action: no restart, no health check, no escalation.
    public var killSwitchFile = "kill-switch"
    /// Where the supervisor keeps its state, audit log and escalation log; relative to
    /// the configuration file's folder.
    public var stateDir = "supervise"
    /// The project store the audit log is also written to (optional, relative to the
    /// configuration file's folder).
    public var store: String?
    /// UDP port of the supervisor's OSC control (`status`, `restart`, `/alert`s).
    public var oscPort = 9010
    /// TCP port of its HTTP `/metrics` and `/health` (0: none).
    public var httpPort = 9011

    public struct Service: Codable, Equatable, Sendable {
        public var name: String
        /// The command, never a shell string. `dawg` means this dawg binary.
        public var argv: [String]
        public var cwd: String?
        public var env: [String: String] = [:]
        /// Where its stdout and stderr go (relative to `state_dir`); default `<name>.log`.
        public var log: String?
        public var health = Health()
        /// Services started (and found healthy) before this one.
        public var after: [String] = []

        enum CodingKeys: String, CodingKey { case name, argv, cwd, env, log, health, after }

        public init(name: String, argv: [String]) {
            self.name = name
            self.argv = argv
        }

        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            name = try c.decode(String.self, forKey: .name)
            argv = try c.decode([String].self, forKey: .argv)
            cwd = try c.decodeIfPresent(String.self, forKey: .cwd)
            env = try c.decodeIfPresent([String: String].self, forKey: .env) ?? [:]
            log = try c.decodeIfPresent(String.self, forKey: .log)
            health = try c.decodeIfPresent(Health.self, forKey: .health) ?? Health()
            after = try c.decodeIfPresent([String].self, forKey: .after) ?? []
        }
    }

    /// Process alive, plus (optionally) an OSC `/ping` → `/pong` or an HTTP `GET` that
    /// must answer 200.
    public struct Health: Codable, Equatable, Sendable {
        public enum Kind: String, Codable, Sendable { case process, osc, http }
        public var kind = Kind.process
        public var host = "127.0.0.1"
        public var port: Int?
        public var path = "/health"
        public var intervalSeconds = 30.0
        public var timeoutSeconds = 2.0

        enum CodingKeys: String, CodingKey { case kind, host, port, path, intervalSeconds = "interval_s", timeoutSeconds = "timeout_s" }

        public init() {}

        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            let d = Health()
            kind = try c.decodeIfPresent(Kind.self, forKey: .kind) ?? d.kind
            host = try c.decodeIfPresent(String.self, forKey: .host) ?? d.host
            port = try c.decodeIfPresent(Int.self, forKey: .port)
            path = try c.decodeIfPresent(String.self, forKey: .path) ?? d.path
            intervalSeconds = try c.decodeIfPresent(Double.self, forKey: .intervalSeconds) ?? d.intervalSeconds
            timeoutSeconds = try c.decodeIfPresent(Double.self, forKey: .timeoutSeconds) ?? d.timeoutSeconds
        }
    }

    /// The circuit breaker every health check gets.
    public struct Breaker: Codable, Equatable, Sendable {
        public var failures = 3
        public var successes = 2
        public var openSeconds = 30.0
        enum CodingKeys: String, CodingKey { case failures, successes, openSeconds = "open_s" }
        public init() {}
        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            failures = try c.decodeIfPresent(Int.self, forKey: .failures) ?? 3
            successes = try c.decodeIfPresent(Int.self, forKey: .successes) ?? 2
            openSeconds = try c.decodeIfPresent(Double.self, forKey: .openSeconds) ?? 30
        }
        public func make() -> CircuitBreaker { CircuitBreaker(failureThreshold: failures, successThreshold: successes, openSeconds: openSeconds) }
    }

    enum CodingKeys: String, CodingKey {
        case allow, services, restart, breaker, killSwitch = "kill_switch", killSwitchFile = "kill_switch_file"
        case stateDir = "state_dir", store, oscPort = "osc_port", httpPort = "http_port"
    }

    public init(allow: [String], services: [Service]) {
        self.allow = allow
        self.services = services
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        allow = try c.decode([String].self, forKey: .allow)
        services = try c.decode([Service].self, forKey: .services)
        restart = try c.decodeIfPresent(RestartPolicy.self, forKey: .restart) ?? RestartPolicy()
        breaker = try c.decodeIfPresent(Breaker.self, forKey: .breaker) ?? Breaker()
        killSwitch = try c.decodeIfPresent(Bool.self, forKey: .killSwitch) ?? false
        killSwitchFile = try c.decodeIfPresent(String.self, forKey: .killSwitchFile) ?? "kill-switch"
        stateDir = try c.decodeIfPresent(String.self, forKey: .stateDir) ?? "supervise"
        store = try c.decodeIfPresent(String.self, forKey: .store)
        oscPort = try c.decodeIfPresent(Int.self, forKey: .oscPort) ?? 9010
        httpPort = try c.decodeIfPresent(Int.self, forKey: .httpPort) ?? 9011
    }

    /// Read and check the configuration at `path`.
    public static func load(_ path: String) throws -> SupervisorConfig {
        guard let data = FileManager.default.contents(atPath: path) else { throw SupervisorError("cannot read \(path)") }
        let config: SupervisorConfig
        do { config = try JSONDecoder().decode(SupervisorConfig.self, from: data) } catch {
            throw SupervisorError("\(path): \(Self.describe(error))")
        }
        try config.validate()
        return config
    }

    /// Every check a configuration must pass before anything runs.
    public func validate() throws {
        try restart.validate()
        guard (1...65535).contains(oscPort) else { throw SupervisorError("osc_port must be 1 … 65535") }
        guard (0...65535).contains(httpPort), httpPort != oscPort else { throw SupervisorError("http_port must be 0 (none) … 65535, and not osc_port") }
        guard !services.isEmpty else { throw SupervisorError("no services") }
        var names = Set<String>()
        for s in services {
            guard !s.name.isEmpty, s.name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
                throw SupervisorError("service name \"\(s.name)\": letters, digits, - and _ only")
            }
            guard names.insert(s.name).inserted else { throw SupervisorError("two services are called \(s.name)") }
            guard let program = s.argv.first, !program.isEmpty else { throw SupervisorError("\(s.name): argv is empty") }
            guard allow.contains(program) else {
                throw SupervisorError("\(s.name): \(program) is not on the allow-list")
            }
            let h = s.health
            guard h.intervalSeconds.isFinite, h.intervalSeconds > 0, h.timeoutSeconds.isFinite, h.timeoutSeconds > 0 else {
                throw SupervisorError("\(s.name): health interval_s and timeout_s must be over 0")
            }
            if h.kind != .process {
                guard let port = h.port, (1...65535).contains(port) else { throw SupervisorError("\(s.name): an \(h.kind.rawValue) health check needs a port") }
            }
            for a in s.after where !services.contains(where: { $0.name == a }) || a == s.name {
                throw SupervisorError("\(s.name): after \"\(a)\": no such other service")
            }
        }
    }

    static func describe(_ error: Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, let ctx): return "missing \(path(ctx.codingPath + [key]))"
        case DecodingError.typeMismatch(_, let ctx), DecodingError.valueNotFound(_, let ctx): return "\(path(ctx.codingPath)): \(ctx.debugDescription)"
        case DecodingError.dataCorrupted(let ctx): return "not JSON (\(ctx.debugDescription))"
        default: return "\(error)"
        }
    }

    static func path(_ keys: [CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? "." + $0.stringValue }.joined().trimmingCharacters(in: CharacterSet(charactersIn: "."))
    }
}
