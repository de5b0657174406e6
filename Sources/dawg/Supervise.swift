import ArgumentParser
import Control
import Foundation
import Logging
import OSC
import ServiceLifecycle
import Supervisor
#if canImport(Glibc)
import Glibc
#endif

/// `dawg supervise`: run the supervisor in the foreground (as a service manager
/// expects), or talk to the one that runs: `status`, `stop`, `restart NAME`,
/// `recover NAME`.
struct Supervise: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Start jackd, the engine and other services, check their health, restart them within limits, escalate.",
        discussion: "The configuration is presets/supervise/default.json unless --config names one (docs/supervise.md).",
        subcommands: [Run.self, SupervisorStatus.self, Stop.self, Restart.self, RecoverService.self],
        defaultSubcommand: Run.self
    )

    struct Where: ParsableArguments {
        @Option(help: "The supervisor's configuration (JSON).")
        var config: String?

        func load() throws -> (SupervisorConfig, String) {
            let path = config ?? PresetsFolder.find(containing: "supervise/default.json",
                                                    projectDirectory: FileManager.default.currentDirectoryPath) + "/supervise/default.json"
            do {
                let config = try SupervisorConfig.load(path)
                return (config, ((path as NSString).standardizingPath as NSString).deletingLastPathComponent)
            } catch {
                throw ValidationError("\(error)")
            }
        }
    }

    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "run", abstract: "Run the supervisor in the foreground (the default).")

        @OptionGroup var place: Where

        @Option(name: .customLong("check-interval"), help: "Seconds between health checks, for every service (overrides the configuration).")
        var checkInterval: Double?

        @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
        var logLevel = "info"

        func validate() throws {
            if let c = checkInterval, !(c.isFinite && c >= 0.05 && c <= 86_400) { throw ValidationError("--check-interval must be 0.05 … 86400 s") }
        }

        func run() throws {
            let level = Logger.Level(rawValue: logLevel) ?? .info
            LoggingSystem.bootstrap { label in
                var h = StreamLogHandler.standardError(label: label)
                h.logLevel = level
                return h
            }
            let (config, base) = try place.load()
            let binary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().path
            let supervisor: Supervisor, control: SupervisorControl
            do {
                supervisor = try Supervisor(
                    config: config, options: .init(checkInterval: checkInterval, baseDirectory: base, dawgBinary: binary),
                    logger: Logger(label: "dawg.supervise"))
                control = try SupervisorControl(port: config.oscPort, supervisor: supervisor)
            } catch {
                FileHandle.standardError.write(Data("dawg supervise: \(error)\n".utf8))
                throw ExitCode(1)
            }
            // SIGTERM and SIGINT stop the services and then the supervisor.
            signal(SIGTERM, SIG_IGN)
            signal(SIGINT, SIG_IGN)
            let sources = [SIGTERM, SIGINT].map { sig in
                let s = DispatchSource.makeSignalSource(signal: sig, queue: .global())
                s.setEventHandler { supervisor.request(.stop) }
                s.resume()
                return s
            }
            control.start()
            // HTTP /metrics and /health beside the loop, until it ends.
            let http: Task<Void, Error>? = config.httpPort == 0 ? nil : Task.detached {
                let group = ServiceGroup(configuration: .init(
                    services: [SupervisorMetrics(supervisor: supervisor).application(port: config.httpPort)], logger: Logger(label: "dawg.supervise.http")))
                try await group.run()
            }
            FileHandle.standardOutput.write(Data("dawg supervise: running \(config.services.map(\.name).joined(separator: ", ")); control on udp 127.0.0.1:\(config.oscPort)\n".utf8))
            defer {
                control.stop()
                http?.cancel()
                sources.forEach { $0.cancel() }
            }
            do { try supervisor.run() } catch {
                FileHandle.standardError.write(Data("dawg supervise: \(error)\n".utf8))
                throw ExitCode(1)
            }
        }
    }

    struct SupervisorStatus: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "status", abstract: "Print each service's state.",
            discussion: "Exit status 0: every service runs; 1: one is escalated, waiting or stopped; 2: no supervisor answers.")

        @OptionGroup var place: Where

        @Flag(help: "Print the state as JSON.")
        var json = false

        func run() throws {
            let (config, _) = try place.load()
            guard let reply = SupervisorClient.ask(port: config.oscPort, OSCMessage("/supervise/status")),
                  case .string(let text) = reply.args.first,
                  let state = try? JSONDecoder().decode(SupervisorState.self, from: Data(text.utf8)) else {
                FileHandle.standardError.write(Data("dawg supervise: no supervisor answers on udp 127.0.0.1:\(config.oscPort)\n".utf8))
                throw ExitCode(2)
            }
            if json {
                print(text)
            } else {
                print("supervisor pid \(state.supervisorPid)\(state.killSwitch ? ", KILL SWITCH ON: no automatic action" : "")")
                let now = Date().timeIntervalSince1970
                for s in state.services {
                    let up = s.startedAt.map { "up \(Status.duration(Int(now - $0)))" } ?? ""
                    let recent = s.restarts.filter { now - $0 < 300 }.count
                    print("  \(s.name.padding(toLength: 12, withPad: " ", startingAt: 0)) \(s.status.padding(toLength: 10, withPad: " ", startingAt: 0))"
                        + " \(s.pid.map { "pid \($0)" } ?? "")  \(up)  restarts \(s.restarts.count) (\(recent) in 5 min)  breaker \(s.breaker)"
                        + (s.lastProblem.map { "  last problem: \($0)" } ?? ""))
                }
            }
            if state.services.contains(where: { $0.status != "healthy" && $0.status != "running" }) { throw ExitCode(1) }
        }
    }

    struct Stop: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop every service and the supervisor.")
        @OptionGroup var place: Where
        func run() throws { try SupervisorClient.command(place, OSCMessage("/supervise/stop")) }
    }

    struct Restart: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Restart one service now.")
        @OptionGroup var place: Where
        @Argument var name: String
        func run() throws { try SupervisorClient.command(place, OSCMessage("/supervise/restart", [.string(name)])) }
    }

    struct RecoverService: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "recover", abstract: "Clear a service's escalation and start it again.")
        @OptionGroup var place: Where
        @Argument var name: String
        func run() throws { try SupervisorClient.command(place, OSCMessage("/supervise/recover", [.string(name)])) }
    }
}

/// Asks the running supervisor over its OSC control port.
enum SupervisorClient {
    static func ask(port: Int, _ message: OSCMessage, timeout: Double = 2) -> OSCMessage? {
        (try? HealthProbe.request(message, port: port, timeout: timeout)) ?? nil
    }

    static func command(_ place: Supervise.Where, _ message: OSCMessage) throws {
        let (config, _) = try place.load()
        guard let reply = ask(port: config.oscPort, message) else {
            FileHandle.standardError.write(Data("dawg supervise: no supervisor answers on udp 127.0.0.1:\(config.oscPort)\n".utf8))
            throw ExitCode(2)
        }
        if reply.path == "/error", reply.args.count > 1, case .string(let why) = reply.args[1] {
            FileHandle.standardError.write(Data("dawg supervise: \(why)\n".utf8))
            throw ExitCode(1)
        }
        if case .string(let what) = reply.args.first { print("ok: \(what)") }
    }
}
