import Engine
import DSP

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
