import Control
import Engine
import Foundation
import JACKHost
import Metrics
import Prometheus

/// What `GET /metrics` shows, in Prometheus text format: swift-metrics counters, gauges
/// and timers backed by a swift-prometheus registry of dawg's own (no global bootstrap,
/// so nothing else in the process can add to it by accident).
///
/// Per-cycle timings are recorded as the monitor drains them; OSC messages as the
/// router handles them; running totals the engine keeps (xruns, dropped commands,
/// overruns) are turned into counter increments when a scrape asks.
final class EngineMetrics: @unchecked Sendable {
    // @unchecked Sendable: `totals` and `addresses` are touched only under `lock`;
    // swift-metrics handles are thread-safe.
    let registry = PrometheusCollectorRegistry()
    private let factory: PrometheusMetricsFactory
    private let lock = ControlLock()
    /// The last running total seen, per counter and dimensions.
    private var totals: [String: Int64] = [:]
    private var addresses: [String: (messages: Metrics.Counter, errors: Metrics.Counter)] = [:]
    private let callback: Metrics.Timer
    private let wake: Metrics.Timer
    private let finish: Metrics.Timer
    let pitchLatency: Metrics.Timer

    init() {
        var f = PrometheusMetricsFactory(registry: registry)
        // 50 µs up to a second, dense around a 256-frame period (5.3 ms).
        let micros: [Int64] = [50, 100, 250, 500, 1000, 2000, 3000, 5000, 8000, 12_000, 20_000, 30_000, 50_000, 100_000, 1_000_000]
        f.defaultDurationHistogramBuckets = micros.map { Duration.microseconds($0) }
        factory = f
        callback = Metrics.Timer(label: "dawg_process_callback_seconds", factory: f)
        wake = Metrics.Timer(label: "dawg_cycle_wake_seconds", factory: f)
        finish = Metrics.Timer(label: "dawg_cycle_finish_seconds", factory: f)
        pitchLatency = Metrics.Timer(label: "dawg_pitch_feedback_latency_seconds", factory: f)
    }

    /// The monitor's drain (a control thread): one process cycle's timings.
    func record(_ t: CycleTiming) {
        callback.recordNanoseconds(Int64(t.busyNanos))
        wake.recordMicroseconds(Int(t.wakeMicros))
        finish.recordMicroseconds(Int(t.finishMicros))
    }

    /// The OSC thread: one message handled, refused or not. `address` is already a
    /// pattern (`/strip/<id>/gain`), so the label set stays bounded.
    func handled(_ address: String, failed: Bool) {
        let pair = lock.withLock {
            if let p = addresses[address] { return p }
            let p = (Metrics.Counter(label: "dawg_osc_messages_total", dimensions: [("address", address)], factory: factory),
                     Metrics.Counter(label: "dawg_osc_errors_total", dimensions: [("address", address)], factory: factory))
            addresses[address] = p
            return p
        }
        pair.messages.increment()
        if failed { pair.errors.increment() }
    }

    /// A scrape: bring the running totals and gauges up to date, then the text.
    func scrape(_ s: ScrapeSources) -> String {
        let status = s.monitor.status()
        let published = s.session.engine.published
        count("dawg_xruns_total", Int64(status.xruns))
        count("dawg_late_cycles_total", Int64(s.monitor.lateCyclesTotal()))
        count("dawg_commands_dropped_total", Int64(s.session.droppedCommandCount), [("ring", "command")])
        count("dawg_commands_dropped_total", Int64(published.pendingOverflows.load(ordering: .relaxed)), [("ring", "pending")])
        count("dawg_events_dropped_total", Int64(published.droppedEvents.load(ordering: .relaxed)))
        count("dawg_late_commands_total", Int64(published.lateCommands.load(ordering: .relaxed)))
        count("dawg_oversized_cycles_total", Int64(published.oversizedCycles.load(ordering: .relaxed)))
        count("dawg_cycles_total", Int64(truncatingIfNeeded: published.cycles.load(ordering: .relaxed)))
        gauge("dawg_dsp_load_percent", Double(status.dspLoad))
        gauge("dawg_uptime_seconds", status.uptime)
        gauge("dawg_sample_rate_hertz", status.sampleRate)
        gauge("dawg_period_frames", Double(status.period))
        gauge("dawg_tracks", Double(s.session.trackCount))
        gauge("dawg_transport_playing", published.playing.load(ordering: .relaxed) ? 1 : 0)
        gauge("dawg_recording", published.recording.load(ordering: .relaxed) ? 1 : 0)
        if let writer = s.session.recorder {
            for (source, fill) in writer.ringFill() { gauge("dawg_recorder_ring_fill_ratio", fill, [("source", source.label)]) }
            for (source, frames) in writer.overruns() { count("dawg_recorder_overrun_frames_total", Int64(frames), [("source", source.label)]) }
        }
        for (track, stream) in s.session.pitchStreams() {
            count("dawg_pitch_readings_dropped_total", Int64(stream.dropped.load(ordering: .relaxed)), [("track", String(track))])
        }
        var bytes: [UInt8] = []
        registry.emit(into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A counter that follows a running total (the total may restart from 0: then the
    /// new total is what happened since).
    private func count(_ label: String, _ total: Int64, _ dimensions: [(String, String)] = []) {
        let key = label + dimensions.map { "|\($0.0)=\($0.1)" }.joined()
        let delta: Int64 = lock.withLock {
            let before = totals[key]
            totals[key] = total
            guard let before else { return total }
            return total >= before ? total - before : total
        }
        let counter = Metrics.Counter(label: label, dimensions: dimensions, factory: factory)
        if delta > 0 { counter.increment(by: delta) } else { counter.increment(by: 0) }
    }

    private func gauge(_ label: String, _ value: Double, _ dimensions: [(String, String)] = []) {
        Metrics.Gauge(label: label, dimensions: dimensions, factory: factory).record(value)
    }
}

/// What a scrape reads.
struct ScrapeSources {
    let session: Session
    let monitor: JackMonitor
}
