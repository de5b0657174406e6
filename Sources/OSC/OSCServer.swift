import Control
import Logging

/// OSC over UDP and TCP on one port and address: receives packets, hands each message
/// to the router, and sends replies, job results and feedback.
public final class OSCServer: OSCSender, @unchecked Sendable {
    // @unchecked Sendable: `router` is set once, before the listener threads start.
    private let udp: UDPEndpoint
    private let tcp: TCPEndpoint
    private let logger: Logger
    private var router: OSCRouter?
    /// Where messages for WebSocket pages go (set before `start`).
    public var webSockets: OSCSender?

    /// Binds both sockets now, so a taken port is reported before anything starts.
    public init(host: String, port: Int, logger: Logger) throws {
        udp = try UDPEndpoint(host: host, port: port)
        tcp = try TCPEndpoint(host: host, port: port)
        self.logger = logger
    }

    public func start(router: OSCRouter) {
        self.router = router
        let handle: @Sendable (UnsafeRawBufferPointer, OSCClient) -> Void = { [self] bytes, client in
            receive(bytes, from: client)
        }
        udp.start(handle)
        tcp.start(handle, closed: { client in router.feedback.unsubscribe(client) })
    }

    public func stop() {
        udp.stop()
        tcp.stop()
    }

    func receive(_ bytes: UnsafeRawBufferPointer, from client: OSCClient) {
        guard let router else { return }
        let messages: [OSCMessage]
        do {
            messages = try OSCCodec.decode(bytes)
        } catch {
            logger.debug("bad packet from \(client): \(error)")
            send([.error("", "\(error)")], to: client)
            return
        }
        for m in messages {
            let replies = router.handle(m, from: client)
            if !replies.isEmpty { send(replies, to: client) }
        }
    }

    public func send(_ messages: [OSCMessage], to client: OSCClient) {
        send(messages, to: [client])
    }

    /// Each message encoded once, whoever it goes to; pages get theirs from the bridge.
    public func send(_ messages: [OSCMessage], to clients: [OSCClient]) {
        deliver(messages, to: clients, periodic: false)
    }

    /// A page that is not reading skips the tick (the bridge's call); a surface is sent
    /// it as anything else.
    public func sendPeriodic(_ messages: [OSCMessage], to clients: [OSCClient]) {
        deliver(messages, to: clients, periodic: true)
    }

    private func deliver(_ messages: [OSCMessage], to clients: [OSCClient], periodic: Bool) {
        let pages = clients.filter(\.isWebSocket)
        if !pages.isEmpty, let webSockets {
            if periodic { webSockets.sendPeriodic(messages, to: pages) } else { webSockets.send(messages, to: pages) }
        }
        guard pages.count < clients.count else { return }
        for m in messages {
            let bytes = OSCCodec.encode(m)
            for client in clients where !client.isWebSocket {
                if client.isStream { tcp.send(bytes, to: client) } else { udp.send(bytes, to: client) }
            }
        }
    }
}
