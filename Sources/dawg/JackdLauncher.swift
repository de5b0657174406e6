import Foundation
import JACKHost
import Logging

/// Starts a `jackd` with the dummy backend when no server is running, so dawg works
/// on a machine with no sound card, and stops it again on exit.
final class JackdLauncher: @unchecked Sendable {
    // @unchecked Sendable: `process` and `arguments` are touched only under `lock`.
    private var process: Process?
    private var arguments: [String]?
    private let lock = NSLock()
    let logger: Logger

    init(logger: Logger) { self.logger = logger }

    /// Start `jackd -d dummy` under `serverName` (nil: the default server).
    func start(serverName: String?, sampleRate: Int, period: Int) throws {
        var args: [String] = []
        if let serverName { args += ["-n", serverName] }
        // No realtime scheduling: the dummy backend is a timer, and containers and
        // desktop sessions without rtprio would refuse it.
        args += ["-r", "-d", "dummy", "-r", String(sampleRate), "-p", String(period)]
        try run(args)
    }

    private func run(_ args: [String]) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: try Self.find("jackd"))
        p.arguments = args
        let log = FileHandle(forWritingAtPath: "/dev/null")
        p.standardOutput = log
        p.standardError = log
        try p.run()
        lock.withLock {
            process = p
            arguments = args
        }
        logger.info("started jackd \(args.joined(separator: " ")) (pid \(p.processIdentifier))")
    }

    var isRunning: Bool { lock.withLock { process?.isRunning ?? false } }

    /// The jackd dawg started has died: start it again (dawg's own server is dawg's
    /// to keep). False when dawg started none, or it still runs.
    func restartIfDied() -> Bool {
        guard let args = lock.withLock({ process.map { $0.isRunning ? nil : arguments } ?? nil }) else { return false }
        do {
            try run(args)
            return true
        } catch {
            logger.error("cannot start jackd again: \(error)")
            return false
        }
    }

    func stop() {
        guard let p = lock.withLock({ process }), p.isRunning else { return }
        p.terminate()
        p.waitUntilExit()
        logger.info("stopped the jackd dawg started")
    }

    static func find(_ tool: String) throws -> String {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let path = "\(dir)/\(tool)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        throw StartupError("\(tool) is not installed (Debian: apt-get install jackd2)")
    }
}
