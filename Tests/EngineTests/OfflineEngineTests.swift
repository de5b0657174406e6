import XCTest
import Engine
import DSP

final class OfflineEngineTests: XCTestCase {
    var engine: EngineHandle!
    var driver: OfflineDriver!

    override func setUp() {
        engine = EngineHandle(config: EngineConfig(sampleRate: 48000, maxFrames: 1024, maxStrips: 16, maxBuses: 4))
        driver = OfflineDriver(engine: engine, period: 64)
    }

    func play(_ graph: GraphDescription, keep: [AnyObject]) {
        XCTAssertTrue(engine.install(graph, keepAlive: keep))
        engine.send(.play)
    }

    func testGainAndPanLawAreClosedForm() {
        let audio = TestAudio.constant(0.5, count: 4800)
        engine.setStrip(1, gainDb: -6)
        play(GraphDescription(tracks: [TrackNode(strip: 1, source: .clips([audio.clip()], stereo: false))]), keep: [audio])
        let out = driver.render(frames: 1024)
        for i in 0..<1024 {
            XCTAssertEqual(out.left[i], 0.5 * 0.501187 * centre, accuracy: 1e-6)
            XCTAssertEqual(out.right[i], out.left[i], accuracy: 1e-7)
        }
    }

    func testHardPanAndPolarity() {
        let audio = TestAudio.constant(0.25, count: 4800)
        engine.setStrip(1, pan: -1, polarity: -1)
        play(GraphDescription(tracks: [TrackNode(strip: 1, source: .clips([audio.clip()], stereo: false))]), keep: [audio])
        let out = driver.render(frames: 256)
        XCTAssertEqual(out.left[100], -0.25, accuracy: 1e-7)
        XCTAssertEqual(out.right[100], 0, accuracy: 1e-7)
    }

    func testClipsPlaySampleExactlyAtTheirPosition() {
        let audio = TestAudio.ramp(count: 1000)
        engine.setStrip(1, pan: -1)
        play(GraphDescription(tracks: [TrackNode(strip: 1, source: .clips([audio.clip(at: 100)], stereo: false))]), keep: [audio])
        let out = driver.render(frames: 1200)
        XCTAssertEqual(out.left[99], 0)
        for i in 0..<1000 { XCTAssertEqual(out.left[100 + i], audio.samples[i], accuracy: 1e-7) }
        XCTAssertEqual(out.left[1100], 0)
    }

    func testStoppedTransportIsSilentAndLocateIsExact() {
        let audio = TestAudio.ramp(count: 4000)
        engine.setStrip(1, pan: -1)
        XCTAssertTrue(engine.install(GraphDescription(tracks: [TrackNode(strip: 1, source: .clips([audio.clip()], stereo: false))]), keepAlive: [audio]))
        XCTAssertEqual(driver.render(frames: 128).left.map(abs).max(), 0)
        engine.send(.locate(frame: 1234))
        engine.send(.play)
        let out = driver.render(frames: 64)
        XCTAssertEqual(out.left[0], audio.samples[1234], accuracy: 1e-7)
        XCTAssertEqual(out.left[63], audio.samples[1234 + 63], accuracy: 1e-7)
    }

    func testMuteRampsToSilenceWithoutAStep() {
        let audio = TestAudio.constant(1, count: 48000)
        engine.setStrip(1, pan: -1)
        play(GraphDescription(tracks: [TrackNode(strip: 1, source: .clips([audio.clip()], stereo: false))]), keep: [audio])
        _ = driver.render(frames: 128)
        engine.setStrip(1, pan: -1, audible: false, snap: false)
        let out = driver.render(frames: 1024)
        // 10 ms ramp at 48 kHz: 480 samples from 1 to 0, no step larger than 1/480.
        for i in 1..<1024 { XCTAssertLessThanOrEqual(abs(out.left[i] - out.left[i - 1]), 1.0 / 480 + 1e-6) }
        XCTAssertEqual(out.left[479], 0)
        XCTAssertEqual(out.left[1000], 0)
    }

    func testTracksSumIntoMaster() {
        let a = TestAudio.constant(0.1, count: 4800), b = TestAudio.constant(0.2, count: 4800)
        engine.setStrip(1, pan: -1)
        engine.setStrip(2, pan: -1)
        play(GraphDescription(tracks: [
            TrackNode(strip: 1, source: .clips([a.clip()], stereo: false)),
            TrackNode(strip: 2, source: .clips([b.clip()], stereo: false)),
        ]), keep: [a, b])
        XCTAssertEqual(driver.render(frames: 64).left[10], 0.3, accuracy: 1e-6)
    }

    func testPreAndPostFaderSendsReachTheBus() {
        let audio = TestAudio.constant(0.5, count: 4800)
        // Track fader at −∞: only the pre-fader send is heard, through the bus.
        engine.setStrip(1, gainDb: -.infinity, pan: -1)
        engine.setStrip(2, gainDb: -6, pan: 0)  // bus strip: stereo in, balance at centre
        engine.send(.stripGains(strip: 2, left: 1, right: 1, fader: Decibels.toGain(-6), snap: true))
        engine.send(.sendGain(strip: 1, bus: 0, gain: 0.5, snap: true))
        play(GraphDescription(
            tracks: [TrackNode(strip: 1, source: .clips([audio.clip()], stereo: false), sends: [SendNode(bus: 0, preFader: true)])],
            buses: [BusNode(strip: 2, bus: 0)]
        ), keep: [audio])
        var out = driver.render(frames: 64)
        XCTAssertEqual(out.left[5], 0.5 * 0.5 * 0.501187, accuracy: 1e-6)
        XCTAssertEqual(out.right[5], 0, accuracy: 1e-7)
        XCTAssertEqual(Double(engine.published.meter(strip: 2).peak), 0.5 * 0.5 * 0.501187, accuracy: 1e-5)

        // The same send post-fader carries nothing while the fader is closed.
        XCTAssertTrue(engine.install(GraphDescription(
            tracks: [TrackNode(strip: 1, source: .clips([audio.clip()], stereo: false), sends: [SendNode(bus: 0, preFader: false)])],
            buses: [BusNode(strip: 2, bus: 0)]
        ), keepAlive: [audio]))
        out = driver.render(frames: 64)
        XCTAssertEqual(out.left[5], 0)
    }

    func testInputTrackPassesCaptureThrough() {
        engine.setStrip(1, pan: 1)
        XCTAssertTrue(engine.install(GraphDescription(tracks: [TrackNode(strip: 1, source: .input(1))])))
        let out = driver.render(frames: 256) { port, start, buf in
            for i in 0..<buf.count { buf[i] = port == 1 ? Float(start + i) * 1e-3 : 0 }
        }
        for i in 0..<256 { XCTAssertEqual(out.right[i], Float(i) * 1e-3, accuracy: 1e-6) }
        XCTAssertEqual(out.left[100], 0, accuracy: 1e-7)
    }

    func testTimedCommandsApplyOnTheirSample() {
        let audio = TestAudio.constant(1, count: 48000)
        engine.setStrip(1, pan: -1)
        play(GraphDescription(tracks: [TrackNode(strip: 1, source: .clips([audio.clip()], stereo: false))]), keep: [audio])
        // Mute at frame 1000 and unmute at 1500, both mid-period (period 64).
        engine.setStrip(1, pan: -1, audible: false, at: 1000, snap: true)
        engine.setStrip(1, pan: -1, audible: true, at: 1500, snap: true)
        let out = driver.render(frames: 2048)
        XCTAssertEqual(out.left[999], 1)
        XCTAssertEqual(out.left[1000], 0)
        XCTAssertEqual(out.left[1499], 0)
        XCTAssertEqual(out.left[1500], 1)
    }

    func testLoopWrapsSampleExactly() {
        let audio = TestAudio.ramp(count: 48000)
        engine.setStrip(1, pan: -1)
        engine.send(.loop(start: 100, end: 150, enabled: true))
        engine.send(.locate(frame: 100))
        play(GraphDescription(tracks: [TrackNode(strip: 1, source: .clips([audio.clip()], stereo: false))]), keep: [audio])
        let out = driver.render(frames: 200)
        for i in 0..<200 { XCTAssertEqual(out.left[i], audio.samples[100 + i % 50], accuracy: 1e-7, "frame \(i)") }
    }

    func testPlanSwapKeepsRampsAndFreesOldPlans() {
        let audio = TestAudio.constant(0.5, count: 48000)
        engine.setStrip(1, pan: -1)
        let graph = GraphDescription(tracks: [TrackNode(strip: 1, source: .clips([audio.clip()], stereo: false))])
        play(graph, keep: [audio])
        var previous: Float = 0.5
        for _ in 0..<50 {
            XCTAssertTrue(engine.install(graph, keepAlive: [audio]))
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
        engine.setStrip(1, pan: -1)
        play(GraphDescription(tracks: [TrackNode(strip: 1, source: .clips([sine.clip()], stereo: false))]), keep: [sine])
        _ = driver.render(frames: 144000)
        let m = engine.published.meter(strip: 1)
        XCTAssertEqual(m.peak, 0.5, accuracy: 1e-3)
        XCTAssertEqual(m.rms, 0.5 / Float(2).squareRoot(), accuracy: 3e-3)
    }
}
