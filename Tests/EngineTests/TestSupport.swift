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
}

extension EngineHandle {
    /// Strip gains with the strip's pan law and fader, applied at once.
    func setStrip(_ strip: Int, gainDb: Float = 0, pan: Float = 0, audible: Bool = true, polarity: Float = 1, at time: UInt64 = 0, snap: Bool = true) {
        let g = PanLaw.mono(pan)
        let a: Float = audible ? polarity : 0
        send(.stripGains(strip: Int32(strip), left: g.left * a, right: g.right * a, fader: Decibels.toGain(gainDb), snap: snap), at: time)
    }
}

let centre = Float(0.5).squareRoot()
