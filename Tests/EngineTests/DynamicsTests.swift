import XCTest
import Engine
import DSP
import Foundation

final class DynamicsTests: XCTestCase {
    let fs = 48000.0

    func compressor(_ configure: (inout CompressorSettings) -> Void) -> NodeState {
        var s = CompressorSettings()
        s.on = true
        configure(&s)
        return CompressorProcessor.node(s, sampleRate: fs, meterSlot: 3, rampFrames: 480)
    }

    /// The closed-form static curve, written out apart from the code under test.
    func expectedReduction(_ level: Double, threshold: Double, ratio: Double, knee: Double) -> Double {
        let over = level - threshold
        if 2 * over <= -knee { return 0 }
        if 2 * abs(over) < knee { return (1 - 1 / ratio) * pow(over + knee / 2, 2) / (2 * knee) }
        return (1 - 1 / ratio) * over
    }

    func db(_ x: Float) -> Double { 20 * log10(Double(x)) }

    /// Steps of a 1 kHz tone from −40 to 0 dBFS, 0.4 s each; each step's last 100 ms
    /// measured against threshold −20, ratio 4, knee 6, make-up +3.
    func staticCurve(detect: CompressorSettings.Detection) {
        let levels = stride(from: -40.0, through: 0, by: 2.0).map { $0 }
        let step = 19200
        var signal: [Float] = []
        for l in levels {
            let a = Float(pow(10, l / 20))
            signal += (0..<step).map { a * sinf(2 * .pi * 1000 * Float($0) / 48000) }
        }
        let node = compressor {
            $0.threshold = -20; $0.ratio = 4; $0.knee = 6; $0.makeup = 3
            $0.attack = 5; $0.release = 300; $0.detect = detect
        }
        let out = renderThrough([node], TestAudio(signal), frames: signal.count)
        for (i, l) in levels.enumerated() {
            let window = (i * step + step - 4800)..<(i * step + step)
            let detected = detect == .peak ? l : l - 10 * log10(2.0)
            let expected = 3 - expectedReduction(detected, threshold: -20, ratio: 4, knee: 6)
            let measured: Double
            if detect == .peak {
                measured = db(out[window].map(abs).max()!) - l
            } else {
                let ms = out[window].map { Double($0) * Double($0) }.reduce(0, +) / Double(window.count)
                measured = 10 * log10(ms) - detected
            }
            XCTAssertEqual(measured, expected, accuracy: 0.2, "\(detect) at \(l) dBFS")
        }
    }

    func testPeakStaticCurveMatchesThresholdRatioAndKnee() { staticCurve(detect: .peak) }
    func testRmsStaticCurveMatchesThresholdRatioAndKnee() { staticCurve(detect: .rms) }

    /// Gain reduction over time for a DC input stepping from `from` to `to` at frame
    /// 24000 (a DC input makes output / input the gain, sample by sample).
    func reductionAfterStep(_ node: NodeState, from: Float, to: Float, frames: Int = 96000) -> [Double] {
        let signal = (0..<frames).map { $0 < 24000 ? from : to }
        let out = renderThrough([node], TestAudio(signal), frames: frames)
        return (0..<frames).map { -db(out[$0] / signal[$0]) }
    }

    /// Frames after the step (at 24000) until `trace` has covered 63 % of its change.
    func timeConstant(_ trace: [Double], start: Int = 24000) -> Double {
        let before = trace[start - 1], after = trace.last!
        let mark = before + (after - before) * (1 - exp(-1.0))
        let i = (start..<trace.count).first { after > before ? trace[$0] >= mark : trace[$0] <= mark }!
        return Double(i - start) / 48
    }

    func testAttackAndReleaseTimesAreTheirSettings() {
        for (attack, release) in [(Float(10), Float(100)), (2, 400)] {
            let attackTrace = reductionAfterStep(compressor { $0.threshold = -20; $0.ratio = 4; $0.knee = 0; $0.attack = attack; $0.release = release }, from: 0.01, to: 0.63)
            XCTAssertEqual(attackTrace.last!, 0.75 * (db(0.63) + 20), accuracy: 0.01)
            XCTAssertEqual(timeConstant(attackTrace), Double(attack), accuracy: Double(attack) * 0.1, "attack \(attack) ms")
            let releaseTrace = reductionAfterStep(compressor { $0.threshold = -20; $0.ratio = 4; $0.knee = 0; $0.attack = attack; $0.release = release }, from: 0.63, to: 0.01, frames: 24000 + Int(release) * 48 * 8)
            XCTAssertEqual(timeConstant(releaseTrace), Double(release), accuracy: Double(release) * 0.1, "release \(release) ms")
        }
    }

    func testSideChainKeysTheGainReductionFromAnotherSignal() {
        let engine = EngineHandle(config: EngineConfig(sampleRate: fs, maxFrames: 1024, maxStrips: 8, maxBuffers: 32))
        let driver = OfflineDriver(engine: engine, period: 64)
        // Track A: a steady −20 dBFS DC. Key: silent for 0.5 s, then −6 dBFS.
        let a = TestAudio.constant(0.1, count: 96000)
        let key = TestAudio([Float](repeating: 0, count: 24000) + [Float](repeating: 0.5, count: 72000))
        let comp = compressor { $0.threshold = -30; $0.ratio = 10; $0.knee = 0; $0.attack = 1; $0.release = 50 }
        var graph = PlainMix(config: engine.config).description()
        graph.nodes += [
            .init(key: 10, state: a.node(), outputs: 1),
            .init(key: 11, state: key.node(), outputs: 1),
            .init(key: 12, state: comp, inputs: [[PortRef(10, 0)], [PortRef(11, 0)]], outputs: 1),
            .init(key: 13, state: StripProcessor.node(gains: .init(panLeft: 1, panRight: 0), meterSlot: 1, rampFrames: 480), inputs: [[PortRef(12, 0)]], outputs: 2),
        ]
        let sum = graph.nodes.firstIndex { $0.key == -1 }!
        graph.nodes[sum].inputs = [[PortRef(13, 0)], [PortRef(13, 1)]]
            XCTAssertTrue(try engine.install(graph))
        engine.send(.play)
        let out = driver.render(frames: 96000).left
        // Unkeyed, −20 dBFS is above −30 but the key is silent: no reduction.
        XCTAssertEqual(out[20000], 0.1, accuracy: 1e-4)
        // Keyed by −6 dBFS: 24 dB over, ratio 10 → 21.6 dB of reduction on track A.
        XCTAssertEqual(db(out[90000]) + 20, -21.6, accuracy: 0.2)
        XCTAssertEqual(Double(engine.published.gainReduction(strip: 3)), 21.6, accuracy: 0.2)
    }

    func gate(_ configure: (inout GateSettings) -> Void) -> NodeState {
        var s = GateSettings()
        s.on = true
        configure(&s)
        return GateProcessor.node(s, sampleRate: fs, rampFrames: 480)
    }

    func testGateStaticCurveOpensAtThresholdAndClosesBelowItsHysteresis() {
        // Levels up then down past threshold −40 with 4 dB of hysteresis, range 30 dB.
        let levels: [Double] = [-60, -45, -39, -42, -43, -60]
        let expected: [Double] = [-30, -30, 0, 0, 0, -30]  // −42 and −43 stay open: not yet 4 dB below
        var signal: [Float] = []
        for l in levels { signal += [Float](repeating: Float(pow(10, l / 20)), count: 24000) }
        let node = gate { $0.threshold = -40; $0.hysteresis = 4; $0.range = 30; $0.attack = 1; $0.hold = 10; $0.release = 20 }
        let out = renderThrough([node], TestAudio(signal), frames: signal.count)
        for (i, l) in levels.enumerated() {
            let at = i * 24000 + 23000
            XCTAssertEqual(db(out[at]) - l, expected[i], accuracy: 0.2, "at \(l) dBFS (step \(i))")
        }
    }

    func testGateAttackAndReleaseTimesAreTheirSettings() {
        let node = gate { $0.threshold = -40; $0.range = 40; $0.attack = 5; $0.hold = 20; $0.release = 80 }
        // Open: −70 → −20 at 24000. The gain rises with the attack time constant.
        let opening = reductionAfterStep(node, from: 0.0003, to: 0.1, frames: 48000).map { pow(10, -$0 / 20) }
        XCTAssertEqual(timeConstant(opening), 5, accuracy: 0.5)
        // Close: −20 → −70. The envelope falls below −43 dB, the hold runs, then the
        // gain falls with the release time constant from where it started to fall.
        let closing = reductionAfterStep(gate { $0.threshold = -40; $0.range = 40; $0.attack = 5; $0.hold = 20; $0.release = 80 }, from: 0.1, to: 0.0003, frames: 96000).map { pow(10, -$0 / 20) }
        let starts = (24000..<96000).first { closing[$0] < 0.9999 }!
        let envelopeFall = 5 * log(0.1 / pow(10, -43.0 / 20))  // ms for the 5 ms envelope to cross −43 dB
        XCTAssertEqual(Double(starts - 24000) / 48, envelopeFall + 20, accuracy: 1.5, "closes after the hold")
        XCTAssertEqual(timeConstant(closing, start: starts), 80, accuracy: 8)
    }
}
