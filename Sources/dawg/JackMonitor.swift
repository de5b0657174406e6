import Engine
import Foundation
import JACKHost
import OSC

/// Figures about the running engine for `/status`, `/stats` and `/health`: JACK's own,
/// and cycle timings drained from the process thread into histograms.
final class JackMonitor: EngineMonitor, @unchecked Sendable {
    // @unchecked Sendable: `stats` and `xrunsAtReset` are touched only under `lock`.
    let jack: JackHost
    let started = Date()
    private let lock = ControlLock()
    private var stats = CycleStats()
    private var xrunsAtReset = 0
    /// Late cycles since start (the statistics' count starts again at each reset).
    private var lateTotal = 0
    /// Where each cycle's timings also go (`GET /metrics`); set before the engine runs.
    var metrics: EngineMetrics?

    init(jack: JackHost) { self.jack = jack }

    /// Control side, called every few milliseconds: empty the cycle-timing ring.
    func drain() {
        let period = UInt32(1_000_000 * jack.bufferSize.load(ordering: .relaxed) / max(1, jack.sampleRate))
        lock.withLock {
            let before = stats.late
            jack.drainCycleTimes { t in
                stats.record(t, periodMicros: period)
                metrics?.record(t)
            }
            lateTotal += stats.late - before
        }
    }

    func lateCyclesTotal() -> Int {
        drain()
        return lock.withLock { lateTotal }
    }

    func status() -> EngineStatus {
        drain()
        let xruns = jack.xruns.load(ordering: .relaxed)
        var s = EngineStatus(
            sampleRate: Double(jack.sampleRate), period: jack.bufferSize.load(ordering: .relaxed), dspLoad: jack.dspLoad,
            xruns: xruns, uptime: Date().timeIntervalSince(started)
        )
        s.audioDown = jack.shutdown
        lock.withLock {
            s.callbacks = Int(stats.count)
            if stats.count > 0 {
                s.callbackP50 = Double(stats.busy.valueAtPercentile(50))
                s.callbackP99 = Double(stats.busy.valueAtPercentile(99))
                s.callbackMax = Double(stats.busy.max)
                s.wakeP99 = Double(stats.wake.valueAtPercentile(99))
                s.wakeMax = Double(stats.wake.max)
                s.finishMax = Double(stats.finish.max)
            }
            s.lateCycles = stats.late
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
