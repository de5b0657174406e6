import Analysis
import Engine
import Foundation
import XCTest
@testable import Control

/// The live loudness meters through the offline driver: what the master's meter reads
/// against the file meter (`LoudnessMeter`) on the very samples the engine output, a
/// strip's meter switched on, saved and off, and a reset.
final class LiveLoudnessTests: XCTestCase {
    var root: URL!
    var engine: EngineHandle!
    var session: Session!
    var driver: OfflineDriver!
    let rate = 48000.0

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("dawg-loud-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        engine = EngineHandle(config: EngineConfig(sampleRate: rate, maxFrames: 1024, maxStrips: 16, maxBuses: 4, inputs: 2))
        session = Session(engine: engine, paths: try ProjectPaths(directory: root.path))
        driver = OfflineDriver(engine: engine, period: 256)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: root) }

    /// A 1 kHz sine on input 1 whose level steps every 2 s through `levels` (dBFS).
    func render(seconds: Double, levels: [Double]) -> (left: [Float], right: [Float]) {
        let rate = self.rate
        return driver.render(frames: Int(seconds * rate)) { port, start, buffer in
            for i in buffer.indices {
                let n = start + i
                let level = levels[min(levels.count - 1, Int(Double(n) / rate / 2))]
                buffer[i] = port == 0 ? Float(pow(10, level / 20) * sin(2 * .pi * 1000 * Double(n) / rate)) : 0
            }
        }
    }

    func master() -> LiveLoudness { session.loudnessMeters().first { $0.id == "master" }!.meter }

    func testTheMastersMeterIsOnAndReadsWhatTheFileMeterReadsOfTheSameOutput() throws {
        let t = try session.addTrack(name: "tone")
        try session.setInput(track: t, port: 1)
        XCTAssertTrue(try session.isLoudnessMetered(.master))
        XCTAssertFalse(try session.isLoudnessMetered(.track(t)))
        _ = render(seconds: 0.1, levels: [-120])  // the graph is in place
        master().reset()
        let out = render(seconds: 12, levels: [-20, -30, -14, -26, -20, -20])
        master().drain()
        let live = master().reading()
        let file = LoudnessMeter(sampleRate: rate, channels: 2)
        file.process([out.left, out.right])
        let whole = file.result()
        XCTAssertEqual(live.integrated ?? 0, whole.integrated ?? 1, accuracy: 0.1)
        XCTAssertEqual(live.truePeak ?? 0, whole.truePeak, accuracy: 0.05)
        // The last 3 s and 400 ms held −20 dBFS: the short-term and momentary read it.
        let tail = LoudnessMeter(sampleRate: rate, channels: 2)
        let last = out.left.count - Int(3 * rate)
        tail.process([Array(out.left[last...]), Array(out.right[last...])])
        XCTAssertEqual(live.shortTerm ?? 0, tail.result().integrated ?? 1, accuracy: 0.05)
        XCTAssertEqual(live.momentary ?? 0, tail.result().integrated ?? 1, accuracy: 0.05)
    }

    func testAStripsMeterIsSwitchedOnSavedInThePatchResetAndSwitchedOff() throws {
        let t = try session.addTrack(name: "tone")
        try session.setInput(track: t, port: 1)
        try session.setLoudness(.track(t), true)
        XCTAssertEqual(session.loudnessMeters().map(\.id), [String(t), "master"])
        XCTAssertEqual(session.snapshot().tracks[0].strip.loudness, true)
        XCTAssertNil(session.snapshot().master.loudness, "the master's default is not written out")
        _ = render(seconds: 4, levels: [-12])
        let meter = session.loudnessMeters()[0].meter
        meter.drain()
        let loud = try XCTUnwrap(meter.reading().integrated)
        // A quiet second half after a reset: integrated is the quiet part's alone.
        try session.resetLoudness(.track(t))
        _ = render(seconds: 4, levels: [-32])
        meter.drain()
        XCTAssertEqual(meter.reading().integrated ?? 0, loud - 20, accuracy: 0.2)
        try session.setLoudness(.track(t), false)
        XCTAssertEqual(session.loudnessMeters().map(\.id), ["master"])
        XCTAssertThrowsError(try session.resetLoudness(.track(t)))
        XCTAssertThrowsError(try session.setLoudness(.track(999), true))
        try session.setLoudness(.master, false)
        XCTAssertEqual(session.snapshot().master.loudness, false)
        XCTAssertTrue(session.loudnessMeters().isEmpty)
    }

    func testSilenceHasNoLoudnessYet() throws {
        _ = render(seconds: 2, levels: [-200])
        master().drain()
        let r = master().reading()
        XCTAssertNil(r.integrated)
        XCTAssertNil(r.momentary)
        XCTAssertNil(r.truePeak)
    }
}
