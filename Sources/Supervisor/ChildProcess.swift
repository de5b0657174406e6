import CShim
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A service's process: spawned by this supervisor (a child, reaped with waitpid) or
/// adopted from a supervisor before it (checked with kill 0 and its command line, so a
/// recycled pid is never taken for it). Each runs in a session of its own, so a signal
/// meant for the supervisor's terminal never reaches it and it outlives a killed
/// supervisor, to be adopted by the next.
final class ChildProcess: @unchecked Sendable {
    // @unchecked Sendable: only the supervisor's loop thread touches it.
    let pid: pid_t
    let adopted: Bool
    private(set) var exitStatus: Int32?

    private init(pid: pid_t, adopted: Bool) {
        self.pid = pid
        self.adopted = adopted
    }

    /// Start `argv` (argv[0] a path) in `cwd` with `env`, stdout and stderr appended to
    /// `log`.
    static func spawn(argv: [String], cwd: String?, env: [String: String], log: String) throws -> ChildProcess {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // None of the supervisor's sockets, logs or databases: a child holding the
        // control port would keep the next supervisor from binding it.
        dawg_spawn_closefrom(&actions, 3)
        if let cwd { dawg_spawn_addchdir(&actions, cwd) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // A session of its own, default signal handling.
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigdefault(&attributes, &all)
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setflags(&attributes, Int16(dawg_spawn_setsid_flag() | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        let environment = ProcessInfo.processInfo.environment.merging(env) { $1 }.map { "\($0.key)=\($0.value)" }
        var pid: pid_t = 0
        let cArgs = argv.map { strdup($0) } + [nil]
        let cEnv = environment.map { strdup($0) } + [nil]
        defer {
            cArgs.forEach { free($0) }
            cEnv.forEach { free($0) }
        }
        let rc = posix_spawn(&pid, argv[0], &actions, &attributes, cArgs, cEnv)
        guard rc == 0 else { throw SupervisorError("cannot start \(argv[0]): \(String(cString: strerror(rc)))") }
        return ChildProcess(pid: pid, adopted: false)
    }

    /// A process a previous supervisor started, if `pid` still runs `argv`.
    static func adopt(pid: pid_t, argv: [String]) -> ChildProcess? {
        guard pid > 0, kill(pid, 0) == 0, commandLine(pid) == argv else { return nil }
        return ChildProcess(pid: pid, adopted: true)
    }

    static func commandLine(_ pid: pid_t) -> [String]? {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline"), !data.isEmpty else { return nil }
        return data.split(separator: 0, omittingEmptySubsequences: false).dropLast().map { String(decoding: $0, as: UTF8.self) }
    }

    /// Whether it still runs; reaps it (and keeps its status) once it has ended.
    var isRunning: Bool {
        if exitStatus != nil { return false }
        if adopted {
            // Not our child: gone when kill 0 fails or it is a zombie its parent keeps.
            guard kill(pid, 0) == 0, let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")"), stat[stat.index(after: close)...].dropFirst().first != "Z" else {
                exitStatus = -1
                return false
            }
            return true
        }
        var status: Int32 = 0
        let r = waitpid(pid, &status, WNOHANG)
        if r == pid || r < 0 {
            exitStatus = r == pid ? status : -1
            return false
        }
        return true
    }

    /// How it ended, in words.
    var howItEnded: String {
        guard let s = exitStatus else { return "running" }
        if s == -1 { return "gone" }
        if s & 0x7f == 0 { return "exited with status \((s >> 8) & 0xff)" }
        return "killed by signal \(s & 0x7f)"
    }

    /// SIGTERM, then SIGKILL if it has not ended within `grace` seconds.
    func stop(grace: Double = 5) {
        guard isRunning else { return }
        kill(pid, SIGTERM)
        let deadline = Date().addingTimeInterval(grace)
        while Date() < deadline {
            if !isRunning { return }
            usleep(20_000)
        }
        kill(pid, SIGKILL)
        while isRunning && Date() < deadline.addingTimeInterval(2) { usleep(10_000) }
    }
}
