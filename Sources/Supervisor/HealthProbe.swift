import Foundation
import OSC
#if canImport(Glibc)
import Glibc
#endif

/// One health check of a service beyond "its process is alive": an OSC `/ping` that
/// must be answered `/pong`, or an HTTP `GET` that must answer 200 — each within the
/// timeout. Plain blocking sockets with deadlines: the supervisor's loop waits at most
/// the timeout.
public enum HealthProbe {
    /// nil when healthy, else what was wrong.
    static func check(_ health: SupervisorConfig.Health) -> String? {
        guard let port = health.port else { return nil }
        switch health.kind {
        case .process: return nil
        case .osc: return ping(host: health.host, port: port, timeout: health.timeoutSeconds)
        case .http: return get(host: health.host, port: port, path: health.path, timeout: health.timeoutSeconds)
        }
    }

    static func ping(host: String, port: Int, timeout: Double) -> String? {
        do {
            return try request(OSCMessage("/ping"), host: host, port: port, timeout: timeout) { $0.path == "/pong" } == nil
                ? "no /pong within \(timeout) s" : nil
        } catch {
            return "\(error)"
        }
    }

    /// Any thread: `message` over UDP to `host`:`port`, and the first message back that
    /// `answers` accepts within `timeout` seconds (nil: none came). Throws when it cannot
    /// be sent.
    public static func request(_ message: OSCMessage, host: String = "127.0.0.1", port: Int, timeout: Double,
                               answers: (OSCMessage) -> Bool = { _ in true }) throws -> OSCMessage? {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { throw SupervisorError("no socket") }
        defer { close(fd) }
        var address = sockaddr_in()
        guard fill(&address, host: host, port: port) else { throw SupervisorError("bad address \(host)") }
        set(timeout: timeout, on: fd)
        let packet = OSCCodec.encode(message)
        let sent = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { sendto(fd, packet, packet.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard sent == packet.count else { throw SupervisorError("cannot send \(message.path): \(String(cString: strerror(errno)))") }
        let deadline = Date().addingTimeInterval(timeout)
        var buffer = [UInt8](repeating: 0, count: 65536)
        while Date() < deadline {
            let n = recv(fd, &buffer, buffer.count, 0)
            guard n > 0 else { break }
            let messages = buffer.withUnsafeBytes { (try? OSCCodec.decode(UnsafeRawBufferPointer(rebasing: $0[0..<n]))) ?? [] }
            if let answer = messages.first(where: answers) { return answer }
        }
        return nil
    }

    static func get(host: String, port: Int, path: String, timeout: Double) -> String? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return "no socket" }
        defer { close(fd) }
        var address = sockaddr_in()
        guard fill(&address, host: host, port: port) else { return "bad address \(host)" }
        set(timeout: timeout, on: fd)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { return "cannot connect to \(host):\(port): \(String(cString: strerror(errno)))" }
        let request = Array("GET \(path) HTTP/1.1\r\nHost: \(host)\r\nConnection: close\r\n\r\n".utf8)
        guard send(fd, request, request.count, Int32(MSG_NOSIGNAL)) == request.count else { return "cannot send the request" }
        var reply: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline, !reply.contains(UInt8(ascii: "\n")) {
            let n = recv(fd, &buffer, buffer.count, 0)
            guard n > 0 else { break }
            reply += buffer[0..<n]
        }
        let status = String(decoding: reply, as: UTF8.self).split(separator: "\r\n").first.map(String.init) ?? ""
        let parts = status.split(separator: " ")
        guard parts.count >= 2 else { return "no HTTP answer within \(timeout) s" }
        return parts[1] == "200" ? nil : "HTTP \(parts.dropFirst().joined(separator: " "))"
    }

    static func fill(_ a: inout sockaddr_in, host: String, port: Int) -> Bool {
        a.sin_family = sa_family_t(AF_INET)
        a.sin_port = in_port_t(UInt16(port).bigEndian)
        return inet_pton(AF_INET, host == "localhost" ? "127.0.0.1" : host, &a.sin_addr) == 1
    }

    static func set(timeout: Double, on fd: Int32) {
        var tv = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - floor(timeout)) * 1e6))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    }
}
