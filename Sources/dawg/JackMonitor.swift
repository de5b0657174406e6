import Engine
import Foundation
import JACKHost
import OSC

/// Figures about the running engine for `/status`, `/stats` and `/health`: JACK's own,
/// and callback durations drained from the process thread into a histogram.
final class JackMonitor: EngineMonitor, @unchecked Sendable {
    // @unchecked Sendable: `stats` and `xrunsAtReset` are touched only under `lock`.
    let jack: JackHost
    let started = Date()
    private let lock = ControlLock()
    private var stats = CallbackStats()
    private var xrunsAtReset = 0

    init(jack: JackHost) { self.jack = jack }

    /// Control side, called every few milliseconds: empty the callback-time ring.
    func drain() {
        lock.withLock { jack.drainCallbackTimes { stats.record(nanoseconds: $0) } }
    }

    func status() -> EngineStatus {
        drain()
        let xruns = jack.xruns.load(ordering: .relaxed)
        var s = EngineStatus(
            sampleRate: Double(jack.sampleRate), period: jack.bufferSize.load(ordering: .relaxed), dspLoad: jack.dspLoad,
            xruns: xruns, uptime: Date().timeIntervalSince(started)
        )
        lock.withLock {
            s.callbacks = Int(stats.count)
            if stats.count > 0 {
                s.callbackP50 = Double(stats.percentile(50))
                s.callbackP99 = Double(stats.percentile(99))
                s.callbackMax = Double(stats.max)
            }
            s.recentXruns = xruns - xrunsAtReset
        }
        return s
    }

    func resetStatistics() {
        drain()
        lock.withLock {
            stats.reset()
            xrunsAtReset = jack.xruns.load(ordering: .relaxed)
        }
    }
}
