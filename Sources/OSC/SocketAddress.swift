#if canImport(Glibc)
import Glibc
#endif
import Control

/// IPv4 socket addresses to and from the host/port strings clients are known by.
enum SocketAddress {
    static func make(host: String, port: Int) throws -> sockaddr_in {
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        let name = host == "localhost" ? "127.0.0.1" : host
        guard inet_pton(AF_INET, name, &addr.sin_addr) == 1 else {
            throw ControlError("\(host) is not an IPv4 address")
        }
        return addr
    }

    static func describe(_ addr: sockaddr_in) -> (host: String, port: String) {
        var a = addr.sin_addr
        var text = [CChar](repeating: 0, count: Int(INET_ADDRSTRLEN))
        inet_ntop(AF_INET, &a, &text, socklen_t(INET_ADDRSTRLEN))
        let bytes = text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return (String(decoding: bytes, as: UTF8.self), String(UInt16(bigEndian: addr.sin_port)))
    }

    /// A bound socket of `type` (SOCK_DGRAM or SOCK_STREAM) on host:port.
    static func bound(_ type: Int32, host: String, port: Int) throws -> Int32 {
        var addr = try make(host: host, port: port)
        let fd = socket(AF_INET, type, 0)
        guard fd >= 0 else { throw ControlError("cannot open a socket: \(String(cString: strerror(errno)))") }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw ControlError("cannot bind \(type == Int32(SOCK_DGRAM.rawValue) ? "UDP" : "TCP") \(host):\(port): \(reason)")
        }
        return fd
    }
}
