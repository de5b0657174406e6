import Foundation
import Hummingbird
import HummingbirdWebSocket
import OSC

/// The OSC address space over a WebSocket (`GET /ws` on the HTTP port): each text frame
/// is one message as JSON (`OSCJSON`), handled by the same router as OSC over UDP and
/// TCP, and replies, job results and feedback come back the same way. Each page has a
/// queue of its own; a page that stops reading until its queue is full is dropped —
/// its subscription ends and its connection closes — without holding up the others.
final class WebSocketBridge: OSCSender, @unchecked Sendable {
    // @unchecked Sendable: `pages` and `nextID` only under `lock`; `router` is set once
    // before the HTTP server starts.
    private let lock = NSLock()
    private var pages: [String: AsyncStream<String>.Continuation] = [:]
    private var nextID = 0
    var router: OSCRouter?
    /// Messages waiting for a page at most (a few seconds of 60 Hz feedback).
    let queueLimit: Int

    init(queueLimit: Int = 4096) { self.queueLimit = queueLimit }

    /// Pages connected now.
    var count: Int { lock.withLock { pages.count } }

    /// Any thread.
    func send(_ messages: [OSCMessage], to client: OSCClient) {
        guard let page = lock.withLock({ pages[client.port] }) else { return }
        for m in messages {
            if case .dropped = page.yield(OSCJSON.encode(m)) {
                drop(client)  // it stopped reading
                return
            }
        }
    }

    private func drop(_ client: OSCClient) {
        guard let page = lock.withLock({ pages.removeValue(forKey: client.port) }) else { return }
        page.finish()
        router?.feedback.unsubscribe(client)
    }

    /// One page's connection, for as long as it lasts.
    func serve(_ inbound: WebSocketInboundStream, _ outbound: WebSocketOutboundWriter) async {
        let (queue, page) = AsyncStream<String>.makeStream(bufferingPolicy: .bufferingOldest(queueLimit))
        let client: OSCClient = lock.withLock {
            nextID += 1
            let c = OSCClient(host: "ws", port: String(nextID), isStream: true, isWebSocket: true)
            pages[c.port] = page
            return c
        }
        defer { drop(client) }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await text in queue {
                    do { try await outbound.write(.text(text)) } catch { return }
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
