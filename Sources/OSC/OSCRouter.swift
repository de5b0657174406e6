import Control
import Engine
import Logging

/// The address space: turns one OSC message into session calls and replies.
///
/// Runs on the listener threads. Every request is validated before anything changes;
/// a refusal answers `/error <address> <message>` and changes nothing. Changes are
/// echoed to every feedback subscriber, so several surfaces stay in step.
public final class OSCRouter: Sendable {
    let session: Session
    public let feedback: FeedbackHub
    let jobs: JobQueue
    let clock: TimetagClock
    let monitor: EngineMonitor
    /// Told of every message handled: its address pattern and whether it was refused
    /// (the metrics).
    let observe: (@Sendable (String, Bool) -> Void)?
    let logger: Logger
    /// Tells clients about takes and overruns (nil: no recorder).
    let recorder: RecorderFeedback?

    public init(
        session: Session, sender: OSCSender, feedback: FeedbackHub, monitor: EngineMonitor, logger: Logger,
        recorder: RecorderFeedback? = nil, observe: (@Sendable (String, Bool) -> Void)? = nil
    ) {
        self.recorder = recorder
        self.observe = observe
        self.session = session
        self.feedback = feedback
        self.jobs = JobQueue(sender: sender, store: session.recorder?.store, logger: logger)
        self.clock = TimetagClock(session: session)
        self.monitor = monitor
        self.logger = logger
    }

    /// Handle one message; returns the replies for its sender.
    public func handle(_ message: OSCMessage, from client: OSCClient) -> [OSCMessage] {
        do {
            let replies = try route(message, OSCArguments(message: message), client)
            observe?(Self.pattern(message.path, known: true), false)
            return replies
        } catch let e as ControlError {
            let known = e.message != "unknown address" && e.message != "not a valid address"
            observe?(Self.pattern(message.path, known: known), true)
            return [.error(message.path, e.message)]
        } catch {
            observe?(Self.pattern(message.path, known: true), true)
            return [.error(message.path, "\(error)")]
        }
    }

    /// An address as a metrics label: ids as `<id>` (`/strip/<id>/gain`); an address the
    /// router does not know is `unknown`, so no sender can grow the label set.
    static func pattern(_ path: String, known: Bool) -> String {
        guard known else { return "unknown" }
        return path.split(separator: "/", omittingEmptySubsequences: false)
            .map { $0.allSatisfy(\.isNumber) && !$0.isEmpty ? "<id>" : String($0) }.joined(separator: "/")
    }

    /// Wait for queued slow commands (shutdown and tests).
    public func drainJobs() { jobs.drain() }

    private func route(_ m: OSCMessage, _ a: OSCArguments, _ client: OSCClient) throws -> [OSCMessage] {
        let parts = m.path.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map(String.init)
        guard m.path.hasPrefix("/"), m.path.utf8.count <= 256, !parts.contains("") else {
            throw ControlError("not a valid address")
        }
        switch parts.first {
        case "ping":
            try a.expect(0...0, "none")
            return [OSCMessage("/pong")]
        case "status":
            try a.expect(0...0, "none")
            return [statusReply()]
        case "stats":
            if parts == ["stats", "reset"] {
                try a.expect(0...0, "none")
                monitor.resetStatistics()
                return [OSCMessage("/stats/reset.done")]
            }
            guard parts.count == 1 else { throw ControlError("unknown address") }
            try a.expect(0...0, "none")
            let s = monitor.status()
            return [OSCMessage("/stats.reply", [
                .int(Int32(clamping: s.callbacks)), .float(Float(s.callbackP50)), .float(Float(s.callbackP99)),
                .float(Float(s.callbackMax)), .int(Int32(clamping: s.recentXruns)), .float(s.dspLoad),
                .float(Float(s.wakeP99)), .float(Float(s.wakeMax)), .float(Float(s.finishMax)), .int(Int32(clamping: s.lateCycles)),
                .int(Int32(clamping: session.recorder?.overruns().reduce(0) { $0 + $1.1 } ?? 0)),
                .int(Int32(clamping: session.streamUnderruns)),
            ])]
        case "analyze":
            // A file inside the project, measured off the audio thread (or answered from
            // the store by its checksum): `/progress i:job f:fraction` to subscribers as it
            // goes, then `/analysis s:path s:json i:cached` and `/done`, or `/fail`.
            try a.expect(1...1, "a path inside the project directory")
            let path = try a.string(0, "path")
            let absolute = try session.paths.resolve(path, mustExist: true)
            let session = self.session, feedback = self.feedback, address = m.path
            return jobs.run(for: client, kind: "analyze", arguments: path) { (job: Int64) -> [OSCMessage] in
                do {
                    let (analysis, cached) = try AnalysisCache.analyze(path: absolute, store: session.recorder?.store) { fraction in
                        feedback.broadcast([OSCMessage("/progress", [.int(Int32(clamping: job)), .float(Float(fraction))])])
                    }
                    return [OSCMessage("/analysis", [.string(path), .string(analysis.summaryJSON), .int(cached ? 1 : 0)]), OSCMessage("/done", [.string(address)])]
                } catch {
                    return [OSCMessage("/fail", [.string(address), .string("\(error)".replacingOccurrences(of: absolute, with: path))])]
                }
            }
        case "jobs":
            // The newest n (default 20, at most 200) jobs kept in the store, oldest first.
            try a.expect(0...1, "an optional count")
            let n = a.count == 1 ? try a.int(0, "count") : 20
            guard (1...200).contains(n) else { throw ControlError("count must be from 1 to 200, not \(n)") }
            guard let store = session.recorder?.store else { throw ControlError("no project store: jobs are kept there") }
            let all = try store.jobs(limit: n)
            return all.map { OSCMessage("/job", [.int(Int32(clamping: $0.id)), .string($0.kind), .string($0.arguments), .string($0.state.rawValue), .string($0.result)]) }
                + [OSCMessage("/jobs.end", [.int(Int32(all.count))])]
        case "sync":
            try a.expect(1...1, "an id")
            let id = m.args[0]
            return jobs.run(for: client) { [OSCMessage("/synced", [id])] }
        case "state":
            try a.expect(0...0, "none")
            let json = try session.stateJSON()
            if !client.isStream && json.utf8.count > UDPEndpoint.largestMessage {
                throw ControlError("the state is too large for one UDP datagram; ask over TCP or use /patch/save")
            }
            return [OSCMessage("/state.reply", [.string(json)])]
        case "transport": return try transport(Array(parts.dropFirst()), m, a)
        case "track": return try track(Array(parts.dropFirst()), m, a, client)
        case "record": return try record(Array(parts.dropFirst()), m, a, client)
        case "pitch": return try pitch(Array(parts.dropFirst()), m, a)
        case "coach": return try coach(Array(parts.dropFirst()), m, a)
        case "mix": return try mix(Array(parts.dropFirst()), m, a, client)
        case "generate": return try generate(Array(parts.dropFirst()), m, a, client)
        case "marker": return try marker(Array(parts.dropFirst()), m, a, client)
        case "markers" where parts == ["markers"]: return try markerList(a)
        case "stream" where parts == ["stream", "stats"]:
            try a.expect(0...1, "none, or 1 to reset the lowest read-ahead after replying")
            let r = session.streamer?.readAhead() ?? (streams: 0, lowest: nil)
            let reply = OSCMessage("/stream/stats.reply", [
                .int(Int32(r.streams)), .float(Float(Double(r.lowest ?? 0) / session.sampleRate)), .int(Int32(clamping: session.streamUnderruns)),
            ])
            if a.count == 1, try a.int(0, "reset") == 1 { session.streamer?.resetLowest() }
            return [reply]
        case "bus": return try bus(Array(parts.dropFirst()), m, a, client)
        case "strip":
            guard parts.count >= 3 else { throw ControlError("unknown address") }
            return try strip(try session.stripRef(parts[1]), Array(parts.dropFirst(2)), m, a)
        case "master":
            return try strip(.master, Array(parts.dropFirst()), m, a)
        case "feedback": return try feedbackRequest(Array(parts.dropFirst()), a, client)
        case "patch": return try patch(Array(parts.dropFirst()), m, a, client)
        default:
            throw ControlError("unknown address")
        }
    }

    func statusReply() -> OSCMessage {
        let s = monitor.status()
        return OSCMessage("/status.reply", [
            .float(Float(s.sampleRate)), .int(Int32(s.period)), .float(s.dspLoad), .int(Int32(clamping: s.xruns)),
            .int(Int32(session.trackCount)), .int(Int32(feedback.subscriberCount)), .float(Float(s.uptime)),
            .string(s.audioDown == nil ? "up" : "down"),
        ])
    }

    /// A state change: echo it to every subscriber (the sender included, if subscribed).
    func changed(_ messages: OSCMessage...) -> [OSCMessage] {
        feedback.broadcast(messages)
        return []
    }
}
