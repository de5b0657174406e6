import Foundation
import JACKHost
import Logging

/// Starts a `jackd` with the dummy backend when no server is running, so dawg works
/// on a machine with no sound card, and stops it again on exit.
final class JackdLauncher: @unchecked Sendable {
    // @unchecked Sendable: `process` is set once in `start` and read in `stop`.
    private var process: Process?
    let logger: Logger

    init(logger: Logger) { self.logger = logger }

    /// Start `jackd -d dummy` under `serverName` (nil: the default server).
    func start(serverName: String?, sampleRate: Int, period: Int) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: try Self.find("jackd"))
        var args: [String] = []
        if let serverName { args += ["-n", serverName] }
        // No realtime scheduling: the dummy backend is a timer, and containers and
        // desktop sessions without rtprio would refuse it.
        args += ["-r", "-d", "dummy", "-r", String(sampleRate), "-p", String(period)]
        p.arguments = args
        let log = FileHandle(forWritingAtPath: "/dev/null")
        p.standardOutput = log
        p.standardError = log
        try p.run()
        process = p
        logger.info("started jackd \(args.joined(separator: " ")) (pid \(p.processIdentifier))")
    }

    var isRunning: Bool { process?.isRunning ?? false }

    func stop() {
        guard let p = process, p.isRunning else { return }
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
