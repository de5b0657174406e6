import AudioFiles
import Engine
import Foundation
import XCTest
@testable import Control

/// Routing, inserts and edits through the session, rendered offline.
final class SessionGraphTests: XCTestCase {
    var root: URL!

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("dawg-graph-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try AudioFileWriter.writeWAV(path: root.appendingPathComponent("dc.wav").path, channels: [Array(repeating: 0.5, count: 96000)], sampleRate: 48000)
        let tone = (0..<96000).map { 0.3 * sinf(2 * .pi * 997 * Float($0) / 48000) + 0.2 * sinf(2 * .pi * 120 * Float($0) / 48000) }
        try AudioFileWriter.writeWAV(path: root.appendingPathComponent("tone.wav").path, channels: [tone], sampleRate: 48000)
    }

    override func tearDownWithError() throws { try FileManager.default.removeItem(at: root) }

    func makeSession(presets: StripPresets? = nil) throws -> (Session, OfflineDriver) {
        let engine = EngineHandle(config: EngineConfig(sampleRate: 48000, maxFrames: 1024, maxStrips: 128, maxBuses: 8))
        let session = Session(engine: engine, paths: try ProjectPaths(directory: root.path), presets: presets)
        return (session, OfflineDriver(engine: engine, period: 128))
    }

    func testTrackThroughABusIntoABusIntoTheMaster() throws {
        let (s, driver) = try makeSession()
        let t = try s.addTrack(name: "t"), a = try s.addBus(name: "a"), b = try s.addBus(name: "b")
        try s.loadFile(track: t, path: "dc.wav")
        try s.set(.pan, of: .track(t), to: -1)
        try s.set(.gain, of: .track(t), to: -.infinity)  // heard only through the send
        try s.setSend(from: .track(t), to: a, gain: 0, preFader: true)
        try s.setBusOutput(a, to: b)
        try s.set(.gain, of: .bus(b), to: -6)
        s.play()
        let out = driver.render(frames: 4096)
        XCTAssertEqual(out.left[3000], 0.5 * 0.501187, accuracy: 1e-5)
        XCTAssertEqual(out.right[3000], 0, accuracy: 1e-6)
        XCTAssertEqual(try s.busOutput(a), b)
    }

    func testARoutingCycleIsRefusedAndChangesNothing() throws {
        let (s, _) = try makeSession()
        let a = try s.addBus(name: "a"), b = try s.addBus(name: "b"), c = try s.addBus(name: "c")
        try s.setBusOutput(a, to: b)
        try s.setBusOutput(b, to: c)
        XCTAssertThrowsError(try s.setBusOutput(c, to: a)) { error in
            XCTAssertTrue("\(error)".contains("cycle"), "\(error)")
        }
        XCTAssertNil(try s.busOutput(c))
        XCTAssertThrowsError(try s.setBusOutput(a, to: a))
    }

    func testABusSendsIntoAnotherBusPreOrPostFader() throws {
        let (s, driver) = try makeSession()
        let t = try s.addTrack(name: "t"), a = try s.addBus(name: "a"), b = try s.addBus(name: "b")
        try s.loadFile(track: t, path: "dc.wav")
        try s.set(.pan, of: .track(t), to: -1)
        try s.set(.gain, of: .track(t), to: -.infinity)
        try s.setSend(from: .track(t), to: a, gain: 0, preFader: true)
        try s.set(.gain, of: .bus(a), to: -.infinity)               // a heard only through its send
        XCTAssertEqual(try s.setSend(from: .bus(a), to: b, gain: -6, preFader: true).1, true)
        s.play()
        XCTAssertEqual(driver.render(frames: 4096).left[3000], 0.5 * 0.501187, accuracy: 1e-5)
        try s.setSend(from: .bus(a), to: b, preFader: false)       // post-fader: a's fader is -inf
        XCTAssertEqual(driver.render(frames: 4096).left[3000], 0, accuracy: 1e-6)
        // Removing b takes a's send with it.
        try s.removeBus(b)
        XCTAssertThrowsError(try s.send(from: .bus(a), to: b))
    }

    func testABusSendThatWouldCloseALoopIsRefusedAndChangesNothing() throws {
        let (s, _) = try makeSession()
        let a = try s.addBus(name: "a"), b = try s.addBus(name: "b"), c = try s.addBus(name: "c")
        try s.setBusOutput(a, to: b)
        try s.setSend(from: .bus(b), to: c, gain: 0)
        XCTAssertThrowsError(try s.setSend(from: .bus(c), to: a, gain: 0)) { error in
            XCTAssertTrue("\(error)".contains("cycle"), "\(error)")
        }
        XCTAssertThrowsError(try s.send(from: .bus(c), to: a))      // nothing was made
        XCTAssertThrowsError(try s.setSend(from: .bus(a), to: a, gain: 0))
        XCTAssertThrowsError(try s.setSend(from: .master, to: a, gain: 0))
        // A patch whose sends loop is refused whole, before anything is built.
        var looped = s.snapshot()
        looped.buses[2].strip.sends = [SendSettings(bus: a, gain: 0, preFader: false)]
        XCTAssertThrowsError(try s.apply(looped)) { error in
            XCTAssertTrue("\(error)".contains("cycle"), "\(error)")
        }
        XCTAssertTrue(s.snapshot().buses[2].strip.sends.isEmpty)
    }

    func testASideChainThatWouldMakeACycleIsRefused() throws {
        let (s, _) = try makeSession()
        let t = try s.addTrack(name: "t"), other = try s.addTrack(name: "o"), bus = try s.addBus(name: "b")
        try s.setSend(from: .track(t), to: bus, gain: 0)
        // The bus listens to t, so t's compressor cannot listen to the bus.
        XCTAssertThrowsError(try s.setInsert(.track(t), .comp, "sidechain", .number(Float(bus))))
        XCTAssertEqual(try s.insert(.track(t), .comp, "sidechain"), .number(0))
        // Another track is fine; itself and strangers are not.
        XCTAssertEqual(try s.setInsert(.track(t), .comp, "sidechain", .number(Float(other))), .number(Float(other)))
        XCTAssertThrowsError(try s.setInsert(.track(t), .comp, "sidechain", .number(Float(t))))
        XCTAssertThrowsError(try s.setInsert(.track(t), .comp, "sidechain", .number(999)))
        // The keying track goes: the compressor listens to its own input again.
        try s.removeTrack(other)
        XCTAssertEqual(try s.insert(.track(t), .comp, "sidechain"), .number(0))
    }

    func testATrackSendThatWouldCloseASideChainLoopIsRefused() throws {
        let (s, _) = try makeSession()
        let t = try s.addTrack(name: "t"), bus = try s.addBus(name: "b")
        // The other order from the test above: t's compressor listens to the bus first,
        // so t cannot then send into the bus.
        try s.setInsert(.track(t), .comp, "sidechain", .number(Float(bus)))
        XCTAssertThrowsError(try s.setSend(from: .track(t), to: bus, gain: 0)) { error in
            XCTAssertTrue("\(error)".contains("cycle"), "\(error)")
        }
        XCTAssertThrowsError(try s.send(from: .track(t), to: bus))  // nothing was made
        // A patch holding the same loop is refused whole.
        var looped = s.snapshot()
        looped.tracks[0].strip.sends = [SendSettings(bus: bus, gain: 0, preFader: false)]
        XCTAssertThrowsError(try s.apply(looped)) { error in
            XCTAssertTrue("\(error)".contains("cycle"), "\(error)")
        }
        XCTAssertTrue(s.snapshot().tracks[0].strip.sends.isEmpty)
    }

    /// An EQ'd, compressed tone and its reverb and delay on a bus render sample for
    /// sample the same whether or not an unrelated track and bus are added and removed
    /// while it plays.
    func testStateSurvivesUnrelatedEdits() throws {
        func render(editing: Bool) throws -> [Float] {
            let (s, driver) = try makeSession()
            let t = try s.addTrack(name: "tone")
            try s.loadFile(track: t, path: "tone.wav")
            let fx = try s.addBus(name: "fx")
            try s.setSend(from: .track(t), to: fx, gain: -6)
            try s.setInsert(.bus(fx), .reverb, "on", .number(1))
            try s.setInsert(.bus(fx), .delay, "note", .text("1/8d"))
            try s.setInsert(.bus(fx), .delay, "on", .number(1))
            try s.setInsert(.track(t), .eq(.peak2), "gain", .number(9))
            try s.setInsert(.track(t), .eq(.peak2), "on", .number(1))
            try s.setInsert(.track(t), .eq(.hpf), "on", .number(1))
            try s.setInsert(.track(t), .comp, "threshold", .number(-20))
            try s.setInsert(.track(t), .comp, "on", .number(1))
            s.play()
            var out = driver.render(frames: 9984).left
            if editing {
                let extra = try s.addTrack(name: "unrelated")
                let bus = try s.addBus(name: "fx")
                out += driver.render(frames: 4992).left
                try s.removeTrack(extra)
                try s.removeBus(bus)
            } else {
                out += driver.render(frames: 4992).left
            }
            out += driver.render(frames: 9984).left
            // Stop the tone: from here on only the tails sound.
            s.stop()
            out += driver.render(frames: 24000).left
            return out
        }
        let plain = try render(editing: false), edited = try render(editing: true)
        XCTAssertGreaterThan(plain.map(abs).max()!, 0.1)
        XCTAssertGreaterThan(plain.suffix(20000).map(abs).max()!, 0.01, "a tail is heard after the stop")
        XCTAssertEqual(plain, edited)
    }

    func testAFaderMoveCostsOneCommandHoweverManyStrips() throws {
        let (s, _) = try makeSession()
        var ids: [Int] = []
        for i in 0..<100 { ids.append(try s.addTrack(name: "t\(i)")) }
        let before = s.engine.commandsPushed
        try s.set(.gain, of: .track(ids[50]), to: -3)
        XCTAssertEqual(s.engine.commandsPushed - before, 1)
        let mid = s.engine.commandsPushed
        try s.set(.pan, of: .track(ids[10]), to: 0.5)
        XCTAssertEqual(s.engine.commandsPushed - mid, 1)
        let eq = s.engine.commandsPushed
        try s.setInsert(.track(ids[20]), .eq(.peak1), "freq", .number(400))
        XCTAssertEqual(s.engine.commandsPushed - eq, 1)
    }

    func testInsertOrderIsAPermutationAndChangesTheGraph() throws {
        let (s, driver) = try makeSession()
        let t = try s.addTrack(name: "t")
        try s.loadFile(track: t, path: "dc.wav")
        XCTAssertEqual(try s.inserts(.track(t)), [.gate, .eq, .comp])
        XCTAssertEqual(try s.setInserts(.track(t), ["comp", "gate", "eq"]), [.comp, .gate, .eq])
        XCTAssertThrowsError(try s.setInserts(.track(t), ["comp", "eq"]))
        XCTAssertThrowsError(try s.setInserts(.track(t), ["comp", "eq", "reverb"]))
        XCTAssertThrowsError(try s.setInserts(.track(t), ["comp", "eq", "eq"]))
        s.play()
        XCTAssertEqual(driver.render(frames: 2048).left[1500], 0.5 * 0.70710678, accuracy: 1e-5)
    }

    func testBadInsertValuesAreRefusedAndChangeNothing() throws {
        let (s, _) = try makeSession()
        let t = try s.addTrack(name: "t")
        let bad: [(InsertUnit, String, InsertValue)] = [
            (.eq(.peak1), "freq", .number(.nan)), (.eq(.peak1), "freq", .number(5)), (.eq(.peak1), "gain", .number(30)),
            (.eq(.hpf), "gain", .number(3)), (.eq(.peak1), "slope", .number(24)), (.eq(.hpf), "slope", .number(18)),
            (.eq(.peak1), "q", .number(.infinity)), (.eq(.peak1), "width", .number(1)), (.eq(nil), "freq", .number(100)),
            (.comp, "ratio", .number(0.5)), (.comp, "detect", .text("loud")), (.comp, "attack", .number(-1)),
            (.comp, "on", .number(2)), (.gate, "range", .number(-3)), (.gate, "hold", .number(.nan)), (.gate, "speed", .number(1)),
        ]
        let before = try s.strip(.track(t))
        for (unit, name, value) in bad {
            XCTAssertThrowsError(try s.setInsert(.track(t), unit, name, value), "\(unit) \(name) \(value)")
        }
        XCTAssertEqual(try s.strip(.track(t)), before)
    }

    /// The example in docs/patch.md is a patch this build loads, inserts and all.
    func testTheDocumentedPatchExampleLoads() throws {
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let doc = try String(contentsOf: repo.appendingPathComponent("docs/patch.md"), encoding: .utf8)
        let json = try XCTUnwrap(doc.components(separatedBy: "```json\n").dropFirst().first?.components(separatedBy: "```").first)
        let engine = EngineHandle(config: EngineConfig(sampleRate: 48000, maxFrames: 1024, maxStrips: 32, maxBuses: 8))
        let session = Session(engine: engine, paths: try ProjectPaths(directory: repo.path))
        try session.apply(try PatchStore.decoder().decode(Patch.self, from: Data(json.utf8)))
        XCTAssertEqual(try session.busOutput(4), 3)
        XCTAssertEqual(try session.insert(.bus(3), .reverb, "decay"), .number(1.8))
        XCTAssertEqual(try session.insert(.track(1), .eq(.hpf), "slope"), .number(24))
        XCTAssertEqual(try session.inserts(.bus(3)), [.gate, .eq, .comp, .delay, .reverb])
    }

    func testBusTimeEffectsFollowTheTempoAndOnlyBusesHaveThem() throws {
        let (s, driver) = try makeSession()
        let t = try s.addTrack(name: "t"), fx = try s.addBus(name: "fx")
        XCTAssertThrowsError(try s.setInsert(.track(t), .reverb, "on", .number(1)))
        XCTAssertThrowsError(try s.setInsert(.master, .delay, "on", .number(1)))
        XCTAssertThrowsError(try s.setInsert(.bus(fx), .delay, "note", .text("1/5")))
        XCTAssertThrowsError(try s.setTempo(.nan))
        XCTAssertThrowsError(try s.setTempo(1000))
        XCTAssertEqual(try s.inserts(.bus(fx)), [.gate, .eq, .comp, .delay, .reverb])
        try s.setTempo(150)
        try s.setInsert(.bus(fx), .delay, "note", .text("1/4"))
        try s.setInsert(.bus(fx), .delay, "feedback", .number(0))
        try s.setInsert(.bus(fx), .delay, "on", .number(1))
        try s.setSend(from: .track(t), to: fx, gain: 0, preFader: true)
        try s.set(.gain, of: .track(t), to: -.infinity)  // heard only through the delay
        try s.loadFile(track: t, path: "dc.wav")
        _ = driver.render(frames: 1024)  // the delay's switch-on crossfade, before anything plays
        s.play()
        let out = driver.render(frames: 48000).left
        // DC from frame 0, delayed by a quarter note at 150 bpm: 19200 samples.
        XCTAssertEqual(out.firstIndex { abs($0) > 1e-4 }, 19200)
        try s.savePatch(to: "tempo.json")
        let (loaded, _) = try makeSession()
        try loaded.loadPatch(from: "tempo.json")
        XCTAssertEqual(loaded.snapshot().transport.tempo, 150)
        XCTAssertEqual(try loaded.insert(.bus(fx), .delay, "note"), .text("1/4"))
    }

    func testPresetsApplyAndTravelInPatches() throws {
        let presets = StripPresets(directory: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path + "/presets")
        XCTAssertTrue(presets.names().contains("vocal"), "\(presets.names())")
        let (s, _) = try makeSession(presets: presets)
        let t = try s.addTrack(name: "vox")
        try s.applyPreset("vocal", to: .track(t))
        XCTAssertEqual(try s.insert(.track(t), .eq(.hpf), "freq"), .number(90))
        XCTAssertEqual(try s.insert(.track(t), .comp, "detect"), .text("rms"))
        XCTAssertThrowsError(try s.applyPreset("../etc/passwd", to: .track(t)))
        XCTAssertThrowsError(try s.applyPreset("nonesuch", to: .track(t)))
        // Every shipped preset is valid.
        for name in presets.names() { XCTAssertNoThrow(try presets.apply(name, to: StripSettings()), name) }
        try s.savePatch(to: "p.json")
        let (loaded, _) = try makeSession(presets: presets)
        try loaded.loadPatch(from: "p.json")
        XCTAssertEqual(try loaded.strip(.track(t)), try s.strip(.track(t)))
        XCTAssertEqual(try loaded.strip(.track(t)).preset, "vocal")
    }
}
