import XCTest
import Engine
import DSP
import Foundation

final class TimeEffectsTests: XCTestCase {
    /// A stereo graph: mono `audio` on both channels → `effect` → master → outputs.
    func render(_ effect: NodeState, _ audio: TestAudio, frames: Int, tempo: Float = 120, period: Int = 64) -> (left: [Float], right: [Float]) {
        let engine = EngineHandle(config: EngineConfig(sampleRate: 48000, maxFrames: 1024, maxStrips: 8, maxBuffers: 32))
        let driver = OfflineDriver(engine: engine, period: period)
        var graph = PlainMix(config: engine.config).description()
        graph.nodes += [
            .init(key: 10, state: audio.node(), outputs: 1),
            .init(key: 11, state: effect, inputs: [[PortRef(10, 0)], [PortRef(10, 0)]], outputs: 2),
        ]
        let sum = graph.nodes.firstIndex { $0.key == -1 }!
        graph.nodes[sum].inputs = [[PortRef(11, 0)], [PortRef(11, 1)]]
        XCTAssertTrue(try engine.install(graph))
        engine.send(.tempo(tempo))
        engine.send(.play)
        return driver.render(frames: frames)
    }

    func delay(_ note: String, feedback: Float = 0.5, pingpong: Bool = false) -> NodeState {
        var s = DelaySettings()
        s.note = note
        s.feedback = feedback
        s.pingpong = pingpong
        s.highcut = 20000
        s.on = true
        return DelayProcessor.node(s, sampleRate: 48000, rampFrames: 480)
    }

    func testDelayTapsLandOnTheExactSampleForTempoAndNoteValue() {
        let impulse = TestAudio([1] + [Float](repeating: 0, count: 100_000))
        let cases: [(String, Float, Int)] = [
            ("1/8", 120, 12000), ("1/8d", 120, 18000), ("1/4t", 120, 16000), ("1/16", 120, 6000),
            ("1/4", 97, Int((60.0 / 97 * 48000).rounded())), ("1/2", 140, Int((120.0 / 140 * 48000).rounded())),
        ]
        for (note, tempo, tap) in cases {
            let out = render(delay(note), impulse, frames: 2 * tap + 100, tempo: tempo).left
            XCTAssertEqual(out[tap], 1, accuracy: 1e-6, "\(note) at \(tempo) bpm")
            XCTAssertEqual(out[..<tap].map(abs).max()!, 0, "\(note): nothing before the tap")
            XCTAssertEqual(out[tap + 1..<2 * tap].map(abs).max()!, 0, accuracy: 1e-6, "\(note): nothing between taps")
            XCTAssertGreaterThan(out[2 * tap], 0.3, "\(note): the feedback echo")
        }
    }

    func testPingPongAlternatesSides() {
        let impulse = TestAudio([1] + [Float](repeating: 0, count: 40000))
        let out = render(delay("1/8", feedback: 0.8, pingpong: true), impulse, frames: 36100)
        XCTAssertEqual(out.left[12000], 1, accuracy: 1e-6)
        XCTAssertEqual(out.right[12000], 0)
        XCTAssertEqual(out.left[24000], 0)
        XCTAssertGreaterThan(out.right[24000], 0.7)
        XCTAssertGreaterThan(out.left[36000], 0.5)
    }

    /// RT60 from Schroeder's backward-integrated energy decay, fitted from −5 to −35 dB.
    func measuredRT60(_ out: (left: [Float], right: [Float])) -> Double {
        var energy = [Double](repeating: 0, count: out.left.count)
        for i in energy.indices {
            let l = Double(out.left[i]), r = Double(out.right[i])
            energy[i] = l * l + r * r
        }
        for i in stride(from: energy.count - 2, through: 0, by: -1) { energy[i] += energy[i + 1] }
        let total = energy[0]
        let db = energy.map { 10 * log10($0 / total) }
        let a = db.firstIndex { $0 <= -5 }!, b = db.firstIndex { $0 <= -35 }!
        return Double(b - a) / 48000 * 2
    }

    func testReverbDecayTimeIsItsSetting() {
        for (decay, size) in [(Float(0.6), Float(0.7)), (1.5, 1), (3, 1.6)] {
            var s = ReverbSettings()
            s.decay = decay
            s.size = size
            s.damping = 0
            s.predelay = 0
            s.on = true
            let frames = Int(Double(decay) * 1.6 * 48000)
            let impulse = TestAudio([1] + [Float](repeating: 0, count: frames))
            let rt60 = measuredRT60(render(ReverbProcessor.node(s, sampleRate: 48000, rampFrames: 480), impulse, frames: frames))
            XCTAssertEqual(rt60, Double(decay), accuracy: Double(decay) * 0.1, "decay \(decay) s, size \(size)")
        }
    }

    func testReverbTailDecaysToZeroNotToDenormals() {
        var s = ReverbSettings()
        s.decay = 4
        s.on = true
        var rng = SystemRandomNumberGenerator()
        let noise: [Float] = (0..<4800).map { _ in Float.random(in: -0.5...0.5, using: &rng) }
        let burst = TestAudio(noise + [Float](repeating: 0, count: 48000 * 60))
        let out = render(ReverbProcessor.node(s, sampleRate: 48000, rampFrames: 480), burst, frames: burst.count, period: 1024)
        let subnormal = (out.left + out.right).filter { $0 != 0 && abs($0) < Float.leastNormalMagnitude }.count
        XCTAssertEqual(subnormal, 0)
        XCTAssertGreaterThan(out.left[9000..<11000].map(abs).max()!, 0.001)  // there was a tail
    }
}
