import Foundation
import Hummingbird
import HummingbirdWebSocket
import NIOCore
import OSC

/// The OSC address space over a WebSocket (`GET /ws` on the HTTP port): each text frame
/// is one message as JSON (`OSCJSON`), handled by the same router as OSC over UDP and
/// TCP, and replies, job results and feedback come back the same way (several at once
/// as one frame holding an array).
///
/// What goes to pages is encoded once and written to each page's socket on the thread
/// that sends it (`PageSocket`) — periodic feedback on the feedback thread's tick, a
/// reply on the thread that handled the request — not handed to the event loop, which
/// only reads. A page that stops reading fills its connection; while it is full its
/// periodic frames are skipped, and once it has taken none for `stallLimit` seconds it
/// is dropped — its subscription ends, its connection closes — without holding up the
/// others.
final class WebSocketBridge: OSCSender, @unchecked Sendable {
    // @unchecked Sendable: `pages` and `nextID` only under `lock`; `router` is set once
    // before the HTTP server starts.
    private let lock = NSLock()
    private var pages: [String: Page] = [:]
    private var nextID = 0
    var router: OSCRouter?
    /// Seconds a subscribed page may go without taking a frame, its connection full,
    /// before it is dropped.
    let stallLimit: Double

    /// One page's connection: read by its event loop, written through `socket`.
    struct Page: Sendable {
        let socket: PageSocket
        var channel: any Channel { socket.channel }
    }

    init(stallLimit: Double = 5) { self.stallLimit = stallLimit }

    /// Any thread.
    func send(_ messages: [OSCMessage], to client: OSCClient) {
        send(messages, to: [client])
    }

    /// Any thread: the messages as one frame, written to every page now (or queued
    /// behind what a page has not taken yet).
    func send(_ messages: [OSCMessage], to clients: [OSCClient]) {
        deliver(messages, to: clients, periodic: false)
    }

    /// The feedback thread: a tick's frame, skipped for a page that has not taken the
    /// last ones yet.
    func sendPeriodic(_ messages: [OSCMessage], to clients: [OSCClient]) {
        deliver(messages, to: clients, periodic: true)
    }

    private func deliver(_ messages: [OSCMessage], to clients: [OSCClient], periodic: Bool) {
        let targets = lock.withLock { clients.compactMap { c in pages[c.port].map { (c, $0) } } }
        guard !targets.isEmpty, let text = Self.frame(messages) else { return }
        let wire = Self.wire(text)
        wire.withUnsafeBytes { bytes in
            for (client, page) in targets {
                switch page.socket.write(bytes, periodic: periodic) {
                case .sent:
                    break
                case .skipped(let seconds):
                    if seconds >= stallLimit { close(page, client) }
                case .gone:
                    close(page, client)
                }
            }
        }
    }

    /// An unmasked text frame's bytes, header and UTF-8 `text`.
    static func wire(_ text: String) -> [UInt8] {
        let n = text.utf8.count
        var out: [UInt8] = []
        out.reserveCapacity(n + 10)
        out.append(0x81)
        if n < 126 {
            out.append(UInt8(n))
        } else if n < 65536 {
            out.append(126)
            withUnsafeBytes(of: UInt16(n).bigEndian) { out.append(contentsOf: $0) }
        } else {
            out.append(127)
            withUnsafeBytes(of: UInt64(n).bigEndian) { out.append(contentsOf: $0) }
        }
        out.append(contentsOf: text.utf8)
        return out
    }

    /// The messages as one text frame, each followed by its typed form if it has one.
    static func frame(_ messages: [OSCMessage]) -> String? {
        guard !messages.isEmpty else { return nil }
        var out = "", parts = 0
        out.reserveCapacity(96 * messages.count)
        for m in messages {
            if parts > 0 { out += "," }
            OSCJSON.encode(m, into: &out)
            parts += 1
            if let typed = OSCJSON.typed(m) {
                out += "," + typed
                parts += 1
            }
        }
        return parts == 1 ? out : "[" + out + "]"
    }

    /// Any thread: the page is gone or too far behind — no more feedback, and its
    /// connection closed.
    private func close(_ page: Page, _ client: OSCClient) {
        drop(client)
        page.channel.close(promise: nil)
    }

    private func drop(_ client: OSCClient) {
        guard let page = lock.withLock({ pages.removeValue(forKey: client.port) }) else { return }
        router?.feedback.unsubscribe(client)
        page.socket.close()
    }

    /// One page's connection (`channel`), for as long as it lasts: what it sends.
    func serve(_ inbound: WebSocketInboundStream, channel: any Channel) async {
        guard let socket = PageSocket.duplicate(of: channel),
              (try? await channel.pipeline.addHandler(PageWriteRedirect(socket: socket), position: .first).get()) != nil else {
            channel.close(promise: nil)  // no socket of this process's to write to
            return
        }
        let client: OSCClient = lock.withLock {
            nextID += 1
            let c = OSCClient(host: "ws", port: String(nextID), isStream: true, isWebSocket: true)
            pages[c.port] = Page(socket: socket)
            return c
        }
        defer { drop(client) }
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

/// A request's context that keeps its connection, so the WebSocket bridge can write to
/// a page's connection directly.
struct PageRequestContext: RequestContext, WebSocketRequestContext {
    var coreContext: CoreRequestContextStorage
    let webSocket: WebSocketHandlerReference<PageRequestContext>
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        webSocket = .init()
        channel = source.channel
    }
}
