import Atomics
import AudioFiles
import CShim
import Control
import Engine
import Foundation
import Store

/// The recorder's figures: what recording costs the process thread, and how fast the
/// disk writer drains 32 channels into a take.
extension Bench {
    static let recordChannels = 32

    /// 32 input tracks (capture → strip → master), without and with a recorder tap on
    /// each, record on: the difference is the process thread's cost of recording.
    func record() {
        let n = Self.recordChannels
        print("\nrecording: \(n) input tracks, each capture → strip → master, with and without a recorder tap; \(seconds) s per case")
        print("period  without µs  with taps µs  recording µs/cycle  ns/channel/frame  % of period")
        for period in [64, 256] {
            let without = measureInputs(n, period: period, taps: false)
            let with = measureInputs(n, period: period, taps: true)
            let cost = max(0, with - without)
            print(String(format: "%6d  %10.2f  %12.2f  %18.2f  %16.3f  %10.2f%%",
                         period, without, with, cost, cost * 1000 / Double(n * period), cost / budget(period) * 100))
        }
    }

    /// What listens to each input beside the mix, in `measureInputs`.
    enum InputTap { case none, recorder, pitch, loudness }

    /// Mean µs per cycle; the rings are emptied between cycles, outside the timing.
    func measureInputs(_ n: Int, period: Int, taps: Bool) -> Double {
        measureInputs(n, period: period, tap: taps ? .recorder : .none)
    }

    func measureInputs(_ n: Int, period: Int, tap: InputTap) -> Double {
        let config = EngineConfig(sampleRate: Double(sampleRate), maxFrames: 8192, maxStrips: n + 1, maxBuses: 1, inputs: n)
        let engine = EngineHandle(config: config)
        let streams = tap == .recorder ? (0..<n).map { _ in RecordStream(channels: 1, frames: 1 << 16) } : []
        let pitches = tap == .pitch ? (0..<n).map { _ in PitchStream() } : []
        let meters = tap == .loudness ? (0..<n).map { _ in LoudnessStream() } : []
        var mix = PlainMix(config: config)
        for i in 0..<n {
            let node: NodeState? = switch tap {
            case .none: nil
            case .recorder: RecordTap.node(stream: streams[i], armed: true, meterSlot: i + 1)
            case .pitch: PitchTap.node(stream: pitches[i], sampleRate: Double(sampleRate), maxFrames: config.maxFrames)
            case .loudness: LoudnessTap.node(stream: meters[i], sampleRate: Double(sampleRate))
            }
            mix.add(source: CaptureInput.node(port: i), tap: node, gains: .init(), slot: i + 1)
        }
        _ = try! engine.install(mix.description())
        engine.send(.record(true))
        engine.send(.play)
        let buffers = (0..<n).map { c -> UnsafeMutablePointer<Float> in
            let b = UnsafeMutablePointer<Float>.allocate(capacity: period)
            for i in 0..<period { b[i] = sinf(Float(c * period + i) * 0.01) * 0.1 }
            return b
        }
        let inputs = UnsafeMutablePointer<UnsafePointer<Float>?>.allocate(capacity: n)
        for c in 0..<n { inputs[c] = UnsafePointer(buffers[c]) }
        let left = UnsafeMutablePointer<Float>.allocate(capacity: period), right = UnsafeMutablePointer<Float>.allocate(capacity: period)
        defer {
            buffers.forEach { $0.deallocate() }
            inputs.deallocate(); left.deallocate(); right.deallocate()
        }
        var total = 0.0
        let count = Int(seconds * Double(sampleRate)) / period
        for k in 0..<count {
            let t0 = dawg_monotonic_ns()
            engine.core.pointee.process(frames: period, inputs: inputs, left: left, right: right, nanos: t0)
            if k >= 10 { total += Double(dawg_monotonic_ns() - t0) / 1000 }
            for s in streams {
                s.ring(0).commitRead(s.ring(0).count)
                while s.marks.pop() != nil {}
            }
            for p in pitches { while p.readings.pop() != nil {} }
            for m in meters { while m.steps.pop() != nil {} }
        }
        return total / Double(count - 10)
    }

    /// Live pitch trackers on 8 inputs (capture → strip → master, each fed a voiced
    /// tone): what they cost the process thread, as a share of one core.
    func pitch() { tapCost(.pitch, title: "pitch trackers", one: "tracker", many: "trackers") }

    /// BS.1770 loudness meters (K-weighting and a 4× true-peak interpolator) on 8 inputs.
    func loudness() { tapCost(.loudness, title: "loudness meters", one: "meter", many: "meters") }

    /// 8 input tracks with and without `tap` on each: the taps' cost per cycle, per tap
    /// and as a share of one core, at 64 and 256 frames.
    func tapCost(_ tap: InputTap, title: String, one: String, many: String) {
        let n = 8
        print("\n\(title): \(n) input tracks, each capture → strip → master, with and without a \(one); \(seconds) s per case")
        let columns = ["with \(many) µs", "\(many) µs/cycle", "per \(one)"]
        print("period  without µs  \(columns.joined(separator: "  "))  % of one core")
        let widths = columns.map(\.count)
        for period in [64, 256] {
            let without = measureInputs(n, period: period, tap: .none)
            let with = measureInputs(n, period: period, tap: tap)
            let cost = max(0, with - without)
            print(String(format: "%6d  %10.2f  %\(widths[0]).2f  %\(widths[1]).2f  %\(widths[2]).2f  %12.2f%%",
                         period, without, with, cost, cost / Double(n), cost / budget(period) * 100))
        }
    }

    /// The disk writer draining 32 armed mono tracks (32 takes, as a session records
    /// them) as fast as a producer thread fills the rings: sustained throughput, against
    /// the 6.1 MB/s 32 channels at 48 kHz need.
    func writer() throws {
        let channels = Self.recordChannels, frames = Int(seconds * Double(sampleRate))
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dawg-writer-bench-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let paths = try ProjectPaths(directory: dir)
        let store = try ProjectStore(directory: paths.root, name: "bench")
        print("\ndisk writer: \(channels) mono takes × \(seconds) s at \(sampleRate) Hz, in \(NSTemporaryDirectory())")
        print("format     audio MB/s  × what \(channels) ch need  s to write (incl. each file's SHA-256)")
        for (k, format) in [RecordFormat.wavFloat, .wav24, .flac24].enumerated() {
            var options = DiskWriter.Options()
            options.format = format
            let w = DiskWriter(store: store, paths: paths, sampleRate: sampleRate, options: options)
            let streams = (0..<channels).map { _ in RecordStream(channels: 1, frames: 1 << 16) }
            for (c, stream) in streams.enumerated() { w.add(stream, for: .track(k * 100 + c + 1)) }
            let chunk = (0..<4096).map { sinf(Float($0) * 0.013) * 0.25 }
            let producer = Thread {
                for s in streams { _ = s.marks.push(RecordMark(kind: .start, frame: 0, value: 0)) }
                var written = 0
                while written < frames {
                    let n = min(4096, frames - written, streams.map { $0.capacity - $0.framesWaiting }.min()!)
                    if n == 0 { usleep(200); continue }
                    chunk.withUnsafeBufferPointer { b in
                        for s in streams { _ = s.ring(0).writeSamples(b.baseAddress!, count: n) }
                    }
                    written += n
                }
                for s in streams { _ = s.marks.push(RecordMark(kind: .end, frame: Int64(frames), value: 0)) }
            }
            let finished = ManagedAtomic(0), failed = ManagedAtomic(false)
            w.onEvent { event in
                switch event {
                case .finished: finished.wrappingIncrement(ordering: .relaxed)
                case .failed: failed.store(true, ordering: .relaxed)
                default: break
                }
            }
            let t0 = dawg_monotonic_ns()
            producer.start()
            while finished.load(ordering: .relaxed) < channels && !failed.load(ordering: .relaxed) { w.drain(); usleep(500) }
            let elapsed = Double(dawg_monotonic_ns() - t0) / 1e9
            if failed.load(ordering: .relaxed) { print("\(format.rawValue): the writer failed (see the log)"); continue }
            let megabytes = Double(frames * channels * 4) / 1e6
            let need = Double(channels * sampleRate * 4) / 1e6
            print(String(format: "%@  %10.1f  %18.1f  %10.2f", format.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0),
                         megabytes / elapsed, megabytes / elapsed / need, elapsed))
        }
    }
}
