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

    /// One figure read from the engine: a running total (a counter's) or a level.
    struct Reading {
        var name: String
        var dimensions: [(String, String)] = []
        var value: Double
        var total: Bool
    }

    /// The engine's figures now (any control thread): what a scrape shows besides the
    /// histograms, and what the store keeps.
    func readings(_ s: ScrapeSources) -> [Reading] {
        let status = s.monitor.status()
        let published = s.session.engine.published
        func total(_ name: String, _ v: Int, _ d: [(String, String)] = []) -> Reading { Reading(name: name, dimensions: d, value: Double(v), total: true) }
        func level(_ name: String, _ v: Double, _ d: [(String, String)] = []) -> Reading { Reading(name: name, dimensions: d, value: v, total: false) }
        var r = [
            total("dawg_xruns_total", status.xruns),
            total("dawg_late_cycles_total", s.monitor.lateCyclesTotal()),
            total("dawg_commands_dropped_total", s.session.droppedCommandCount, [("ring", "command")]),
            total("dawg_commands_dropped_total", published.pendingOverflows.load(ordering: .relaxed), [("ring", "pending")]),
            total("dawg_events_dropped_total", published.droppedEvents.load(ordering: .relaxed)),
            total("dawg_late_commands_total", published.lateCommands.load(ordering: .relaxed)),
            total("dawg_oversized_cycles_total", published.oversizedCycles.load(ordering: .relaxed)),
            total("dawg_cycles_total", Int(truncatingIfNeeded: published.cycles.load(ordering: .relaxed))),
            level("dawg_dsp_load_percent", Double(status.dspLoad)),
            level("dawg_uptime_seconds", status.uptime),
            level("dawg_sample_rate_hertz", status.sampleRate),
            level("dawg_period_frames", Double(status.period)),
            level("dawg_tracks", Double(s.session.trackCount)),
            level("dawg_transport_playing", published.playing.load(ordering: .relaxed) ? 1 : 0),
            level("dawg_recording", published.recording.load(ordering: .relaxed) ? 1 : 0),
            level("dawg_audio_up", status.audioDown == nil ? 1 : 0),
            total("dawg_jack_reconnects_total", s.monitor.jack.reconnects.load(ordering: .relaxed)),
        ]
        if let writer = s.session.recorder {
            r += writer.ringFill().map { level("dawg_recorder_ring_fill_ratio", $0.1, [("source", $0.0.label)]) }
            r += writer.overruns().map { total("dawg_recorder_overrun_frames_total", $0.1, [("source", $0.0.label)]) }
            r += writer.skips().map { total("dawg_recorder_xrun_frames_total", $0.1, [("source", $0.0.label)]) }
        }
        r += s.session.pitchStreams().map {
            total("dawg_pitch_readings_dropped_total", $0.stream.dropped.load(ordering: .relaxed), [("track", String($0.track))])
        }
        return r
    }

    /// A scrape: bring the running totals and gauges up to date, then the text.
    func scrape(_ s: ScrapeSources) -> String {
        for r in readings(s) {
            if r.total { count(r.name, Int64(r.value), r.dimensions) } else { gauge(r.name, r.value, r.dimensions) }
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
