import CShim
import Foundation
import NIOCore

/// A page's connection as dawg writes to it: its own descriptor of the socket (a
/// `dup` of the one its event loop reads), written with plain `send(2)` on whichever
/// thread has a frame for it — the feedback thread's tick writes every page's frame
/// itself, without waking the event loop and without SwiftNIO's write path (which,
/// with that second wake-up, cost as much again as the kernel's own delivery).
///
/// Every byte to the page goes through here — the bridge's frames, and SwiftNIO's own
/// (`PageWriteRedirect`: the WebSocket layer's pongs and closing frame) — so frames
/// never interleave: a frame the socket takes only in part is finished before the next
/// one starts. What waits is a queue of whole frames behind the part, pushed on from
/// the connection's event loop every few milliseconds until the socket has taken it;
/// a periodic frame is skipped while anything waits (the page is not reading), a reply
/// waits its turn.
final class PageSocket: @unchecked Sendable {
    // @unchecked Sendable: `fd`, `waiting`, `skippingSince` and `flushScheduled` only
    // under `lock`.
    let channel: any Channel
    private let lock = NSLock()
    private var fd: CInt
    /// Bytes the socket has not taken yet, in order.
    private var waiting: [UInt8] = []
    /// When the first of the periodic frames skipped in a row was (monotonic ns).
    private var skippingSince: UInt64?
    /// A flush is scheduled on the event loop.
    private var flushScheduled = false

    /// What the bridge lets wait for a page before it drops it.
    static let waitLimit = 4 << 20
    /// The kernel's buffer for what a page has not read yet (it doubles it): a page
    /// that stops reading is found behind within a second or two of feedback, not
    /// after the minutes a buffer grown to megabytes would take.
    static let sendBuffer: CInt = 64 << 10

    enum Outcome: Equatable {
        /// On the wire, or queued behind what waits.
        case sent
        /// Not written: the page is behind, and has been for `seconds` of periodic frames.
        case skipped(seconds: Double)
        /// The connection is gone, or too far behind: drop the page.
        case gone
    }

    init(fd: CInt, channel: any Channel) {
        self.fd = fd
        self.channel = channel
    }

    deinit { close() }

    /// The descriptor of `channel`'s socket, duplicated (nil if it cannot be found):
    /// the one socket in this process with the channel's two addresses. SwiftNIO keeps
    /// its own descriptor private.
    static func duplicate(of channel: any Channel) -> PageSocket? {
        guard let local = channel.localAddress, let remote = channel.remoteAddress,
              let names = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") else { return nil }
        for name in names {
            guard let fd = CInt(name), matches(fd, local: local, remote: remote) else { continue }
            let copy = dup(fd)
            // The number may have been closed and reused between the two calls: check the copy.
            if copy >= 0 && matches(copy, local: local, remote: remote) {
                var size = sendBuffer
                setsockopt(copy, SOL_SOCKET, SO_SNDBUF, &size, socklen_t(MemoryLayout<CInt>.size))
                return PageSocket(fd: copy, channel: channel)
            }
            if copy >= 0 { Glibc.close(copy) }
        }
        return nil
    }

    private static func matches(_ fd: CInt, local: SocketAddress, remote: SocketAddress) -> Bool {
        var peer = sockaddr_storage(), own = sockaddr_storage()
        var peerLength = socklen_t(MemoryLayout<sockaddr_storage>.size), ownLength = peerLength
        let named = withUnsafeMutablePointer(to: &peer) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { getpeername(fd, $0, &peerLength) == 0 }
        } && withUnsafeMutablePointer(to: &own) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &ownLength) == 0 }
        }
        return named && same(peer, remote) && same(own, local)
    }

    private static func same(_ storage: sockaddr_storage, _ address: SocketAddress) -> Bool {
        switch (Int32(storage.ss_family), address) {
        case (AF_INET, .v4(let a)):
            let s = withUnsafeBytes(of: storage) { $0.load(as: sockaddr_in.self) }
            return s.sin_port == a.address.sin_port && s.sin_addr.s_addr == a.address.sin_addr.s_addr
        case (AF_INET6, .v6(let a)):
            let s = withUnsafeBytes(of: storage) { $0.load(as: sockaddr_in6.self) }
            return s.sin6_port == a.address.sin6_port
                && withUnsafeBytes(of: s.sin6_addr) { x in withUnsafeBytes(of: a.address.sin6_addr) { x.elementsEqual($0) } }
        default:
            return false
        }
    }

    /// Any thread: write `frame` (a whole WebSocket frame's bytes). A periodic frame is
    /// skipped while earlier bytes wait; anything else waits its turn.
    func write(_ frame: UnsafeRawBufferPointer, periodic: Bool) -> Outcome {
        lock.withLock {
            guard fd >= 0, flushLocked() else { return .gone }
            if waiting.isEmpty {
                if periodic { skippingSince = nil }
                let n = transmit(frame)
                if n == frame.count { return .sent }
                if n < 0 && !Self.wouldBlock() { return .gone }
                waiting.append(contentsOf: frame[max(n, 0)...])
            } else if periodic {
                let now = dawg_monotonic_ns()
                if skippingSince == nil { skippingSince = now }
                return .skipped(seconds: Double(now - skippingSince!) / 1e9)
            } else {
                waiting.append(contentsOf: frame)
                if waiting.count > Self.waitLimit { return .gone }
            }
            if !flushScheduled {
                flushScheduled = true
                scheduleFlush()
            }
            return .sent
        }
    }

    /// The connection's event loop, a few milliseconds on: write what waits, as far as
    /// the socket takes it, and come back while anything still waits.
    private func scheduleFlush() {
        channel.eventLoop.scheduleTask(in: .milliseconds(5)) { [self] in
            let more: Bool? = lock.withLock {
                guard fd >= 0, flushLocked() else { return nil }
                flushScheduled = !waiting.isEmpty
                return flushScheduled
            }
            switch more {
            case true?: scheduleFlush()
            case nil: channel.close(promise: nil)
            case false?: break
            }
        }
    }

    /// Under `lock`: as much of `bytes` as the socket takes now, without waiting (or -1).
    private func transmit(_ bytes: UnsafeRawBufferPointer) -> Int {
        send(fd, bytes.baseAddress, bytes.count, CInt(MSG_DONTWAIT | MSG_NOSIGNAL))
    }

    private static func wouldBlock() -> Bool { errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR }

    /// Under `lock`: false if the connection is gone.
    private func flushLocked() -> Bool {
        guard !waiting.isEmpty else { return true }
        let n = waiting.withUnsafeBytes { transmit($0) }
        if n < 0 { return Self.wouldBlock() }
        waiting.removeFirst(n)
        return true
    }

    /// Any thread: let go of the descriptor (the socket closes once SwiftNIO's is closed too).
    func close() {
        lock.withLock {
            if fd >= 0 { Glibc.close(fd) }
            fd = -1
        }
    }
}
