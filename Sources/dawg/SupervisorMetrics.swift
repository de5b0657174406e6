import Foundation
import Hummingbird
import Metrics
import Prometheus
import Supervisor

/// The supervisor's `GET /metrics` (Prometheus text format, swift-metrics over a
/// swift-prometheus registry of its own) and `GET /health` (its state as JSON; 200
/// while every service runs, 503 otherwise), on `http_port`.
final class SupervisorMetrics: @unchecked Sendable {
    // @unchecked Sendable: `restartsSeen` is touched only under `lock`.
    private let registry = PrometheusCollectorRegistry()
    private let factory: PrometheusMetricsFactory
    private let supervisor: Supervisor
    private let lock = NSLock()
    private var restartsSeen: [String: Int] = [:]

    init(supervisor: Supervisor) {
        self.supervisor = supervisor
        factory = PrometheusMetricsFactory(registry: registry)
    }

    var state: SupervisorState? { try? JSONDecoder().decode(SupervisorState.self, from: Data(supervisor.stateJSON.utf8)) }

    /// The HTTP thread: the figures now.
    func scrape() -> String {
        guard let state else { return "" }
        let now = Date().timeIntervalSince1970
        for s in state.services {
            let d = [("service", s.name)]
            func gauge(_ name: String, _ v: Double) { Metrics.Gauge(label: name, dimensions: d, factory: factory).record(v) }
            gauge("dawg_service_up", s.pid != nil ? 1 : 0)
            gauge("dawg_service_uptime_seconds", s.startedAt.map { now - $0 } ?? 0)
            gauge("dawg_service_escalated", s.escalated ? 1 : 0)
            gauge("dawg_service_breaker_open", s.breaker == "closed" ? 0 : 1)
            gauge("dawg_service_failures_in_a_row", Double(s.failuresInARow))
            // Restarts as a counter: what was added since the last scrape (a recover
            // empties the list; the counter never goes back).
            let grew: Int = lock.withLock {
                let before = restartsSeen[s.name] ?? 0
                restartsSeen[s.name] = s.restarts.count
                return s.restarts.count >= before ? s.restarts.count - before : s.restarts.count
            }
            Metrics.Counter(label: "dawg_service_restarts_total", dimensions: d, factory: factory).increment(by: grew)
        }
        Metrics.Gauge(label: "dawg_supervisor_kill_switch", factory: factory).record(state.killSwitch ? 1 : 0)
        var bytes: [UInt8] = []
        registry.emit(into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    func application(port: Int) -> some ApplicationProtocol {
        let router = Router()
        router.get("metrics") { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(string: self.scrape())))
        }
        router.get("health") { _, _ -> Response in
            let json = self.supervisor.stateJSON
            let healthy = self.state?.services.allSatisfy { $0.status == "healthy" || $0.status == "running" } ?? false
            return Response(status: healthy ? .ok : .serviceUnavailable, headers: [.contentType: "application/json"],
                            body: .init(byteBuffer: ByteBuffer(string: json + "\n")))
        }
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port), serverName: "dawg-supervise"))
    }
}
