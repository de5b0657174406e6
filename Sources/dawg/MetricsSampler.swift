import Control
import Foundation
import Logging
import Store

/// Keeps the engine's figures in the project store (`metric_samples`) every
/// `interval` seconds, forgetting those older than `retention`: the history
/// `dawg metrics --since` reads. Its own thread; a failing write is logged, not fatal.
final class MetricsSampler: @unchecked Sendable {
    // @unchecked Sendable: everything is set in `init`; the thread only reads.
    let metrics: EngineMetrics
    let sources: ScrapeSources
    let store: ProjectStore
    let interval: Double
    let retention: Double
    let logger: Logger
    private let thread = PollingThread()

    init(metrics: EngineMetrics, sources: ScrapeSources, store: ProjectStore, interval: Double, retention: Double, logger: Logger) {
        self.metrics = metrics
        self.sources = sources
        self.store = store
        self.interval = interval
        self.retention = retention
        self.logger = logger
    }

    func start() {
        thread.start(name: "dawg metrics sampler") { [self] in
            sample()
            return UInt64(interval * 1e9)
        }
    }

    func stop() { thread.stop() }

    /// One sample of every figure, now.
    func sample() {
        let now = Date().timeIntervalSince1970
        let samples = metrics.readings(sources).map { r in
            MetricSample(takenAt: now, name: r.name, labels: r.dimensions.map { "\($0.0)=\($0.1)" }.joined(separator: ","), value: r.value)
        }
        do { try store.record(samples, keepSeconds: retention) } catch {
            logger.warning("metrics not kept in the store: \(error)")
        }
    }
}
