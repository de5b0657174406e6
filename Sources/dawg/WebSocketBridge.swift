import Foundation
import Hummingbird
import HummingbirdWebSocket
import NIOCore
import NIOWebSocket
import OSC

/// The OSC address space over a WebSocket (`GET /ws` on the HTTP port): each text frame
/// is one message as JSON (`OSCJSON`), handled by the same router as OSC over UDP and
/// TCP, and replies, job results and feedback come back the same way (several at once
/// as one frame holding an array).
///
/// What goes to pages is written straight to their connections on their event loops.
/// Their periodic feedback is this bridge's to send (`FeedbackDriver`): a timer on each
/// event loop that has subscribed pages makes a tick's frame once, at the fastest
/// page's rate, and writes it to the pages due — one wake-up of one thread per tick,
/// where a tick made on the feedback thread would wake that thread and then the loop.
/// A page that stops reading fills its connection; while it is full its frames are
/// skipped, and once it has stayed full for `stallLimit` frames it is dropped — its
/// subscription ends, its connection closes — without holding up the others.
final class WebSocketBridge: OSCSender, FeedbackDriver, @unchecked Sendable {
    // @unchecked Sendable: `pages`, `feeds` and `nextID` only under `lock`; `router` is
    // set once before the HTTP server starts.
    private let lock = NSLock()
    private var pages: [String: Page] = [:]
    private var nextID = 0
    var router: OSCRouter?
    /// Frames a page may miss in a row, its connection full, before it is dropped
    /// (some 17 s of feedback at 60 Hz).
    let stallLimit: Int

    /// One page's connection.
    final class Page: @unchecked Sendable {
        // @unchecked Sendable: `stalled` is touched only on the channel's event loop;
        // `rate` and `nextDue` only under the bridge's lock.
        let channel: any Channel
        var stalled = 0
        /// Its periodic feedback's rate (nil: not subscribed), and when it is next due
        /// (on a grid of its period, so pages at one rate share each frame).
        var rate: Double?
        var nextDue: UInt64 = 0
        /// Where a frame already on the wire's bytes goes in: just past the WebSocket
        /// encoder (looked up once, on the channel's event loop).
        var pastEncoder: ChannelHandlerContext??
        init(channel: any Channel) { self.channel = channel }
    }

    /// An event loop's feedback timer: its period (the fastest subscribed page's), and
    /// a number that a newer timer for the loop changes, so the older one stops.
    private var feeds: [ObjectIdentifier: (period: UInt64, generation: Int)] = [:]
    private var feedGenerations = 0

    init(stallLimit: Int = 1024) { self.stallLimit = stallLimit }

    /// Pages connected now.
    var count: Int { lock.withLock { pages.count } }

    /// Any thread.
    func send(_ messages: [OSCMessage], to client: OSCClient) {
        send(messages, to: [client])
    }

    /// Any thread. The messages go as one frame, encoded once for every page, and each
    /// event loop is asked once to write it to its pages.
    func send(_ messages: [OSCMessage], to clients: [OSCClient]) {
        let targets = lock.withLock { clients.compactMap { c in pages[c.port].map { (c, $0) } } }
        guard !targets.isEmpty, let text = Self.frame(messages) else { return }
        let frame = Outgoing(text)
        var byLoop: [ObjectIdentifier: (loop: any EventLoop, pages: [(OSCClient, Page)])] = [:]
        for (client, page) in targets {
            let loop = page.channel.eventLoop
            byLoop[ObjectIdentifier(loop), default: (loop, [])].pages.append((client, page))
        }
        for (loop, group) in byLoop.values {
            loop.execute { [self] in
                for (client, page) in group { write(frame, to: page, client) }
            }
        }
    }

    /// A text frame made once for every page it goes to: as a frame, and as its bytes
    /// on the wire (header included).
    struct Outgoing: Sendable {
        let frame: WebSocketFrame
        let wire: ByteBuffer

        init(_ text: String) {
            let payload = ByteBuffer(string: text)
            frame = WebSocketFrame(fin: true, opcode: .text, data: payload)
            wire = WebSocketBridge.wire(payload)
        }
    }

    /// The page's event loop: the frame's bytes written past the page's WebSocket
    /// encoder (no header made per page), or the frame through it if there is none.
    private func write(_ out: Outgoing, to page: Page, _ client: OSCClient) {
        guard ready(page, client) else { return }
        if page.pastEncoder == nil {
            page.pastEncoder = .some(try? page.channel.pipeline.syncOperations.context(handlerType: WebSocketFrameEncoder.self))
        }
        if let context = page.pastEncoder ?? nil {
            context.writeAndFlush(NIOAny(out.wire), promise: nil)
        } else {
            page.channel.writeAndFlush(out.frame, promise: nil)
        }
    }

    /// The page's event loop: can the page take a frame now? One whose connection has
    /// stayed full too long is dropped.
    private func ready(_ page: Page, _ client: OSCClient) -> Bool {
        guard page.channel.isActive else { return false }
        guard page.channel.isWritable else {
            page.stalled += 1
            if page.stalled >= stallLimit {
                drop(client)
                page.channel.close(promise: nil)
            }
            return false
        }
        page.stalled = 0
        return true
    }

    /// An unmasked text frame's bytes, header and `payload`.
    static func wire(_ payload: ByteBuffer) -> ByteBuffer {
        let n = payload.readableBytes
        var out = ByteBuffer()
        out.reserveCapacity(n + 10)
        out.writeInteger(UInt8(0x81))
        if n < 126 {
            out.writeInteger(UInt8(n))
        } else if n < 65536 {
            out.writeInteger(UInt8(126))
            out.writeInteger(UInt16(n))
        } else {
            out.writeInteger(UInt8(127))
            out.writeInteger(UInt64(n))
        }
        out.writeImmutableBuffer(payload)
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

    private func drop(_ client: OSCClient) {
        guard let page = lock.withLock({ pages.removeValue(forKey: client.port) }) else { return }
        router?.feedback.unsubscribe(client)
        retime(page.channel.eventLoop)
    }

    // MARK: - Periodic feedback (FeedbackDriver)

    /// Any thread.
    func drive(_ client: OSCClient, rate: Double) -> Bool {
        guard client.isWebSocket, let page = lock.withLock({ pages[client.port] }) else { return false }
        lock.withLock {
            page.rate = rate
            page.nextDue = 0
        }
        retime(page.channel.eventLoop)
        return true
    }

    /// Any thread.
    func stopDriving(_ client: OSCClient) {
        guard let page = lock.withLock({ pages[client.port] }) else { return }
        lock.withLock { page.rate = nil }
        retime(page.channel.eventLoop)
    }

    /// Any thread: `loop`'s timer at its fastest subscribed page's period, or none.
    private func retime(_ loop: any EventLoop) {
        let started: (UInt64, Int)? = lock.withLock {
            let key = ObjectIdentifier(loop)
            let fastest = pages.values.compactMap { $0.channel.eventLoop === loop ? $0.rate : nil }.max()
            let period = fastest.map { UInt64(1e9 / $0) }
            if feeds[key]?.period == period { return nil }
            guard let period else {
                feeds[key] = nil
                return nil
            }
            feedGenerations += 1
            feeds[key] = (period, feedGenerations)
            return (period, feedGenerations)
        }
        if let (period, generation) = started { schedule(loop, period: period, generation: generation) }
    }

    /// The next tick of `loop`'s timer, on the grid of its period (not a delay after the
    /// last one: ticks do not drift).
    private func schedule(_ loop: any EventLoop, period: UInt64, generation: Int) {
        let next = FeedbackHub.nextTick(after: NIODeadline.now().uptimeNanoseconds, period: period)
        loop.scheduleTask(deadline: .uptimeNanoseconds(next)) { [weak self] in
            guard let self, self.lock.withLock({ self.feeds[ObjectIdentifier(loop)]?.generation == generation }) else { return }
            self.feed(loop, period: period)
            self.schedule(loop, period: period, generation: generation)
        }
    }

    /// `loop`, at a tick of its timer (`period`): one frame of periodic feedback for
    /// every page of this loop that is due (within half a tick: a timer a little late
    /// or early neither skips a page's frame nor doubles it).
    private func feed(_ loop: any EventLoop, period tick: UInt64) {
        guard let hub = router?.feedback else { return }
        let now = NIODeadline.now().uptimeNanoseconds + tick / 2
        let due: [(OSCClient, Page)] = lock.withLock {
            var due: [(OSCClient, Page)] = []
            for (port, page) in pages where page.channel.eventLoop === loop {
                guard let rate = page.rate else { continue }
                guard now >= page.nextDue else { continue }
                page.nextDue = FeedbackHub.nextTick(after: now, rate: rate)
                due.append((OSCClient(host: "ws", port: port, isStream: true, isWebSocket: true), page))
            }
            return due
        }
        hub.pollTransport()
        guard !due.isEmpty, let text = Self.frame(hub.periodicMessages()) else { return }
        let frame = Outgoing(text)
        for (client, page) in due { write(frame, to: page, client) }
    }

    /// One page's connection (`channel`), for as long as it lasts: what it sends.
    func serve(_ inbound: WebSocketInboundStream, channel: any Channel) async {
        let client: OSCClient = lock.withLock {
            nextID += 1
            let c = OSCClient(host: "ws", port: String(nextID), isStream: true, isWebSocket: true)
            pages[c.port] = Page(channel: channel)
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
