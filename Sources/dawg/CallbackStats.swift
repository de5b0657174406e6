import Histogram

/// Callback durations drained from the process thread, as a histogram in microseconds
/// (1 µs to 1 s, 3 significant digits).
struct CallbackStats {
    private(set) var histogram = Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: 1_000_000, numberOfSignificantValueDigits: .three)

    mutating func record(nanoseconds: UInt32) {
        histogram.record(Swift.max(1, UInt64(nanoseconds) / 1000))
    }

    var count: UInt64 { histogram.totalCount }
    func percentile(_ p: Double) -> UInt64 { histogram.valueAtPercentile(p) }
    var max: UInt64 { histogram.max }
    mutating func reset() { histogram.reset() }
}
