import AudioFiles
import Engine
import Foundation
import XCTest
@testable import Control

/// The live pitch tracker as a node in the graph, through the offline driver: a file
/// track's tone read every 5 ms, each reading stamped with the engine frame it reaches.
final class PitchTapTests: XCTestCase {
    var root: URL!
    var engine: EngineHandle!
    var session: Session!
    var driver: OfflineDriver!
    let period = 256

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("dawg-pitch-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        // 220 Hz, eight harmonics, from 0.1 s to 0.9 s.
        let tone = (0..<48000).map { i -> Float in
            guard i >= 4800 && i < 43200 else { return 0 }
            let t = Double(i) / 48000
            return Float((1...8).reduce(0.0) { $0 + sin(2 * Double.pi * 220 * Double($1) * t) / Double($1) } * 0.2)
        }
        try AudioFileWriter.writeWAV(path: root.appendingPathComponent("tone.wav").path, channels: [tone], sampleRate: 48000)
        engine = EngineHandle(config: EngineConfig(sampleRate: 48000, maxFrames: 1024, maxStrips: 8, maxBuses: 2))
        session = Session(engine: engine, paths: try ProjectPaths(directory: root.path))
        driver = OfflineDriver(engine: engine, period: period)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: root) }

    func drain(_ stream: PitchStream) -> [PitchEvent] {
        var out: [PitchEvent] = []
        while let e = stream.readings.pop() { out.append(e) }
        return out
    }

    func testATrackedToneIsReadEveryFiveMillisecondsOnTheFramesItWasPlayed() throws {
        func steps(_ e: [PitchEvent]) -> Set<UInt64> { Set(zip(e, e.dropFirst()).map { $1.frame - $0.frame }) }
        let t = try session.addTrack(name: "tone")
        try session.loadFile(track: t, path: "tone.wav")
        try session.setPitch(track: t, true)
        let stream = try XCTUnwrap(session.pitchStreams().first { $0.track == t }?.stream)
        _ = driver.render(frames: 4 * period)  // stopped: readings of silence
        let idle = drain(stream)
        XCTAssertFalse(idle.isEmpty, "the tracker runs while the transport stands")
        XCTAssertTrue(idle.allSatisfy { $0.reading.hz == 0 })
        let start = engine.core.pointee.clock
        session.play()
        _ = driver.render(frames: 48000 / period * period)
        let events = drain(stream)
        // Every 5 ms while the voice sounds, every 2.5 ms while the tracker waits for it.
        let voicedRun = events.drop { $0.reading.hz == 0 }.prefix { $0.reading.hz > 0 }
        XCTAssertGreaterThan(voicedRun.count, 100)
        XCTAssertEqual(steps(Array(voicedRun)), [240], "on a 240-frame grid while voiced")
        XCTAssertEqual(steps(Array(events.prefix { $0.reading.hz == 0 })), [120], "on a 120-frame grid while waiting")
        // The tone plays from timeline 0.1 s, i.e. engine frame start + 4800.
        let voiced = events.filter { $0.reading.hz > 0 }
        let first = try XCTUnwrap(voiced.first)
        XCTAssertGreaterThan(first.frame, start + 4800)
        XCTAssertLessThan(first.frame, start + 4800 + 1200, "read within 25 ms of the onset")
        let steady = events.filter { $0.frame > start + 9600 && $0.frame < start + 43200 }
        XCTAssertTrue(steady.allSatisfy { abs(1200 * log2(Double($0.reading.hz) / 220)) < 5 }, "\(steady.map(\.reading.hz).prefix(5))")
        XCTAssertTrue(events.filter { $0.frame > start + 43200 + 2400 }.allSatisfy { $0.reading.hz == 0 }, "unvoiced after the note")
        XCTAssertEqual(stream.dropped.load(ordering: .relaxed), 0)
    }

    func testTrackingIsSwitchedOffSavedInPatchesAndRefusedForUnknownTracks() throws {
        let t = try session.addTrack(name: "tone")
        try session.loadFile(track: t, path: "tone.wav")
        try session.setPitch(track: t, true)
        try session.savePatch(to: "p.json")
        try session.setPitch(track: t, false)
        XCTAssertTrue(session.pitchStreams().isEmpty)
        XCTAssertFalse(session.locked { session.graph[.track(t)]?.pitchTap != nil })
        try session.loadPatch(from: "p.json")
        XCTAssertTrue(try session.isPitchTracked(track: t))
        XCTAssertEqual(session.pitchStreams().map(\.track), [t])
        XCTAssertThrowsError(try session.setPitch(track: 999, true))
    }
}
