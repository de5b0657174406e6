import ArgumentParser
import CShim
import DSP
import Engine
import Foundation

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Offline cost per cycle of the engine (no JACK): N file tracks, each gain → constant-power pan → stereo master.",
        discussion: "scripts/bench runs this and the JACK figures (CPU, callback percentiles, xruns, OSC latency, scsynth)."
    )

    @Option(help: "Comma-separated track counts.")
    var tracks = "8,32,128"

    @Option(help: "Comma-separated period sizes in frames.")
    var periods = "64,128,256"

    @Option(name: .customLong("sample-rate"))
    var sampleRate = 48000

    @Option(help: "Seconds of audio rendered per case.")
    var seconds = 10.0

    func run() throws {
        let trackCounts = tracks.split(separator: ",").compactMap { Int($0) }
        let periodSizes = periods.split(separator: ",").compactMap { Int($0) }
        print("offline cost per cycle at \(sampleRate) Hz, \(seconds) s per case (file tracks, gain → pan → master; one core)")
        print("tracks  period  mean µs  p99 µs  max µs  % of period  ns/track/frame")
        for n in trackCounts {
            for period in periodSizes {
                let r = measure(tracks: n, period: period)
                let budget = Double(period) / Double(sampleRate) * 1e6
                print(String(format: "%6d  %6d  %7.2f  %6.2f  %6.2f  %10.2f%%  %14.3f",
                             n, period, r.mean, r.p99, r.max, r.mean / budget * 100, r.mean * 1000 / Double(n * period)))
            }
        }
    }

    func measure(tracks n: Int, period: Int) -> (mean: Double, p99: Double, max: Double) {
        let engine = EngineHandle(config: EngineConfig(sampleRate: Double(sampleRate), maxFrames: 8192, maxStrips: n + 1, maxBuses: 1, inputs: 0))
        let frames = Int(seconds * Double(sampleRate))
        // A different tone per track, so no two tracks read the same memory. The
        // buffers live until the end of this function, past every cycle that reads them.
        let audio = (0..<n).map { i -> UnsafeMutableBufferPointer<Float> in
            let f = Float(110 + 10 * i)
            let b = UnsafeMutableBufferPointer<Float>.allocate(capacity: frames)
            for t in 0..<frames { b[t] = 0.1 * sinf(2 * .pi * f * Float(t) / Float(sampleRate)) }
            return b
        }
        defer { audio.forEach { $0.deallocate() } }
        var mix = PlainMix(config: engine.config)
        for (i, samples) in audio.enumerated() {
            let pan = PanLaw.mono(Float(i % 9) / 4 - 1)
            let clip = ClipNode(left: samples.baseAddress!, right: samples.baseAddress!, start: 0, length: Int64(frames))
            mix.add(
                source: ClipPlayer.node(clips: [clip], stereo: false, retaining: []),
                gains: .init(fader: Decibels.toGain(-6), panLeft: pan.left, panRight: pan.right), slot: i + 1
            )
        }
        _ = try! engine.install(mix.description())
        engine.send(.play)
        let left = UnsafeMutablePointer<Float>.allocate(capacity: period), right = UnsafeMutablePointer<Float>.allocate(capacity: period)
        let inputs = UnsafeMutablePointer<UnsafePointer<Float>?>.allocate(capacity: 1)
        inputs[0] = nil
        defer { left.deallocate(); right.deallocate(); inputs.deallocate() }
        var times: [Double] = []
        times.reserveCapacity(frames / period)
        for _ in 0..<(frames / period) {
            let t0 = dawg_monotonic_ns()
            engine.core.pointee.process(frames: period, inputs: inputs, left: left, right: right, nanos: t0)
            times.append(Double(dawg_monotonic_ns() - t0) / 1000)
        }
        let measured = Array(times.dropFirst(10)).sorted()
        return (measured.reduce(0, +) / Double(measured.count), measured[Int(Double(measured.count - 1) * 0.99)], measured.last!)
    }
}
