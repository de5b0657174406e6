import AudioFiles
import Engine
import Foundation
import XCTest
@testable import Control

/// The session driving the engine through the offline driver: what a client asks for
/// is what comes out, sample for sample.
final class SessionRenderTests: XCTestCase {
    var root: URL!
    var session: Session!
    var driver: OfflineDriver!

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("dawg-session-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try AudioFileWriter.writeWAV(path: root.appendingPathComponent("dc.wav").path, channels: [Array(repeating: 0.5, count: 48000)], sampleRate: 48000)
        try AudioFileWriter.writeWAV(path: root.appendingPathComponent("dc44.wav").path, channels: [Array(repeating: 0.5, count: 44100)], sampleRate: 44100)
        let engine = EngineHandle(config: EngineConfig(sampleRate: 48000, maxFrames: 1024, maxStrips: 32, maxBuses: 4))
        session = Session(engine: engine, paths: try ProjectPaths(directory: root.path))
        driver = OfflineDriver(engine: engine, period: 128)
    }

    override func tearDownWithError() throws {
        try FileManager.default.removeItem(at: root)
    }

    func render(_ frames: Int = 4096) -> (left: [Float], right: [Float]) { driver.render(frames: frames) }

    func testLoadedFilePlaysWithStripSettings() throws {
        let t = try session.addTrack(name: "dc")
        try session.loadFile(track: t, path: "dc.wav")
        try session.set(.gain, of: .track(t), to: -6)
        try session.set(.pan, of: .track(t), to: 1)
        session.play()
        let out = render()
        // The −6 dB arrives by a 10 ms ramp; after it, the closed form.
        XCTAssertEqual(out.right[2000], 0.5 * 0.501187, accuracy: 1e-6)
        XCTAssertEqual(out.left[2000], 0, accuracy: 1e-6)
    }

    func testResampledFileHasTheEngineRatesLength() throws {
        let t = try session.addTrack(name: "44k")
        try session.loadFile(track: t, path: "dc44.wav")
        session.play()
        let out = render(50000)
        let heard = out.left.indices.filter { abs(out.left[$0]) > 0.1 }
        XCTAssertEqual(Double(heard.count), 48000, accuracy: 40)
    }

    /// Two DC tracks, `a` panned hard left and `b` hard right.
    func tracksLeftAndRight() throws -> (a: Int, b: Int) {
        let a = try session.addTrack(name: "a"), b = try session.addTrack(name: "b")
        try session.loadFile(track: a, path: "dc.wav")
        try session.loadFile(track: b, path: "dc.wav")
        try session.set(.pan, of: .track(a), to: -1)
        try session.set(.pan, of: .track(b), to: 1)
        return (a, b)
    }

    func testSoloSilencesOtherTracks() throws {
        let (a, _) = try tracksLeftAndRight()
        try session.set(.solo, of: .track(a), to: 1)
        session.play()
        let out = render()
        XCTAssertEqual(out.left[3000], 0.5, accuracy: 1e-6)
        XCTAssertEqual(out.right[3000], 0, accuracy: 1e-6)
    }

    /// A DC track panned hard left, heard only through a pre-fader send to a bus.
    func trackHeardThroughBus() throws -> (track: Int, bus: Int) {
        let t = try session.addTrack(name: "t"), bus = try session.addBus(name: "fx")
        try session.loadFile(track: t, path: "dc.wav")
        try session.set(.pan, of: .track(t), to: -1)
        try session.set(.gain, of: .track(t), to: -.infinity)
        try session.setSend(from: .track(t), to: bus, gain: 0, preFader: true)
        return (t, bus)
    }

    func testSendsFeedBusesAndBusRemovalTakesThemAway() throws {
        let (t, bus) = try trackHeardThroughBus()
        session.play()
        XCTAssertEqual(render().left[3000], 0.5, accuracy: 1e-6)
        try session.removeBus(bus)
        XCTAssertEqual(render().left[3000], 0, accuracy: 1e-6)
        XCTAssertEqual(try session.strip(.track(t)).sends, [])
    }

    func testRefusedChangesLeaveTheStateAlone() throws {
        let t = try session.addTrack(name: "t")
        let before = session.snapshot()
        XCTAssertThrowsError(try session.set(.gain, of: .track(t), to: .nan))
        XCTAssertThrowsError(try session.set(.pan, of: .track(t), to: 2))
        XCTAssertThrowsError(try session.set(.solo, of: .master, to: 1))
        XCTAssertThrowsError(try session.setInput(track: t, port: 3))
        XCTAssertThrowsError(try session.loadFile(track: t, path: "../dc.wav"))
        XCTAssertThrowsError(try session.setSend(from: .track(t), to: 99, gain: 0))
        var bad = Patch()
        bad.tracks = [TrackSettings(id: 1, name: "x", file: "missing.wav")]
        XCTAssertThrowsError(try session.apply(bad))
        XCTAssertEqual(session.snapshot(), before)
    }

    func testRemovedTrackFreesItsSlotForReuse() throws {
        for _ in 0..<100 {
            let t = try session.addTrack(name: "t")
            try session.loadFile(track: t, path: "dc.wav")
            try session.removeTrack(t)
            _ = render(128)
        }
        XCTAssertEqual(session.trackCount, 0)
    }
}

/// Inserts that are off leave the plan once faded, and come back when switched on,
/// with no step in the output either way.
final class InsertEngagementTests: XCTestCase {
    func testAnInsertOffLeavesThePlanAfterItsFadeAndReturnsWhenOn() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("dawg-engage-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let sine = (0..<96000).map { Float(0.5 * sin(2 * Double.pi * 1000 * Double($0) / 48000)) }
        try AudioFileWriter.writeWAV(path: root.appendingPathComponent("sine.wav").path, channels: [sine], sampleRate: 48000)
        let engine = EngineHandle(config: EngineConfig(sampleRate: 48000, maxFrames: 1024, maxStrips: 8, maxBuses: 2))
        let session = Session(engine: engine, paths: try ProjectPaths(directory: root.path))
        let driver = OfflineDriver(engine: engine, period: 128)
        let t = try session.addTrack(name: "sine")
        try session.loadFile(track: t, path: "sine.wav")
        try session.set(.pan, of: .track(t), to: -1)
        func scheduled() -> [String] {
            session.locked { session.graph.describe(session.patch, stereo: session.isStereo).nodes.map(\.name) }
        }
        XCTAssertFalse(scheduled().contains("track \(t) eq"), "every insert off: none scheduled")
        XCTAssertFalse(scheduled().contains("track \(t) comp"))
        try session.setInsert(.track(t), .eq(.peak2), "freq", .number(1000))
        try session.setInsert(.track(t), .eq(.peak2), "gain", .number(-12))
        try session.setInsert(.track(t), .eq(.peak2), "on", .number(1))
        XCTAssertTrue(scheduled().contains("track \(t) eq"), "scheduled at once when switched on")
        session.play()
        var out = driver.render(frames: 9600).left  // whole periods of 128, so the renders join up
        XCTAssertEqual(out[8000...].map(abs).max()!, 0.5 * 0.2512, accuracy: 0.01, "−12 dB at 1 kHz")
        try session.setInsert(.track(t), .eq(.peak2), "on", .number(0))
        XCTAssertTrue(scheduled().contains("track \(t) eq"), "still fading out")
        out += driver.render(frames: 4864).left
        let deadline = Date().addingTimeInterval(2)
        while scheduled().contains("track \(t) eq") && Date() < deadline { usleep(10_000) }
        XCTAssertFalse(scheduled().contains("track \(t) eq"), "pruned once faded")
        out += driver.render(frames: 4864).left
        // After the fade, before and after the prune alike: the dry sine, exactly.
        let differing = (12000..<19328).filter { out[$0] != sine[$0] }
        XCTAssertEqual(differing.count, 0, "first at \(differing.first ?? -1): \(differing.first.map { (out[$0], sine[$0]) }.debugDescription)")
        // No step anywhere beyond what a 1 kHz sine and the 10 ms glide make.
        let steps = zip(out.dropFirst(), out).map { abs($0 - $1) }
        let worst = steps.indices.max { steps[$0] < steps[$1] }!
        XCTAssertLessThan(steps[worst], Float(2 * Double.pi * 1000 / 48000 * 0.5) * 1.05, "at \(worst) of \(out.count)")

        // A loaded patch's master inserts reach the master (its nodes outlive patches).
        var p = session.snapshot()
        p.master.eq.bands[.peak2] = EqualizerDesign.BandSettings(frequency: 1000, gainDb: -12, q: 1, slope: 12, on: true)
        try session.apply(p)
        XCTAssertTrue(scheduled().contains("master eq"))
        session.play()
        let cut = driver.render(frames: 9600).left
        XCTAssertEqual(cut[8000...].map(abs).max()!, 0.5 * 0.2512, accuracy: 0.01, "the master's −12 dB at 1 kHz")
    }
}
