import Foundation
import OSC
#if canImport(Glibc)
import Glibc
#endif

/// The supervisor's OSC control on UDP `127.0.0.1:<osc_port>`, on a thread of its own:
///
/// - `/supervise/status` → `/supervise/status.reply s:json` (the state file's content);
/// - `/supervise/restart s:name`, `/supervise/recover s:name`, `/supervise/stop` →
///   `/supervise/ok s:what` (done on the loop's next pass);
/// - `/alert/subscribe` → `/alert/subscribed`; subscribers then receive
///   `/alert s:service s:message` when a service is escalated.
///
/// Anything else answers `/error s:address s:message`.
public final class SupervisorControl: @unchecked Sendable {
    // @unchecked Sendable: `subscribers` only touched by the control thread.
    private let fd: Int32
    private let supervisor: Supervisor
    private var subscribers: [sockaddr_in] = []
    private var running = true

    public init(port: Int, supervisor: Supervisor) throws {
        fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SupervisorError("no socket for the control port") }
        self.supervisor = supervisor
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else {
            close(fd)
            throw SupervisorError("cannot listen on UDP 127.0.0.1:\(port): \(String(cString: strerror(errno)))")
        }
        var tv = timeval(tv_sec: 0, tv_usec: 200_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    }

    public func start() {
        let t = Thread { [self] in
            var buffer = [UInt8](repeating: 0, count: 65536)
            while running {
                for (service, message) in supervisor.takeAlerts() {
                    for s in subscribers { send(OSCMessage("/alert", [.string(service), .string(message)]), to: s) }
                }
                var from = sockaddr_in()
                var length = socklen_t(MemoryLayout<sockaddr_in>.size)
                let n = withUnsafeMutablePointer(to: &from) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { recvfrom(fd, &buffer, buffer.count, 0, $0, &length) }
                }
                guard n > 0 else { continue }
                let messages = buffer.withUnsafeBytes { try? OSCCodec.decode(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
                for m in messages ?? [] { send(answer(m, from: from), to: from) }
            }
        }
        t.name = "dawg-supervise-control"
        t.start()
    }

    public func stop() {
        running = false
    }

    func answer(_ m: OSCMessage, from: sockaddr_in) -> OSCMessage {
        let name: String? = if case .string(let s) = m.args.first { s } else { nil }
        switch m.path {
        case "/supervise/status": return OSCMessage("/supervise/status.reply", [.string(supervisor.stateJSON)])
        case "/supervise/stop":
            supervisor.request(.stop)
            return OSCMessage("/supervise/ok", [.string("stop")])
        case "/supervise/restart", "/supervise/recover":
            guard let name, supervisor.config.services.contains(where: { $0.name == name }) else {
                return OSCMessage("/error", [.string(m.path), .string("no service \(name ?? "(none given)")")])
            }
            supervisor.request(m.path.hasSuffix("restart") ? .restart(name) : .recover(name))
            return OSCMessage("/supervise/ok", [.string("\(m.path.split(separator: "/").last!) \(name)")])
        case "/alert/subscribe":
            if !subscribers.contains(where: { $0.sin_port == from.sin_port && $0.sin_addr.s_addr == from.sin_addr.s_addr }) {
                subscribers.append(from)
            }
            return OSCMessage("/alert/subscribed")
        default:
            return OSCMessage("/error", [.string(m.path), .string("unknown address")])
        }
    }

    func send(_ m: OSCMessage, to: sockaddr_in) {
        var address = to
        let bytes = OSCCodec.encode(m)
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { sendto(fd, bytes, bytes.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
    }
}
