import XCTest
import Engine
import DSP

final class OfflineEngineTests: XCTestCase {
    var engine: EngineHandle!
    var driver: OfflineDriver!

    override func setUp() {
        engine = EngineHandle(config: EngineConfig(sampleRate: 48000, maxFrames: 1024, maxStrips: 16, maxBuses: 4, maxBuffers: 32))
        driver = OfflineDriver(engine: engine, period: 64)
    }

    /// One mono track through a strip at `g` into the master; playing.
    @discardableResult
    func playOne(_ audio: TestAudio, _ g: StripProcessor.Gains, at start: Int64 = 0) -> NodeState {
        var mix = PlainMix(config: engine.config)
        let strip = mix.add(source: audio.node(at: start), gains: g, slot: 1)
        XCTAssertTrue(try engine.install(mix.description()))
        engine.send(.play)
        return strip
    }

    func testGainAndPanLawAreClosedForm() {
        playOne(TestAudio.constant(0.5, count: 4800), gains(gainDb: -6))
        let out = driver.render(frames: 1024)
        for i in 0..<1024 {
            XCTAssertEqual(out.left[i], 0.5 * 0.501187 * centre, accuracy: 1e-6)
            XCTAssertEqual(out.right[i], out.left[i], accuracy: 1e-7)
        }
    }

    func testHardPanAndPolarity() {
        playOne(TestAudio.constant(0.25, count: 4800), gains(pan: -1, polarity: -1))
        let out = driver.render(frames: 256)
        XCTAssertEqual(out.left[100], -0.25, accuracy: 1e-7)
        XCTAssertEqual(out.right[100], 0, accuracy: 1e-7)
    }

    func testClipsPlaySampleExactlyAtTheirPosition() {
        let audio = TestAudio.ramp(count: 1000)
        playOne(audio, gains(pan: -1), at: 100)
        let out = driver.render(frames: 1200)
        XCTAssertEqual(out.left[99], 0)
        for i in 0..<1000 { XCTAssertEqual(out.left[100 + i], audio.samples[i], accuracy: 1e-7) }
        XCTAssertEqual(out.left[1100], 0)
    }

    func testStoppedTransportIsSilentAndLocateIsExact() {
        let audio = TestAudio.ramp(count: 4000)
        var mix = PlainMix(config: engine.config)
        mix.add(source: audio.node(), gains: gains(pan: -1), slot: 1)
        XCTAssertTrue(try engine.install(mix.description()))
        XCTAssertEqual(driver.render(frames: 128).left.map(abs).max(), 0)
        engine.send(.locate(frame: 1234))
        engine.send(.play)
        let out = driver.render(frames: 64)
        XCTAssertEqual(out.left[0], audio.samples[1234], accuracy: 1e-7)
        XCTAssertEqual(out.left[63], audio.samples[1234 + 63], accuracy: 1e-7)
    }

    func testMuteRampsToSilenceWithoutAStep() {
        let strip = playOne(TestAudio.constant(1, count: 48000), gains(pan: -1))
        _ = driver.render(frames: 128)
        engine.set(strip, StripProcessor.audible, 0)
        let out = driver.render(frames: 1024)
        // 10 ms ramp at 48 kHz: 480 samples from 1 to 0, no step larger than 1/480.
        for i in 1..<1024 { XCTAssertLessThanOrEqual(abs(out.left[i] - out.left[i - 1]), 1.0 / 480 + 1e-6) }
        XCTAssertEqual(out.left[479], 0)
        XCTAssertEqual(out.left[1000], 0)
    }

    func testTracksSumIntoMaster() {
        let a = TestAudio.constant(0.1, count: 4800), b = TestAudio.constant(0.2, count: 4800)
        var mix = PlainMix(config: engine.config)
        mix.add(source: a.node(), gains: gains(pan: -1), slot: 1)
        mix.add(source: b.node(), gains: gains(pan: -1), slot: 2)
        XCTAssertTrue(try engine.install(mix.description()))
        engine.send(.play)
        XCTAssertEqual(driver.render(frames: 64).left[10], 0.3, accuracy: 1e-6)
    }

    /// Track → (send) → bus → master, described node by node.
    func sendGraph(_ audio: TestAudio, preFader: Bool, track: NodeState, send: NodeState, bus: NodeState,
                   busSum: NodeState, master: NodeState, masterSum: NodeState, output: NodeState) -> GraphDescription {
        let tap = preFader ? 2 : 0
        return GraphDescription(nodes: [
            .init(key: 1, state: audio.node(), outputs: 1),
            .init(key: 2, state: track, inputs: [[PortRef(1, 0)]], outputs: preFader ? 4 : 2),
            .init(key: 3, state: send, inputs: [[PortRef(2, tap)], [PortRef(2, tap + 1)]], outputs: 2),
            .init(key: 4, state: busSum, inputs: [[PortRef(3, 0)], [PortRef(3, 1)]], outputs: 2),
            .init(key: 5, state: bus, inputs: [[PortRef(4, 0)], [PortRef(4, 1)]], outputs: 2),
            .init(key: 6, state: masterSum, inputs: [[PortRef(2, 0), PortRef(5, 0)], [PortRef(2, 1), PortRef(5, 1)]], outputs: 2),
            .init(key: 7, state: master, inputs: [[PortRef(6, 0)], [PortRef(6, 1)]], outputs: 2),
            .init(key: 8, state: output, inputs: [[PortRef(7, 0)], [PortRef(7, 1)]], outputs: 0),
        ])
    }

    func testPreAndPostFaderSendsReachTheBus() {
        let audio = TestAudio.constant(0.5, count: 4800)
        // Track fader at −∞: only the pre-fader send is heard, through the bus.
        let track = StripProcessor.node(gains: gains(gainDb: -.infinity, pan: -1), meterSlot: 1, rampFrames: 480)
        let bus = StripProcessor.node(gains: .init(fader: Decibels.toGain(-6)), meterSlot: 2, rampFrames: 480)
        let send = SendProcessor.node(gain: 0.5, rampFrames: 480)
        let master = StripProcessor.node(gains: .init(), meterSlot: 0, rampFrames: 480)
        let busSum = SumProcessor.node(), masterSum = SumProcessor.node(), output = MasterOutput.node()
        XCTAssertTrue(try engine.install(sendGraph(audio, preFader: true, track: track, send: send, bus: bus, busSum: busSum, master: master, masterSum: masterSum, output: output)))
        engine.send(.play)
        var out = driver.render(frames: 64)
        XCTAssertEqual(out.left[5], 0.5 * 0.5 * 0.501187, accuracy: 1e-6)
        XCTAssertEqual(out.right[5], 0, accuracy: 1e-7)
        XCTAssertEqual(Double(engine.published.meter(strip: 2).peak), 0.5 * 0.5 * 0.501187, accuracy: 1e-5)

        // The same send post-fader carries nothing while the fader is closed.
        XCTAssertTrue(try engine.install(sendGraph(audio, preFader: false, track: track, send: send, bus: bus, busSum: busSum, master: master, masterSum: masterSum, output: output)))
        out = driver.render(frames: 64)
        XCTAssertEqual(out.left[5], 0)
    }

    func testInputTrackPassesCaptureThrough() {
        var mix = PlainMix(config: engine.config)
        mix.add(source: CaptureInput.node(port: 1), gains: gains(pan: 1), slot: 1)
        XCTAssertTrue(try engine.install(mix.description()))
        let out = driver.render(frames: 256) { port, start, buf in
            for i in 0..<buf.count { buf[i] = port == 1 ? Float(start + i) * 1e-3 : 0 }
        }
        for i in 0..<256 { XCTAssertEqual(out.right[i], Float(i) * 1e-3, accuracy: 1e-6) }
        XCTAssertEqual(out.left[100], 0, accuracy: 1e-7)
    }

    func testTimedCommandsApplyOnTheirSample() {
        let strip = playOne(TestAudio.constant(1, count: 48000), gains(pan: -1))
        // Mute at frame 1000 and unmute at 1500, both mid-period (period 64). The
        // ramp starts on the exact sample.
        engine.set(strip, StripProcessor.audible, 0, at: 1000)
        engine.set(strip, StripProcessor.audible, 1, at: 1500)
        let out = driver.render(frames: 2048)
        XCTAssertEqual(out.left[999], 1)
        XCTAssertLessThan(out.left[1000], 1)
        XCTAssertEqual(out.left[1000 + 479], 0)
        XCTAssertEqual(out.left[1499], 0)
        XCTAssertGreaterThan(out.left[1500], 0)
        XCTAssertEqual(out.left[1500 + 479], 1)
    }

    func testLoopWrapsSampleExactly() {
        let audio = TestAudio.ramp(count: 48000)
        engine.send(.loop(start: 100, end: 150, enabled: true))
        engine.send(.locate(frame: 100))
        playOne(audio, gains(pan: -1))
        let out = driver.render(frames: 200)
        for i in 0..<200 { XCTAssertEqual(out.left[i], audio.samples[100 + i % 50], accuracy: 1e-7, "frame \(i)") }
    }

    func testPlanSwapKeepsRampsAndFreesOldPlans() {
        let audio = TestAudio.constant(0.5, count: 48000)
        var mix = PlainMix(config: engine.config)
        mix.add(source: audio.node(), gains: gains(pan: -1), slot: 1)
        let graph = mix.description()
        XCTAssertTrue(try engine.install(graph))
        engine.send(.play)
        var previous: Float = 0.5
        for _ in 0..<50 {
            XCTAssertTrue(try engine.install(graph))
            let out = driver.render(frames: 64)
            // An identical plan swapped in mid-play changes nothing audible.
            for v in out.left { XCTAssertEqual(v, previous) }
            previous = out.left[63]
        }
        engine.collectRetired()
    }

    func testMetersReadPeakAndRms() {
        // Three seconds: ten RMS time constants, so the average has settled.
        let sine = TestAudio((0..<144000).map { 0.5 * sinf(2 * .pi * 1000 * Float($0) / 48000) })
        playOne(sine, gains(pan: -1))
        _ = driver.render(frames: 144000)
        let m = engine.published.meter(strip: 1)
        XCTAssertEqual(m.peak, 0.5, accuracy: 1e-3)
        XCTAssertEqual(m.rms, 0.5 / Float(2).squareRoot(), accuracy: 3e-3)
    }
}
