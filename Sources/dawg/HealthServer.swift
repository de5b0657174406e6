import Foundation
import Hummingbird
import HummingbirdWebSocket
import NIOPosix

/// HTTP on `--http-port`: `/health` (200 while the engine runs, 503 once JACK has
/// gone), `/metrics` (Prometheus text format), the page (`/`, the files of `web/`),
/// its data (`PageData`) and the OSC address space over a WebSocket (`/ws`).
struct HealthServer {
    let host: String
    let port: Int
    let report: @Sendable () -> (healthy: Bool, json: String)
    let metrics: @Sendable () -> String
    /// Opened once the port is bound (the ready line waits for it).
    var bound: ReadyGate? = nil
    /// The OSC address space over a WebSocket at `/ws`.
    var webSocket: WebSocketBridge? = nil
    /// The page's folder (`index.html` and what it loads); nothing else is served.
    var pageFolder: String? = nil
    var pageData: PageData? = nil
    /// Required of everything but `/health` and `/metrics` when set.
    var token: String? = nil
    /// Where every connection is listed, to be closed at shutdown.
    var connections: OpenConnections? = nil

    /// One event loop for every connection: it only reads pages (the feedback thread
    /// writes their ticks, `WebSocketBridge`), and a studio's handful of pages and
    /// requests need no more.
    static let loop = MultiThreadedEventLoopGroup(numberOfThreads: 1)

    func makeApplication() -> some ApplicationProtocol {
        let router = Router(context: PageRequestContext.self)
        router.add(middleware: PageToken(token: token))
        if let pageFolder {
            router.add(middleware: FileMiddleware(pageFolder, cacheControl: .init([(MediaType(type: .any), [.noCache])]), searchForIndexHtml: true)
                .withAdditionalMediaType(.init(type: .text, subType: "javascript"), mappedToFileExtension: "js"))
        }
        pageData?.routes(router)
        if let bridge = webSocket {
            router.ws("ws") { inbound, _, context in await bridge.serve(inbound, channel: context.requestContext.channel) }
        }
        let report = self.report
        router.get("health") { _, _ -> Response in
            let r = report()
            return Response(
                status: r.healthy ? .ok : .serviceUnavailable,
                headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: r.json + "\n"))
            )
        }
        let metrics = self.metrics
        router.get("metrics") { _, _ -> Response in
            Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: metrics()))
            )
        }
        let bound = self.bound
        let connections = self.connections
        return Application(router: router, server: .http1WebSocketUpgrade(webSocketRouter: router),
                           configuration: .init(address: .hostname(host, port: port), serverName: "dawg"),
                           onServerRunning: { server in
                               await connections?.watch(server)
                               bound?.open()
                           },
                           eventLoopGroupProvider: .shared(Self.loop))
    }
}

/// A one-way signal between services: `wait` returns once `open` has been called (or
/// the waiting task is cancelled).
final class ReadyGate: Sendable {
    private let stream: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation

    init() { (stream, continuation) = AsyncStream.makeStream() }

    func open() {
        continuation.yield()
        continuation.finish()
    }

    func wait() async {
        for await _ in stream { return }
    }
}
