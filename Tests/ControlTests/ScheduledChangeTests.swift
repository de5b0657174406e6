import XCTest
@testable import Control

/// Strip changes from time-tagged bundles wait for their sample, whatever immediate
/// changes arrive meanwhile (a strip's realtime command carries its whole state).
extension SessionRenderTests {
    var clock: UInt64 { session.engine.published.clock.load(ordering: .relaxed) }

    func testAnImmediateChangeNeitherHastensNorUndoesAScheduledOne() throws {
        let t = try session.addTrack(name: "dc")
        try session.loadFile(track: t, path: "dc.wav")
        session.play()
        try session.set(.gain, of: .track(t), to: -20, at: 20000)
        try session.set(.pan, of: .track(t), to: 1)
        XCTAssertEqual(try session.get(.gain, of: .track(t)), -20)
        let out = render(30080)
        // Hard right at once, still at unity just before the scheduled sample …
        XCTAssertEqual(out.right[1000], 0.5, accuracy: 1e-6)
        XCTAssertEqual(out.right[19999], 0.5, accuracy: 1e-6)
        XCTAssertLessThan(out.right[20001], 0.5)
        // … then −20 dB after its 10 ms ramp, still hard right.
        XCTAssertEqual(out.right[21000], 0.05, accuracy: 1e-6)
        XCTAssertEqual(out.left[21000], 0, accuracy: 1e-6)
    }

    func testAScheduledSoloReachesAStripChangedMeanwhile() throws {
        let (a, b) = try tracksLeftAndRight()
        session.play()
        try session.set(.solo, of: .track(a), to: 1, at: 10000)
        try session.set(.gain, of: .track(b), to: -6)
        let out = render(20096)
        XCTAssertEqual(out.right[5000], 0.5 * 0.501187, accuracy: 1e-6)
        XCTAssertEqual(out.right[9999], 0.5 * 0.501187, accuracy: 1e-6)
        XCTAssertEqual(out.right[11000], 0, accuracy: 1e-6)
        XCTAssertEqual(out.left[11000], 0.5, accuracy: 1e-6)
    }

    func testAChangeAfterAScheduledOneHasLandedIsHeard() throws {
        let t = try session.addTrack(name: "dc")
        try session.loadFile(track: t, path: "dc.wav")
        try session.set(.pan, of: .track(t), to: 1)
        session.play()
        try session.set(.gain, of: .track(t), to: -20, at: 1000)
        XCTAssertEqual(render(4096).right[3000], 0.05, accuracy: 1e-6)
        // Back to the value the strip had before the scheduled change.
        try session.set(.gain, of: .track(t), to: 0)
        XCTAssertEqual(render(4096).right[3000], 0.5, accuracy: 1e-6)
        XCTAssertEqual(try session.get(.gain, of: .track(t)), 0)
    }

    func testAScheduledSendGainWaitsForItsSample() throws {
        let (t, bus) = try trackHeardThroughBus()
        session.play()
        try session.setSend(from: .track(t), to: bus, gain: -20, at: 8000)
        try session.set(.invert, of: .track(t), to: 1)
        let out = render(12032)
        XCTAssertEqual(out.left[7999], -0.5, accuracy: 1e-6)
        XCTAssertEqual(out.left[10000], -0.05, accuracy: 1e-6)
    }
}
