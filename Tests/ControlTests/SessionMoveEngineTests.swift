import AudioFiles
import Engine
import Foundation
import XCTest
@testable import Control

/// A JACK server back at another rate: the session moves its whole state onto a new
/// engine at that rate, files decoded again there, the transport at the same second.
final class SessionMoveEngineTests: XCTestCase {
    var root: URL!

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("dawg-move-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try AudioFileWriter.writeWAV(path: root.appendingPathComponent("dc.wav").path, channels: [Array(repeating: 0.5, count: 96000)], sampleRate: 48000)
    }

    override func tearDownWithError() throws {
        try FileManager.default.removeItem(at: root)
    }

    func engine(_ rate: Double) -> EngineHandle {
        EngineHandle(config: EngineConfig(sampleRate: rate, maxFrames: 1024, maxStrips: 32, maxBuses: 4))
    }

    func testTheStateMovesToAnotherRateWithItsFilesAndItsPlace() throws {
        let first = engine(48000)
        let session = Session(engine: first, paths: try ProjectPaths(directory: root.path))
        let t = try session.addTrack(name: "dc")
        try session.loadFile(track: t, path: "dc.wav")
        try session.set(.gain, of: .track(t), to: -6)
        try session.set(.pan, of: .track(t), to: -1)
        let bus = try session.addBus(name: "fx")
        session.play()
        _ = OfflineDriver(engine: first, period: 128).render(frames: 48000)  // one second in
        session.stop()
        _ = OfflineDriver(engine: first, period: 128).render(frames: 256)
        let second = Double(first.published.position.load(ordering: .relaxed)) / 48000
        XCTAssertEqual(second, 1, accuracy: 0.01)

        let moved = engine(44100)
        XCTAssertEqual(session.moveEngine(to: moved), [])
        XCTAssertTrue(session.engine === moved)
        XCTAssertEqual(try session.strip(.track(t)).gain, -6)
        XCTAssertEqual(session.snapshot().buses.map(\.id), [bus])
        let driver = OfflineDriver(engine: moved, period: 128)
        _ = driver.render(frames: 128)
        let position = moved.published.position.load(ordering: .relaxed)
        XCTAssertEqual(Double(position) / 44100, second, accuracy: 1.0 / 44100, "the same second")

        // The rest of the two-second file: about a second at 44.1 kHz, at −6 dB.
        session.play()
        let out = driver.render(frames: 60000)
        let heard = out.left.filter { abs($0) > 0.1 }
        XCTAssertEqual(Double(heard.count) / 44100, 2 - second, accuracy: 0.01, "decoded again at the new rate")
        XCTAssertEqual(out.left[20000], 0.5 * 0.501187, accuracy: 1e-5)
    }

    func testAFileGoneMeanwhileLeavesItsTrackInPlace() throws {
        let session = Session(engine: engine(48000), paths: try ProjectPaths(directory: root.path))
        let t = try session.addTrack(name: "dc")
        try session.loadFile(track: t, path: "dc.wav")
        try FileManager.default.removeItem(at: root.appendingPathComponent("dc.wav"))
        try session.set(.gain, of: .track(t), to: -3)
        let warnings = session.moveEngine(to: engine(44100))
        XCTAssertTrue(warnings.contains { $0.contains("dc.wav") }, "\(warnings)")
        XCTAssertEqual(session.snapshot().tracks.map(\.id), [t])
        XCTAssertEqual(try session.strip(.track(t)).gain, -3)
        XCTAssertNil(session.snapshot().tracks[0].file)
    }
}
