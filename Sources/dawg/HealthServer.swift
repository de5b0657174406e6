import Foundation
import Hummingbird

/// HTTP on `--http-port`: `/health` now (200 while the engine runs, 503 once JACK has
/// gone), `/metrics` in a later step.
struct HealthServer {
    let host: String
    let port: Int
    let report: @Sendable () -> (healthy: Bool, json: String)

    func makeApplication() -> some ApplicationProtocol {
        let router = Router()
        let report = self.report
        router.get("health") { _, _ -> Response in
            let r = report()
            return Response(
                status: r.healthy ? .ok : .serviceUnavailable,
                headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: r.json + "\n"))
            )
        }
        return Application(router: router, configuration: .init(address: .hostname(host, port: port), serverName: "dawg"))
    }
}
