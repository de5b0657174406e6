#if canImport(Glibc)
import Glibc
#endif
import Control
import Engine
import Foundation

/// The OSC TCP socket. Each connection gets a reader thread; packets are framed with a
/// 32-bit length (OSC 1.0) or with SLIP (OSC 1.1), whichever the client starts with,
/// and replies go back in the same framing on the same connection.
final class TCPEndpoint: @unchecked Sendable {
    // @unchecked Sendable: `connections` is touched only under `lock`; each
    // connection's writes are serialised by its own lock.
    let fd: Int32
    private let lock = ControlLock()
    private var connections: [OSCClient: Connection] = [:]
    static let maxConnections = 64

    final class Connection: @unchecked Sendable {
        let fd: Int32
        var slip = false
        let writeLock = ControlLock()
        init(fd: Int32) { self.fd = fd }

        func write(_ packet: [UInt8]) {
            let framed = slip ? SLIP.encode(packet) : withLength(packet)
            writeLock.withLock {
                var sent = 0
                while sent < framed.count {
                    let n = framed.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + sent, framed.count - sent, Int32(MSG_NOSIGNAL)) }
                    if n <= 0 {
                        // Gone, or not reading (the send timed out): end the
                        // connection; its reader sees that and cleans up.
                        shutdown(fd, Int32(SHUT_RDWR))
                        return
                    }
                    sent += n
                }
            }
        }

        private func withLength(_ p: [UInt8]) -> [UInt8] {
            let n = UInt32(p.count)
            return [UInt8(n >> 24), UInt8(n >> 16 & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n & 0xFF)] + p
        }
    }

    init(host: String, port: Int) throws {
        fd = try SocketAddress.bound(Int32(SOCK_STREAM.rawValue), host: host, port: port)
        guard listen(fd, 16) == 0 else { throw ControlError("cannot listen on TCP port \(port)") }
    }

    /// A peer whose socket buffer stays full this long is cut off, so one stalled
    /// surface cannot hold up feedback to the others.
    static let sendTimeout = timeval(tv_sec: 0, tv_usec: 500_000)
    /// Bytes queued for a peer at most: a fraction of a second of feedback, not
    /// seconds of stale meters.
    static let sendBuffer: Int32 = 256 << 10

    /// Serve connections: `handle` gets each packet; `closed` hears of each connection
    /// that ended, so what was kept for it (a feedback subscription) can go.
    func start(
        _ handle: @escaping @Sendable (UnsafeRawBufferPointer, OSCClient) -> Void,
        closed: @escaping @Sendable (OSCClient) -> Void
    ) {
        let t = Thread { [self] in
            while true {
                var from = sockaddr_in()
                var length = socklen_t(MemoryLayout<sockaddr_in>.size)
                let client = withUnsafeMutablePointer(to: &from) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { accept(fd, $0, &length) }
                }
                if client < 0 {
                    if errno == EINTR || errno == ECONNABORTED { continue }
                    return
                }
                var timeout = Self.sendTimeout
                setsockopt(client, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
                var buffer = Self.sendBuffer
                setsockopt(client, SOL_SOCKET, SO_SNDBUF, &buffer, socklen_t(MemoryLayout<Int32>.size))
                let who = SocketAddress.describe(from)
                let id = OSCClient(host: who.host, port: who.port, isStream: true)
                let connection = Connection(fd: client)
                let admitted = lock.withLock {
                    guard connections.count < Self.maxConnections else { return false }
                    connections[id] = connection
                    return true
                }
                if !admitted { close(client); continue }
                let reader = Thread { [self] in
                    serve(connection, id, handle)
                    _ = lock.withLock { connections.removeValue(forKey: id) }
                    closed(id)
                    close(client)
                }
                reader.name = "dawg.osc.tcp"
                reader.start()
            }
        }
        t.name = "dawg.osc.tcp-accept"
        t.start()
    }

    private func serve(_ c: Connection, _ id: OSCClient, _ handle: (UnsafeRawBufferPointer, OSCClient) -> Void) {
        var pending: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        var decided = false
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(c.fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { return }
            pending += chunk[0..<n]
            if !decided, let first = pending.first {
                c.slip = first == SLIP.end
                decided = true
            }
            while let packet = c.slip ? SLIP.next(&pending) : nextLengthPrefixed(&pending) {
                if packet.count > OSCCodec.maxPacket { return }
                packet.withUnsafeBytes { handle($0, id) }
            }
            if pending.count > OSCCodec.maxPacket + 4 { return }  // a frame that never ends
        }
    }

    private func nextLengthPrefixed(_ buffer: inout [UInt8]) -> [UInt8]? {
        guard buffer.count >= 4 else { return nil }
        let n = Int(UInt32(buffer[0]) << 24 | UInt32(buffer[1]) << 16 | UInt32(buffer[2]) << 8 | UInt32(buffer[3]))
        if n > OSCCodec.maxPacket { return Array(repeating: 0, count: n) }  // caller closes
        guard buffer.count >= 4 + n else { return nil }
        let packet = Array(buffer[4..<4 + n])
        buffer.removeFirst(4 + n)
        return packet
    }

    func send(_ bytes: [UInt8], to client: OSCClient) {
        lock.withLock { connections[client] }?.write(bytes)
    }

    func stop() {
        shutdown(fd, Int32(SHUT_RDWR))
        close(fd)
        lock.withLock { connections.values.forEach { shutdown($0.fd, Int32(SHUT_RDWR)) } }
    }
}

/// SLIP framing (RFC 1055), as OSC 1.1 uses over streams.
enum SLIP {
    static let end: UInt8 = 0xC0, esc: UInt8 = 0xDB, escEnd: UInt8 = 0xDC, escEsc: UInt8 = 0xDD

    static func encode(_ p: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [end]
        for b in p {
            switch b {
            case end: out += [esc, escEnd]
            case esc: out += [esc, escEsc]
            default: out.append(b)
            }
        }
        out.append(end)
        return out
    }

    /// The next complete frame in `buffer`, removing it; nil when none is complete.
    static func next(_ buffer: inout [UInt8]) -> [UInt8]? {
        while buffer.first == end { buffer.removeFirst() }
        guard let stop = buffer.firstIndex(of: end) else { return nil }
        var out: [UInt8] = []
        var i = 0
        while i < stop {
            if buffer[i] == esc, i + 1 < stop {
                out.append(buffer[i + 1] == escEnd ? end : esc)
                i += 2
            } else {
                out.append(buffer[i])
                i += 1
            }
        }
        buffer.removeFirst(stop + 1)
        return out
    }
}
