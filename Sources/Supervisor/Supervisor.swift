import Foundation
import Logging
import OSC
import Store
#if canImport(Glibc)
import Glibc
#endif

/// `dawg supervise`: starts the configured services in order, watches them (process
/// alive, health checks behind circuit breakers), restarts them within the restart
/// policy, escalates when that fails, writes every action to the audit log, and keeps
/// its state on disk so a supervisor started after this one adopts the processes
/// instead of starting them twice. One loop thread does all of it; the control socket's
/// thread only queues requests.
public final class Supervisor: @unchecked Sendable {
    // @unchecked Sendable: the services and the audit log are only touched by the loop
    // thread (`run`); `requests`, `snapshot` and `stopping` are behind `lock`.
    public struct Options: Sendable {
        /// Overrides every health check's interval (tests, impatient users).
        public var checkInterval: Double?
        /// The folder relative paths in the configuration start from.
        public var baseDirectory: String
        /// What `dawg` in a service's argv runs: this binary.
        public var dawgBinary: String

        public init(checkInterval: Double? = nil, baseDirectory: String, dawgBinary: String) {
            self.checkInterval = checkInterval
            self.baseDirectory = baseDirectory
            self.dawgBinary = dawgBinary
        }
    }

    /// Asked of the supervisor from outside (its control socket, or signals).
    public enum Request: Sendable { case restart(String), recover(String), stop }

    let config: SupervisorConfig
    let options: Options
    let logger: Logger
    let stateDir: String
    private var services: [ServiceRun] = []
    private var audit: AuditLog!
    private let lock = NSLock()
    private var requests: [Request] = []
    private var snapshot = ""
    private var alerts: [(String, String)] = []
    private var killSwitchWasOn = false
    private var store: ProjectStore?
    private var nextSample = 0.0
    /// Seconds between samples of each service's figures in the store.
    static let sampleInterval = 10.0
    private let started = Date().timeIntervalSince1970

    final class ServiceRun {
        let spec: SupervisorConfig.Service
        let argv: [String]
        var process: ChildProcess?
        var startedAt: Double?
        var ready = false
        var failuresInARow = 0
        var restarts: [Double] = []
        var nextStart: Double? = 0
        var escalated = false
        var breaker: CircuitBreaker
        var nextCheck = 0.0
        var lastProblem: String?
        var everStarted = false
        /// The next start was asked for (restart, recover): not one of the policy's.
        var asked = false

        init(spec: SupervisorConfig.Service, argv: [String], breaker: CircuitBreaker) {
            self.spec = spec
            self.argv = argv
            self.breaker = breaker
        }
    }

    public init(config: SupervisorConfig, options: Options, logger: Logger) throws {
        self.config = config
        self.options = options
        self.logger = logger
        stateDir = Self.resolve(config.stateDir, in: options.baseDirectory)
        try FileManager.default.createDirectory(atPath: stateDir, withIntermediateDirectories: true)
        for spec in config.services {
            services.append(ServiceRun(spec: spec, argv: try resolveArgv(spec.argv), breaker: config.breaker.make()))
        }
        if let old = SupervisorState.read(statePath), old.supervisorPid != getpid(), kill(old.supervisorPid, 0) == 0,
           ChildProcess.commandLine(old.supervisorPid)?.contains("supervise") == true {
            throw SupervisorError("a supervisor already runs on \(stateDir) (pid \(old.supervisorPid))")
        }
    }

    /// `~/…` is the home folder; other relative paths start from `base`.
    static func resolve(_ path: String, in base: String) -> String {
        if path == "~" || path.hasPrefix("~/") { return NSHomeDirectory() + path.dropFirst() }
        return path.hasPrefix("/") ? path : (base as NSString).appendingPathComponent(path)
    }

    /// argv[0] as a path: `dawg` is this binary; other names are looked up on PATH.
    func resolveArgv(_ argv: [String]) throws -> [String] {
        var argv = argv
        if argv[0] == "dawg" {
            argv[0] = options.dawgBinary
        } else if !argv[0].hasPrefix("/") {
            let dirs = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
            guard let found = dirs.map({ "\($0)/\(argv[0])" }).first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
                throw SupervisorError("\(argv[0]) is not on PATH")
            }
            argv[0] = found
        }
        return argv
    }

    public var statePath: String { stateDir + "/state.json" }
    var killSwitchPath: String { Self.resolve(config.killSwitchFile, in: stateDir) }

    // MARK: - Outside

    /// Any thread.
    public func request(_ r: Request) { lock.withLock { requests.append(r) } }

    /// Any thread: the state as JSON, as of the latest pass.
    public var stateJSON: String { lock.withLock { snapshot } }

    /// Any thread: alerts raised since the last call (service, message).
    func takeAlerts() -> [(String, String)] {
        lock.withLock {
            defer { alerts = [] }
            return alerts
        }
    }

    // MARK: - The loop

    /// The loop thread: runs until a stop is requested; then stops every service, in
    /// reverse order. Throws when the store or the audit log cannot be opened.
    public func run() throws {
        let storePath = config.store.map { Self.resolve($0, in: options.baseDirectory) }
        store = try storePath.map { try ProjectStore(directory: (($0 as NSString).deletingLastPathComponent), name: "supervisor", path: $0) }
        audit = try AuditLog(path: stateDir + "/audit.log", store: store)
        try adopt()
        record("supervisor", "start", "ok", detail: "pid \(getpid())")
        while true {
            let pending: [Request] = lock.withLock {
                defer { requests = [] }
                return requests
            }
            if pending.contains(where: { if case .stop = $0 { true } else { false } }) { break }
            for r in pending { handle(r) }
            let now = Date().timeIntervalSince1970
            pass(now: now)
            persist()
            if now >= nextSample {
                nextSample = now + Self.sampleInterval
                sample(now: now)
            }
            usleep(50_000)
        }
        for s in services.reversed() { stopService(s, why: "supervisor stopping") }
        persist()
        record("supervisor", "stop", "ok")
    }

    /// One look at every service.
    func pass(now: Double) {
        let killSwitch = config.killSwitch || FileManager.default.fileExists(atPath: killSwitchPath)
        if killSwitch != killSwitchWasOn {
            killSwitchWasOn = killSwitch
            record("supervisor", killSwitch ? "kill-switch-on" : "kill-switch-off", "ok",
                   detail: killSwitch ? "every automatic action stopped" : "automatic actions resumed")
        }
        for s in services {
            if let p = s.process, !p.isRunning {
                s.process = nil
                failed(s, "\(p.howItEnded)", now: now, killSwitch: killSwitch)
            }
            if killSwitch {
                // Nothing automatic; a start asked for by hand still happens.
                if s.asked, s.process == nil { start(s, now: now) }
                continue
            }
            if s.process == nil, !s.escalated, let at = s.nextStart, at <= now, dependenciesReady(s) {
                start(s, now: now)
            }
            if let p = s.process, p.isRunning { check(s, now: now) }
            if let t = s.startedAt, s.process != nil, now - t >= config.restart.stableSeconds, s.breaker.state == .closed, s.failuresInARow > 0 {
                s.failuresInARow = 0
            }
        }
    }

    func dependenciesReady(_ s: ServiceRun) -> Bool {
        s.spec.after.allSatisfy { name in services.first { $0.spec.name == name }.map { $0.process != nil && $0.ready } ?? true }
    }

    func interval(_ spec: SupervisorConfig.Service) -> Double {
        options.checkInterval ?? spec.health.intervalSeconds
    }

    func start(_ s: ServiceRun, now: Double) {
        let began = Date()
        let log = Self.resolve(s.spec.log ?? "\(s.spec.name).log", in: stateDir)
        let cwd = s.spec.cwd.map { Self.resolve($0, in: options.baseDirectory) }
        let action = s.asked ? "start-asked" : s.everStarted ? "restart" : "start"
        let counted = s.everStarted && !s.asked
        s.asked = false
        do {
            if let cwd { try FileManager.default.createDirectory(atPath: cwd, withIntermediateDirectories: true) }
            let p = try ChildProcess.spawn(argv: s.argv, cwd: cwd, env: s.spec.env, log: log)
            s.process = p
            s.startedAt = now
            s.ready = false
            s.breaker.reset()
            s.nextStart = nil
            s.nextCheck = now + min(interval(s.spec), 1)
            if counted { s.restarts.append(now) }
            s.everStarted = true
            record(s.spec.name, action, "ok", since: began, detail: "pid \(p.pid)")
        } catch {
            s.everStarted = true
            record(s.spec.name, action, "failed", since: began, detail: "\(error)")
            failed(s, "\(error)", now: now, killSwitch: false)
        }
    }

    func check(_ s: ServiceRun, now: Double) {
        guard now >= s.nextCheck, s.breaker.allows(now: now) else { return }
        let began = Date()
        let problem = HealthProbe.check(s.spec.health)
        s.nextCheck = now + interval(s.spec)
        if problem == nil { s.ready = true }
        let opened = s.breaker.record(success: problem == nil, now: now)
        if let problem { s.lastProblem = problem }
        guard opened else { return }
        record(s.spec.name, "health", "breaker-open", since: began, detail: problem ?? "")
        if let p = s.process {
            p.stop()
            s.process = nil
            failed(s, "health check failed \(config.breaker.failures) times: \(problem ?? "")", now: now, killSwitch: false)
        }
    }

    func failed(_ s: ServiceRun, _ reason: String, now: Double, killSwitch: Bool) {
        s.lastProblem = reason
        s.ready = false
        if killSwitch {
            record(s.spec.name, "exit", "left", detail: "\(reason); the kill switch is on, no restart")
            s.nextStart = 0
            return
        }
        s.failuresInARow += 1
        switch config.restart.decide(now: now, failuresInARow: s.failuresInARow, restarts: s.restarts) {
        case .escalate:
            s.escalated = true
            s.nextStart = nil
            let message = "\(s.spec.name) failed \(s.failuresInARow) times in a row (last: \(reason)); no more restarts until `dawg supervise recover \(s.spec.name)`"
            record(s.spec.name, "escalate", "escalated", detail: message)
            logger.critical("\(message)")
            if let h = FileHandle(forWritingAtPath: escalationLog) ?? create(escalationLog) {
                h.seekToEndOfFile()
                h.write(Data("\(audit.stamp()) \(message)\n".utf8))
                try? h.close()
            }
            lock.withLock { alerts.append((s.spec.name, message)) }
        case .restart(let at):
            s.nextStart = at
            record(s.spec.name, "exit", "restart-scheduled", detail: "\(reason); restart in \(String(format: "%.1f", at - now)) s")
        }
    }

    var escalationLog: String { stateDir + "/escalations.log" }

    private func create(_ path: String) -> FileHandle? {
        FileManager.default.createFile(atPath: path, contents: nil)
        return FileHandle(forWritingAtPath: path)
    }

    func stopService(_ s: ServiceRun, why: String) {
        guard let p = s.process else { return }
        let began = Date()
        p.stop()
        s.process = nil
        record(s.spec.name, "stop", "ok", since: began, detail: why)
    }

    func handle(_ r: Request) {
        let now = Date().timeIntervalSince1970
        switch r {
        case .restart(let name):
            guard let s = services.first(where: { $0.spec.name == name }) else { return }
            stopService(s, why: "restart asked for")
            s.nextStart = now
            s.asked = true
        case .recover(let name):
            guard let s = services.first(where: { $0.spec.name == name }) else { return }
            s.escalated = false
            s.failuresInARow = 0
            s.restarts = []
            s.breaker.reset()
            s.nextStart = now
            s.asked = true
            record(name, "recover", "ok", detail: "escalation cleared; starting again")
        case .stop: break
        }
    }

    func record(_ service: String, _ action: String, _ result: String, since: Date? = nil, detail: String = "") {
        let ms = since.map { Date().timeIntervalSince($0) * 1000 } ?? 0
        audit.append(AuditEntry(at: audit.stamp(), service: service, action: action, result: result, durationMs: ms, detail: detail))
        logger.info("\(service): \(action) \(result)\(detail.isEmpty ? "" : ": " + detail)")
    }

    /// Each service's restarts, uptime, escalation and breaker into the store's `metric_samples`
    /// (read back by `dawg metrics --since`), kept a week.
    func sample(now: Double) {
        guard let store else { return }
        var samples: [MetricSample] = []
        for s in services {
            let label = "service=\(s.spec.name)"
            samples.append(MetricSample(takenAt: now, name: "dawg_service_restarts_total", labels: label, value: Double(s.restarts.count)))
            let up = s.process != nil ? now - (s.startedAt ?? now) : 0
            samples.append(MetricSample(takenAt: now, name: "dawg_service_uptime_seconds", labels: label, value: up))
            samples.append(MetricSample(takenAt: now, name: "dawg_service_escalated", labels: label, value: s.escalated ? 1 : 0))
            samples.append(MetricSample(takenAt: now, name: "dawg_service_breaker_open", labels: label, value: s.breaker.state == .closed ? 0 : 1))
        }
        do { try store.record(samples, keepSeconds: 7 * 86_400) } catch { logger.warning("cannot keep the services' figures: \(error)") }
    }

    // MARK: - State on disk

    func state() -> SupervisorState {
        SupervisorState(
            supervisorPid: getpid(), startedAt: started, killSwitch: killSwitchWasOn,
            services: services.map { s in
                let status: String
                if s.escalated { status = "escalated" } else if s.process != nil { status = s.ready ? "healthy" : "running" }
                else if s.nextStart != nil { status = "waiting" } else { status = "stopped" }
                return .init(name: s.spec.name, status: status, pid: s.process?.pid, argv: s.argv, startedAt: s.process != nil ? s.startedAt : nil,
                             restarts: s.restarts, failuresInARow: s.failuresInARow, escalated: s.escalated,
                             breaker: s.breaker.state.rawValue, nextStart: s.nextStart, lastProblem: s.lastProblem)
            })
    }

    /// The state to `state.json` when it changed (a pass that changed nothing writes
    /// nothing).
    func persist() {
        let st = state()
        let json = st.json
        let changed = lock.withLock {
            defer { snapshot = json }
            return snapshot != json
        }
        guard changed else { return }
        do { try st.write(statePath) } catch { logger.error("cannot write \(statePath): \(error)") }
    }

    /// Take over from an earlier supervisor (`init` made sure it no longer runs): its
    /// services that still run the same command are adopted, its counts kept.
    func adopt() throws {
        guard let old = SupervisorState.read(statePath) else { return }
        for s in services {
            guard let was = old.services.first(where: { $0.name == s.spec.name }) else { continue }
            s.restarts = was.restarts
            s.failuresInARow = was.failuresInARow
            s.escalated = was.escalated
            s.everStarted = was.startedAt != nil || !was.restarts.isEmpty
            if s.escalated { s.nextStart = nil }
            if let pid = was.pid, was.argv == s.argv, let p = ChildProcess.adopt(pid: pid, argv: s.argv) {
                s.process = p
                s.startedAt = was.startedAt
                s.ready = true
                s.nextStart = nil
                s.nextCheck = Date().timeIntervalSince1970
                record(s.spec.name, "adopt", "ok", detail: "pid \(pid), started by supervisor \(old.supervisorPid)")
            }
        }
    }
}
