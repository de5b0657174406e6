import Dispatch

/// Runs slow commands (file loads, patch saves) one after another, off the listener
/// threads, in the order they arrived. `/sync` is a job too, so its reply means every
/// earlier job has finished.
final class JobQueue: Sendable {
    private let queue = DispatchQueue(label: "dawg.jobs")
    private let sender: OSCSender

    init(sender: OSCSender) { self.sender = sender }

    /// Datagram clients get their replies later through `sender`; stream clients wait
    /// and get them as the request's replies, on their own connection.
    func run(for client: OSCClient, _ work: @escaping @Sendable () -> [OSCMessage]) -> [OSCMessage] {
        if client.isStream { return queue.sync(execute: work) }
        queue.async { [sender] in sender.send(work(), to: client) }
        return []
    }

    /// Wait for every queued job (shutdown, tests).
    func drain() { queue.sync {} }
}
