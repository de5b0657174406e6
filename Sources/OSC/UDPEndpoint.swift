#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// The OSC UDP socket: one thread receives datagrams; replies and feedback leave from
/// the same socket, so a surface sees them come from the port it sends to.
final class UDPEndpoint: @unchecked Sendable {
    // @unchecked Sendable: the descriptor is fixed; sendto on one socket from several
    // threads is safe, and each datagram is sent whole.
    let fd: Int32
    /// The largest message sent as one datagram: a UDP datagram holds 65,507 bytes, and
    /// some OSC receivers read fewer; a larger reply is refused, a larger report cut.
    static let largestMessage = 60_000

    init(host: String, port: Int) throws {
        fd = try SocketAddress.bound(Int32(SOCK_DGRAM.rawValue), host: host, port: port)
        var size: Int32 = 1 << 20
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
    }

    func start(_ handle: @escaping @Sendable (UnsafeRawBufferPointer, OSCClient) -> Void) {
        let fd = self.fd
        let t = Thread {
            let buffer = UnsafeMutableRawPointer.allocate(byteCount: 65536, alignment: 8)
            defer { buffer.deallocate() }
            while true {
                var from = sockaddr_in()
                var length = socklen_t(MemoryLayout<sockaddr_in>.size)
                let n = withUnsafeMutablePointer(to: &from) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { recvfrom(fd, buffer, 65536, 0, $0, &length) }
                }
                if n < 0 {
                    if errno == EINTR { continue }
                    return  // closed
                }
                let who = SocketAddress.describe(from)
                handle(UnsafeRawBufferPointer(start: buffer, count: n), OSCClient(host: who.host, port: who.port, isStream: false))
            }
        }
        t.name = "dawg.osc.udp"
        t.start()
    }

    func send(_ bytes: [UInt8], to client: OSCClient) {
        guard let port = Int(client.port), var addr = try? SocketAddress.make(host: client.host, port: port) else { return }
        _ = bytes.withUnsafeBytes { b in
            withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { sendto(fd, b.baseAddress, b.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
        }
    }

    func stop() {
        shutdown(fd, Int32(SHUT_RDWR))
        close(fd)
    }
}
