import XCTest
import DSP
import Engine

/// Clip gain, fades, trim and position render sample-exactly in the offline driver, and
/// an edit made while the clip plays crossfades instead of stepping.
final class ClipEditTests: XCTestCase {
    var engine: EngineHandle!
    var driver: OfflineDriver!

    override func setUp() {
        engine = EngineHandle(config: EngineConfig(sampleRate: 48000, maxFrames: 1024, maxStrips: 16, maxBuses: 4, maxBuffers: 32))
        driver = OfflineDriver(engine: engine, period: 64)
    }

    func install(_ node: NodeState) {
        var mix = PlainMix(config: engine.config)
        mix.add(source: node, gains: gains(pan: -1), slot: 1)
        XCTAssertTrue(try engine.install(mix.description()))
    }

    func testFadeCurvesGainTrimAndPositionAreExact() {
        let audio = TestAudio.ramp(count: 8000)
        for shape in FadeShape.allCases {
            var clip = ClipNode(left: audio.samples, right: audio.samples, start: 100, length: 4000, offset: 1000)
            clip.gain = 0.5
            clip.fadeIn = 1000
            clip.fadeInShape = shape
            clip.fadeOut = 500
            clip.fadeOutShape = shape
            setUp()
            install(ClipPlayer.node(clips: [clip], stereo: false, retaining: [audio]))
            engine.send(.play)
            let out = driver.render(frames: 4200).left
            func formula(_ t: Double) -> Double {
                switch shape {
                case .linear: t
                case .equalPower: sin(Double.pi / 2 * t)
                case .sCurve: (1 - cos(Double.pi * t)) / 2
                }
            }
            XCTAssertEqual(out[99], 0)
            XCTAssertEqual(out[4100], 0)
            for i in 0..<4000 {
                var g = 0.5
                if i < 1000 { g *= formula(Double(i) / 1000) }
                if 4000 - i <= 500 { g *= formula(Double(4000 - i) / 500) }
                let expected = Double(audio.samples[1000 + i]) * g
                XCTAssertEqual(Double(out[100 + i]), expected, accuracy: 1e-6 * max(1, abs(expected)), "\(shape) at \(i)")
            }
        }
    }

    func testAnEditWhilePlayingCrossfadesWithoutAStep() {
        let audio = TestAudio.constant(0.5, count: 48000)
        let before = ClipNode(left: audio.samples, right: audio.samples, start: 0, length: 48000)
        install(ClipPlayer.node(clips: [before], stereo: false, retaining: [audio]))
        engine.send(.play)
        var out = driver.render(frames: 1000).left
        var after = before
        after.gain = 0  // a clip gain of −inf, made while it plays
        let ramp = Int(engine.config.rampFrames)
        install(ClipPlayer.node(clips: [after], stereo: false, retaining: [audio], replacing: [before], rampFrames: ramp))
        out += driver.render(frames: 2000).left
        var largest: Float = 0
        for i in 1..<out.count { largest = max(largest, abs(out[i] - out[i - 1])) }
        // From 0.5 to 0 over the ramp (480 frames): no step beyond 0.5 / 480.
        XCTAssertLessThanOrEqual(largest, 0.5 / Float(ramp) + 1e-6)
        XCTAssertEqual(out.last, 0)
    }
}
