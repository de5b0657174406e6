import Foundation
import Hummingbird
import HummingbirdWebSocket
import NIOWebSocket
import OSC

/// The OSC address space over a WebSocket (`GET /ws` on the HTTP port): each text frame
/// is one message as JSON (`OSCJSON`), handled by the same router as OSC over UDP and
/// TCP, and replies, job results and feedback come back the same way (several at once
/// as one frame holding an array). Each page has a queue of frames of its own; a page
/// that stops reading until its queue is full is dropped —
/// its subscription ends and its connection closes — without holding up the others.
final class WebSocketBridge: OSCSender, @unchecked Sendable {
    // @unchecked Sendable: `pages` and `nextID` only under `lock`; `router` is set once
    // before the HTTP server starts.
    private let lock = NSLock()
    private var pages: [String: AsyncStream<ByteBuffer>.Continuation] = [:]
    private var nextID = 0
    var router: OSCRouter?
    /// Frames waiting for a page at most (seconds of 60 Hz feedback).
    let queueLimit: Int

    init(queueLimit: Int = 1024) { self.queueLimit = queueLimit }

    /// Pages connected now.
    var count: Int { lock.withLock { pages.count } }

    /// Any thread.
    func send(_ messages: [OSCMessage], to client: OSCClient) {
        send(messages, to: [client])
    }

    /// Any thread. The messages go as one frame (a JSON array when there are more than
    /// one), encoded once for every page: a feedback tick costs a page one write.
    func send(_ messages: [OSCMessage], to clients: [OSCClient]) {
        let targets = lock.withLock { clients.compactMap { c in pages[c.port].map { (c, $0) } } }
        guard !targets.isEmpty, let text = Self.frame(messages) else { return }
        let bytes = ByteBuffer(string: text)  // one copy, shared by every page's frame
        for (client, page) in targets {
            if case .dropped = page.yield(bytes) { drop(client) }  // it stopped reading
        }
    }

    /// The messages as one text frame, each followed by its typed form if it has one.
    static func frame(_ messages: [OSCMessage]) -> String? {
        let parts = messages.flatMap { m in [OSCJSON.encode(m), OSCJSON.typed(m)].compactMap { $0 } }
        if parts.count <= 1 { return parts.first }
        return "[" + parts.joined(separator: ",") + "]"
    }

    private func drop(_ client: OSCClient) {
        guard let page = lock.withLock({ pages.removeValue(forKey: client.port) }) else { return }
        page.finish()
        router?.feedback.unsubscribe(client)
    }

    /// One page's connection, for as long as it lasts.
    func serve(_ inbound: WebSocketInboundStream, _ outbound: WebSocketOutboundWriter) async {
        let (queue, page) = AsyncStream<ByteBuffer>.makeStream(bufferingPolicy: .bufferingOldest(queueLimit))
        let client: OSCClient = lock.withLock {
            nextID += 1
            let c = OSCClient(host: "ws", port: String(nextID), isStream: true, isWebSocket: true)
            pages[c.port] = page
            return c
        }
        defer { drop(client) }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await bytes in queue {
                    do { try await outbound.write(.custom(WebSocketFrame(fin: true, opcode: .text, data: bytes))) } catch { return }
                }
            }
            group.addTask { [self] in
                do {
                    for try await message in inbound.messages(maxSize: 1 << 20) {
                        guard case .text(let text) = message else {
                            send([OSCMessage("/error", [.string(""), .string("send OSC messages as JSON text frames")])], to: client)
                            continue
                        }
                        handle(text, from: client)
                    }
                } catch {}
            }
            // Whichever ends first — the page leaving, or its queue dropped — ends both.
            _ = await group.next()
            group.cancelAll()
        }
    }

    private func handle(_ text: String, from client: OSCClient) {
        guard let router else { return }
        do {
            let m = try OSCJSON.decode(text)
            let replies = router.handle(m, from: client)
            if !replies.isEmpty { send(replies, to: client) }
        } catch {
            send([OSCMessage("/error", [.string(""), .string("\(error)")])], to: client)
        }
    }
}
