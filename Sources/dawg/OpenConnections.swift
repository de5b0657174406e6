import Foundation
import NIOCore
import ServiceLifecycle

/// Every HTTP connection open now, so shutting down can close them: a client that
/// never finishes its request — or a page reconnecting while the server quiesces —
/// would otherwise hold the HTTP server's graceful shutdown for ever (cancelling the
/// server does not end it either).
final class OpenConnections: @unchecked Sendable {
    // @unchecked Sendable: `channels` only under `lock`.
    private let lock = NSLock()
    private var channels: [ObjectIdentifier: any Channel] = [:]

    /// Any thread: list every connection `server` (a listening channel) accepts from
    /// now on, for as long as it is open.
    func watch(_ server: any Channel) async {
        try? await server.pipeline.addHandler(Acceptor(list: self), position: .first).get()
    }

    func add(_ channel: any Channel) {
        lock.withLock { channels[ObjectIdentifier(channel)] = channel }
        channel.closeFuture.whenComplete { [weak self] _ in
            self?.lock.withLock { _ = self?.channels.removeValue(forKey: ObjectIdentifier(channel)) }
        }
    }

    /// Close every connection listed now.
    func closeAll() {
        for channel in lock.withLock({ Array(channels.values) }) { channel.close(promise: nil) }
    }

    /// First on the listening channel's pipeline, where each accepted connection
    /// passes as a channel read.
    final class Acceptor: ChannelInboundHandler, Sendable {
        typealias InboundIn = any Channel
        let list: OpenConnections
        init(list: OpenConnections) { self.list = list }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            list.add(unwrapInboundIn(data))
            context.fireChannelRead(data)
        }
    }
}

/// Listed just after the HTTP server, so it is shut down just before it: closes every
/// connection (pages' WebSockets too: they were accepted as HTTP), and keeps closing
/// any that open while the server quiesces, until the process ends.
struct ConnectionClosingService: Service {
    let connections: OpenConnections

    func run() async throws {
        try? await gracefulShutdown()
        connections.closeAll()
        Thread.detachNewThread { [connections] in
            while true {
                Thread.sleep(forTimeInterval: 0.25)
                connections.closeAll()
            }
        }
    }
}
