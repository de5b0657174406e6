import Engine
import DSP
import Foundation

/// Decoded test audio that outlives the plans pointing into it.
final class TestAudio {
    let samples: UnsafeMutablePointer<Float>
    let count: Int

    init(_ values: [Float]) {
        count = values.count
        samples = .allocate(capacity: values.count)
        samples.initialize(from: values, count: values.count)
    }

    static func constant(_ v: Float, count: Int) -> TestAudio { TestAudio(Array(repeating: v, count: count)) }
    /// 1, 2, 3, … scaled: every sample is distinct, so misplacement shows.
    static func ramp(count: Int, scale: Float = 1e-4) -> TestAudio { TestAudio((0..<count).map { Float($0 + 1) * scale }) }

    deinit { samples.deallocate() }

    func clip(at start: Int64 = 0) -> ClipNode {
        ClipNode(left: samples, right: samples, start: start, length: Int64(count))
    }

    /// A mono source node playing this audio from `start`.
    func node(at start: Int64 = 0) -> NodeState {
        ClipPlayer.node(clips: [clip(at: start)], stereo: false, retaining: [self])
    }
}

/// Strip gains with the strip's pan law and fader.
func gains(gainDb: Float = 0, pan: Float = 0, audible: Bool = true, polarity: Float = 1) -> StripProcessor.Gains {
    let g = PanLaw.mono(pan)
    return StripProcessor.Gains(fader: Decibels.toGain(gainDb), panLeft: g.left, panRight: g.right, audible: audible, polarity: polarity)
}

extension EngineHandle {
    /// Send every strip parameter of `gains` to `strip` at `time`.
    func setStrip(_ strip: NodeState, _ gains: StripProcessor.Gains, at time: UInt64 = 0) {
        for (index, value) in gains.changes(from: nil) { set(strip, index, value, at: time) }
    }
}

let centre = Float(0.5).squareRoot()

/// Render `audio` (mono) through `inserts` in series, then a strip panned hard left,
/// into the master: returns the left output (the inserts' output, exactly).
func renderThrough(
    _ inserts: [NodeState], _ audio: TestAudio, sampleRate: Double = 48000, period: Int = 64, frames: Int,
    between: ((EngineHandle, Int) -> Void)? = nil
) -> [Float] {
    let engine = EngineHandle(config: EngineConfig(sampleRate: sampleRate, maxFrames: 1024, maxStrips: 8, maxBuffers: 32))
    let driver = OfflineDriver(engine: engine, period: period)
    var nodes: [GraphDescription.Node] = [.init(key: 100, state: audio.node(), outputs: 1)]
    for (i, n) in inserts.enumerated() {
        nodes.append(.init(key: 101 + i, state: n, inputs: [[PortRef(100 + i, 0)]], outputs: 1))
    }
    let strip = StripProcessor.node(gains: .init(panLeft: 1, panRight: 0), meterSlot: 1, rampFrames: engine.config.rampFrames)
    nodes.append(.init(key: 200, state: strip, inputs: [[PortRef(100 + inserts.count, 0)]], outputs: 2))
    var graph = PlainMix(config: engine.config).description()
    // Feed the strip into the master mix (key −1 in PlainMix).
    let sum = graph.nodes.firstIndex { $0.key == -1 }!
    graph.nodes[sum].inputs = [[PortRef(200, 0)], [PortRef(200, 1)]]
    graph.nodes += nodes
    precondition((try? engine.install(graph)) == true)
    engine.send(.play)
    var out: [Float] = []
    out.reserveCapacity(frames)
    var done = 0
    while done < frames {
        between?(engine, done)
        out += driver.render(frames: period).left
        done += period
    }
    return Array(out.prefix(frames))
}

/// Magnitude in dB of `x`'s spectrum at `f` Hz (a single DFT bin, by phasor rotation).
func magnitudeDb(_ x: [Float], at f: Double, sampleRate: Double) -> Double {
    let w = 2 * Double.pi * f / sampleRate
    let step = (re: cos(w), im: -sin(w))
    var p = (re: 1.0, im: 0.0), sum = (re: 0.0, im: 0.0)
    for v in x {
        sum.re += Double(v) * p.re
        sum.im += Double(v) * p.im
        p = (p.re * step.re - p.im * step.im, p.re * step.im + p.im * step.re)
    }
    return 10 * log10(sum.re * sum.re + sum.im * sum.im)
}
