import ArgumentParser
import CFloatEnv
import CShim
import DSP
import Engine
import Foundation

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Offline cost per cycle of the engine (no JACK), on one core.",
        discussion: """
        Parts: strips (N file tracks, each gain → pan → master), processors (each kind's cost \
        per instance), eqcomp (128 strips, each with a 5-band EQ and a compressor), tails \
        (a bus reverb while signal plays and through 60 s of silence after it), record (what \
        recording 32 inputs costs the process thread), writer (the disk writer's throughput), \
        pitch (8 live pitch trackers' cost), loudness (8 live loudness meters' cost), generation (a 32-bar \
        song made and rendered; the melodic model on held-out tunes), rf64 (a 4.5 GB \
        take: RF64, exact, readable while \
        open; not in the default set). \
        scripts/bench runs this and the JACK figures (CPU, callback percentiles, xruns, OSC \
        latency, scsynth, a plain C client).
        """
    )

    @Option(help: "Comma-separated parts: strips, processors, eqcomp, tails, record, writer, pitch, loudness, generation, rf64.")
    var parts = "strips,processors,eqcomp,tails,record,writer,pitch,loudness,generation"

    @Option(help: "Comma-separated track counts (strips).")
    var tracks = "8,32,128"

    @Option(help: "Comma-separated period sizes in frames (strips).")
    var periods = "64,128,256"

    @Option(name: .customLong("sample-rate"))
    var sampleRate = 48000

    @Option(help: "Seconds of audio rendered per case.")
    var seconds = 10.0

    func run() throws {
        // This thread renders, as the process thread would: flush denormals here too.
        dawg_flush_denormals()
        let wanted = Set(parts.split(separator: ",").map(String.init))
        if wanted.contains("strips") { strips() }
        if wanted.contains("processors") { processors() }
        if wanted.contains("eqcomp") { eqComp() }
        if wanted.contains("tails") { tails() }
        if wanted.contains("record") { record() }
        if wanted.contains("writer") { try writer() }
        if wanted.contains("rf64") { try rf64() }
        if wanted.contains("pitch") { pitch() }
        if wanted.contains("loudness") { loudness() }
        if wanted.contains("generation") { try generation() }
    }

    // MARK: parts

    func strips() {
        let trackCounts = tracks.split(separator: ",").compactMap { Int($0) }
        let periodSizes = periods.split(separator: ",").compactMap { Int($0) }
        print("offline cost per cycle at \(sampleRate) Hz, \(seconds) s per case (file tracks, gain → pan → master; one core)")
        print("tracks  period  mean µs  p99 µs  max µs  % of period  ns/track/frame")
        for n in trackCounts {
            for period in periodSizes {
                let r = measure(tracks: n, period: period) { _ in [] }
                print(String(format: "%6d  %6d  %7.2f  %6.2f  %6.2f  %10.2f%%  %14.3f",
                             n, period, r.mean, r.p99, r.max, r.mean / budget(period) * 100, r.mean * 1000 / Double(n * period)))
            }
        }
    }

    func processors() {
        let n = 32
        print("\nprocessor cost: \(n) stereo tracks with and without one processor each; the difference per instance")
        print("processor                        period  µs/cycle  ns/frame  % of period")
        let kinds: [(String, (EngineConfig) -> [NodeState])] = [
            ("EQ, 5 bands", { [eq($0, bands: 5)] }),
            ("EQ, all 8 bands (24 dB filters)", { [eq($0, bands: 8)] }),
            ("compressor (peak)", { [compressor($0, rms: false)] }),
            ("compressor (RMS)", { [compressor($0, rms: true)] }),
            ("gate", { [gate($0)] }),
            ("reverb", { [reverb($0)] }),
            ("delay (ping-pong)", { [delay($0)] }),
            ("gate, EQ, compressor: all off", { c in
                [GateProcessor.node(GateSettings(), sampleRate: c.sampleRate, rampFrames: c.rampFrames),
                 EqualizerProcessor.node(eqOff(c), rampFrames: c.rampFrames),
                 CompressorProcessor.node(CompressorSettings(), sampleRate: c.sampleRate, meterSlot: 0, rampFrames: c.rampFrames)]
            }),
        ]
        for period in [64, 256] {
            let base = measure(tracks: n, period: period, stereo: true) { _ in [] }
            for (name, make) in kinds {
                let r = measure(tracks: n, period: period, stereo: true, make)
                let each = max(0, r.mean - base.mean) / Double(n)
                print(String(format: "%@  %6d  %8.3f  %8.2f  %10.3f%%",
                             name.padding(toLength: 31, withPad: " ", startingAt: 0), period, each, each * 1000 / Double(period), each / budget(period) * 100))
            }
        }
    }

    func eqComp() {
        print("\n128 strips, each with a 5-band EQ and a compressor (mono file tracks)")
        print("period  mean µs  p99 µs  max µs  % of period")
        for period in [64, 256] {
            let r = measure(tracks: 128, period: period) { [eq($0, bands: 5), compressor($0, rms: false)] }
            print(String(format: "%6d  %7.2f  %6.2f  %6.2f  %10.2f%%", period, r.mean, r.p99, r.max, r.mean / budget(period) * 100))
        }
    }

    /// A reverb and a delay on a bus fed a burst: cost per cycle while the burst plays,
    /// then over 60 s of silence (a tail decaying towards zero must not get dearer).
    func tails() {
        print("\nbus reverb + delay (32 of each), cost per cycle of 256 frames: signal, then 60 s of silence")
        let config = EngineConfig(sampleRate: Double(sampleRate), maxFrames: 8192, maxStrips: 64, inputs: 0)
        let engine = EngineHandle(config: config)
        let burst = UnsafeMutableBufferPointer<Float>.allocate(capacity: sampleRate * 2)
        defer { burst.deallocate() }
        var seed: UInt32 = 1
        for i in burst.indices {
            seed = seed &* 1_664_525 &+ 1_013_904_223
            burst[i] = Float(Int32(bitPattern: seed)) / Float(Int32.max) * 0.3
        }
        var mix = PlainMix(config: config)
        for i in 0..<32 {
            let clip = ClipNode(left: burst.baseAddress!, right: burst.baseAddress!, start: 0, length: Int64(burst.count))
            mix.add(source: ClipPlayer.node(clips: [clip], stereo: true, retaining: []), channels: 2,
                    inserts: [delay(config), reverb(config)], gains: .init(), slot: i + 1)
        }
        _ = try! engine.install(mix.description())
        engine.send(.play)
        let signal = cycles(engine, period: 256, count: sampleRate * 2 / 256)
        let silence = cycles(engine, period: 256, count: sampleRate * 60 / 256)
        let late = Array(silence.suffix(sampleRate * 10 / 256))
        print(String(format: "while the burst plays:      mean %7.2f µs  p99 %7.2f µs", mean(signal), percentile(signal, 0.99)))
        print(String(format: "silence, whole 60 s:        mean %7.2f µs  p99 %7.2f µs", mean(silence), percentile(silence, 0.99)))
        print(String(format: "silence, last 10 s:         mean %7.2f µs  p99 %7.2f µs", mean(late), percentile(late, 0.99)))
    }

    // MARK: processors as the bench sets them

    func eq(_ c: EngineConfig, bands: Int) -> NodeState {
        let order: [EqualizerDesign.Band] = bands == 5 ? [.lowshelf, .peak1, .peak2, .peak3, .highshelf] : EqualizerDesign.Band.allCases
        let settings = EqualizerDesign.Band.allCases.map { band -> EqualizerProcessor.BandSetting in
            let s = EqualizerDesign.BandSettings(
                frequency: EqualizerDesign.defaultFrequencies[band]!, gainDb: 3, q: 1, slope: 24, on: order.contains(band)
            )
            return EqualizerDesign.setting(band, s, sampleRate: c.sampleRate)
        }
        return EqualizerProcessor.node(settings, rampFrames: c.rampFrames)
    }

    /// An EQ as every strip has one by default: all bands and the EQ off.
    func eqOff(_ c: EngineConfig) -> [EqualizerProcessor.BandSetting] {
        EqualizerDesign.Band.allCases.map { band in
            let s = EqualizerDesign.BandSettings(frequency: EqualizerDesign.defaultFrequencies[band]!, gainDb: 0, q: 0.7, slope: 12, on: false)
            return EqualizerDesign.setting(band, s, sampleRate: c.sampleRate, eqOn: false)
        }
    }

    func compressor(_ c: EngineConfig, rms: Bool) -> NodeState {
        var s = CompressorSettings()
        s.threshold = -24
        s.detect = rms ? .rms : .peak
        s.on = true
        return CompressorProcessor.node(s, sampleRate: c.sampleRate, meterSlot: 0, rampFrames: c.rampFrames)
    }

    func gate(_ c: EngineConfig) -> NodeState {
        var s = GateSettings()
        s.on = true
        return GateProcessor.node(s, sampleRate: c.sampleRate, rampFrames: c.rampFrames)
    }

    func reverb(_ c: EngineConfig) -> NodeState {
        var s = ReverbSettings()
        s.on = true
        return ReverbProcessor.node(s, sampleRate: c.sampleRate, rampFrames: c.rampFrames)
    }

    func delay(_ c: EngineConfig) -> NodeState {
        var s = DelaySettings()
        s.pingpong = true
        s.on = true
        return DelayProcessor.node(s, sampleRate: c.sampleRate, rampFrames: c.rampFrames)
    }

    // MARK: measuring

    func budget(_ period: Int) -> Double { Double(period) / Double(sampleRate) * 1e6 }

    /// `n` file tracks, each a different tone (two seconds, looped by the transport, so
    /// no two tracks read the same memory), through `inserts` and a strip.
    func measure(tracks n: Int, period: Int, stereo: Bool = false, _ inserts: (EngineConfig) -> [NodeState]) -> (mean: Double, p99: Double, max: Double) {
        let config = EngineConfig(sampleRate: Double(sampleRate), maxFrames: 8192, maxStrips: n + 1, maxBuses: 1, inputs: 0)
        let engine = EngineHandle(config: config)
        let length = sampleRate * 2
        let audio = (0..<n).map { i -> UnsafeMutableBufferPointer<Float> in
            let f = Float(110 + 10 * i)
            let b = UnsafeMutableBufferPointer<Float>.allocate(capacity: length)
            for t in 0..<length { b[t] = 0.1 * sinf(2 * .pi * f * Float(t) / Float(sampleRate)) }
            return b
        }
        defer { audio.forEach { $0.deallocate() } }
        var mix = PlainMix(config: config)
        for (i, samples) in audio.enumerated() {
            let pan = PanLaw.mono(Float(i % 9) / 4 - 1)
            let clip = ClipNode(left: samples.baseAddress!, right: samples.baseAddress!, start: 0, length: Int64(length))
            mix.add(
                source: ClipPlayer.node(clips: [clip], stereo: stereo, retaining: []), channels: stereo ? 2 : 1,
                inserts: inserts(config), gains: .init(fader: Decibels.toGain(-6), panLeft: pan.left, panRight: pan.right), slot: i + 1
            )
        }
        _ = try! engine.install(mix.description())
        engine.send(.loop(start: 0, end: Int64(length), enabled: true))
        engine.send(.play)
        let times = cycles(engine, period: period, count: Int(seconds * Double(sampleRate)) / period).dropFirst(10).sorted()
        return (mean(Array(times)), times[Int(Double(times.count - 1) * 0.99)], times.last!)
    }

    /// Microseconds per cycle for `count` cycles of `period` frames.
    func cycles(_ engine: EngineHandle, period: Int, count: Int) -> [Double] {
        let left = UnsafeMutablePointer<Float>.allocate(capacity: period), right = UnsafeMutablePointer<Float>.allocate(capacity: period)
        let inputs = UnsafeMutablePointer<UnsafePointer<Float>?>.allocate(capacity: 1)
        inputs[0] = nil
        defer { left.deallocate(); right.deallocate(); inputs.deallocate() }
        var times: [Double] = []
        times.reserveCapacity(count)
        for _ in 0..<count {
            let t0 = dawg_monotonic_ns()
            engine.core.pointee.process(frames: period, inputs: inputs, left: left, right: right, nanos: t0)
            times.append(Double(dawg_monotonic_ns() - t0) / 1000)
        }
        return times
    }

    func mean(_ x: [Double]) -> Double { x.reduce(0, +) / Double(max(1, x.count)) }
    func percentile(_ x: [Double], _ p: Double) -> Double {
        let s = x.sorted()
        return s[Int(Double(s.count - 1) * p)]
    }
}
