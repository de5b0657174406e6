import Dispatch
import Logging
import Store

/// Runs slow commands (file loads, patch saves) one after another, off the listener
/// threads, in the order they arrived. `/sync` is a job too, so its reply means every
/// earlier job has finished. A job with a kind is kept in the project store's `jobs`
/// (queued, running, then done or failed with its warnings or its reason).
final class JobQueue: Sendable {
    private let queue = DispatchQueue(label: "dawg.jobs")
    private let sender: OSCSender
    private let store: ProjectStore?
    private let logger: Logger

    init(sender: OSCSender, store: ProjectStore?, logger: Logger) {
        self.sender = sender
        self.store = store
        self.logger = logger
    }

    /// Datagram clients get their replies later through `sender`; stream clients wait
    /// and get them as the request's replies, on their own connection. `kind` and
    /// `arguments` name the job in the store (nil: not kept, as `/sync`).
    func run(for client: OSCClient, kind: String? = nil, arguments: String = "", _ work: @escaping @Sendable () -> [OSCMessage]) -> [OSCMessage] {
        run(for: client, kind: kind, arguments: arguments) { _ in work() }
    }

    /// The same, `work` given the job's number in the store (0 when it is not kept).
    func run(for client: OSCClient, kind: String?, arguments: String = "", _ work: @escaping @Sendable (Int64) -> [OSCMessage]) -> [OSCMessage] {
        let id = kind.flatMap { kind in keep("queue \(kind)") { try self.store?.queueJob(kind: kind, arguments: arguments) } ?? nil }
        let job: @Sendable () -> [OSCMessage] = { [self] in
            guard let id else { return work(0) }
            keep("start job \(id)") { try store?.startJob(id) }
            let replies = work(id)
            let failure = replies.first { $0.path == "/fail" }.map(Self.text)
            let warnings = replies.filter { $0.path == "/warning" }.map(Self.text)
            keep("finish job \(id)") { try store?.finishJob(id, failed: failure != nil, result: failure ?? warnings.joined(separator: "\n")) }
            return replies
        }
        if client.isStream { return queue.sync(execute: job) }
        queue.async { [sender] in sender.send(job(), to: client) }
        return []
    }

    /// A `/fail` or `/warning`'s message (its last string).
    private static func text(_ m: OSCMessage) -> String {
        m.args.compactMap { if case .string(let s) = $0 { s } else { nil } }.last ?? ""
    }

    /// The store's word on a job is kept when it can be; a store that cannot take it
    /// costs the record, never the job.
    private func keep<T>(_ what: String, _ body: () throws -> T) -> T? {
        do { return try body() } catch {
            logger.warning("jobs: cannot \(what) in the project store: \(error)")
            return nil
        }
    }

    /// Wait for every queued job (shutdown, tests).
    func drain() { queue.sync {} }
}
