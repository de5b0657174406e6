import Histogram
import JACKHost

/// Process-cycle timings drained from the process thread, as histograms in microseconds
/// (1 µs to 1 s, 3 significant digits): how long the callback ran, how late it started
/// after the server's cycle start, and when it finished.
struct CycleStats {
    private(set) var busy = CycleStats.histogram()
    private(set) var wake = CycleStats.histogram()
    private(set) var finish = CycleStats.histogram()
    /// Cycles that finished after their period was over, or that the server ran without
    /// the engine: the engine's own part in xruns.
    private(set) var late = 0

    private static func histogram() -> Histogram<UInt64> {
        Histogram(lowestDiscernibleValue: 1, highestTrackableValue: 1_000_000, numberOfSignificantValueDigits: .three)
    }

    mutating func record(_ t: CycleTiming, periodMicros: UInt32) {
        busy.record(Swift.max(1, UInt64(t.busyNanos) / 1000))
        wake.record(UInt64(Swift.min(Swift.max(1, t.wakeMicros), 1_000_000)))
        finish.record(UInt64(Swift.min(Swift.max(1, t.finishMicros), 1_000_000)))
        if t.finishMicros > periodMicros { late += 1 }
        late += Int(t.missed)
    }

    var count: UInt64 { busy.totalCount }

    mutating func reset() {
        busy.reset()
        wake.reset()
        finish.reset()
        late = 0
    }
}
