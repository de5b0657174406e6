import AudioFiles
import DSP
import Engine
import Foundation
import Store
import XCTest
@testable import Control

/// The recorder through the offline driver: an input fed a counter (every sample
/// different and exact in a Float), taps into rings, the disk writer drained by hand.
final class RecorderTests: XCTestCase {
    var root: URL!
    var engine: EngineHandle!
    var session: Session!
    var writer: DiskWriter!
    var driver: OfflineDriver!
    var events: EventLog!
    let period = 128

    final class EventLog: @unchecked Sendable {
        private let lock = NSLock()
        private var items: [DiskWriter.Event] = []
        func append(_ e: DiskWriter.Event) { lock.withLock { items.append(e) } }
        var all: [DiskWriter.Event] { lock.withLock { items } }
    }

    func makeSession(ringFrames: Int = 1 << 16) throws {
        let paths = try ProjectPaths(directory: root.path)
        engine = EngineHandle(config: EngineConfig(sampleRate: 48000, maxFrames: 1024, maxStrips: 16, maxBuses: 4, inputs: 2))
        let store = try ProjectStore(directory: paths.root, name: "test")
        writer = DiskWriter(store: store, paths: paths, sampleRate: 48000)
        events = EventLog()
        writer.onEvent { [events] in events!.append($0) }
        session = Session(engine: engine, paths: paths, recorder: writer, recordRingFrames: ringFrames)
        driver = OfflineDriver(engine: engine, period: period)
    }

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("dawg-rec-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try makeSession()
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: root) }

    /// The counter: sample n of the engine's clock on port p is (n + 1 + p·2²⁰) / 2²².
    static func counter(_ port: Int, _ n: Int) -> Float { Float(n + 1 + port << 20) / Float(1 << 22) }

    func render(_ frames: Int) {
        _ = driver.render(frames: frames) { port, start, buffer in
            for i in buffer.indices { buffer[i] = Self.counter(port, start + i) }
        }
    }

    func armedInput(_ port: Int = 1) throws -> Int {
        let t = try session.addTrack(name: "vox")
        try session.setInput(track: t, port: port)
        try session.arm(track: t, true)
        return t
    }

    func samples(_ take: TakeRecord) throws -> [Float] {
        let a = try AudioFileReader.decode(path: root.path + "/" + take.file, sampleRate: 48000)
        return Array(UnsafeBufferPointer(start: a.left, count: a.frames))
    }

    func testATakeIsABitExactCopyOfTheInputFromWhereRecordingBegan() throws {
        let t = try armedInput(2)
        render(1000)  // the clock runs before recording starts
        let startClock = Int(engine.core.pointee.clock)
        try session.startRecording()
        render(10 * period)
        session.stop()
        render(2 * period)
        writer.drain()
        let takes = try session.takes(track: t)
        XCTAssertEqual(takes.count, 1)
        let take = try XCTUnwrap(takes.first)
        XCTAssertEqual(take.number, 1)
        XCTAssertEqual(take.file, "takes/\(t)/1.wav")
        XCTAssertEqual(take.timelineFrame, 0, "the transport started at 0")
        XCTAssertEqual(take.lengthFrames, Int64(10 * period))
        XCTAssertEqual(take.state, .complete)
        XCTAssertEqual(take.checksum, try FileChecksum.sha256(path: root.path + "/" + take.file))
        XCTAssertEqual(try samples(take), (0..<10 * period).map { Self.counter(1, startClock + $0) })
    }

    func testPunchInAndOutLandOnTheirSamples() throws {
        let t = try armedInput()
        try session.punch(from: 0.1, to: 0.2)  // frames 4800 ..< 9600, inside periods
        try session.startRecording()
        render(12000)
        writer.drain()
        let take = try XCTUnwrap(try session.takes(track: t).first)
        XCTAssertEqual(take.timelineFrame, 4800)
        XCTAssertEqual(take.lengthFrames, 4800)
        // The clock and the timeline started together, so timeline frame = clock frame.
        XCTAssertEqual(try samples(take), (4800..<9600).map { Self.counter(0, $0) })
        XCTAssertEqual(try session.takes(track: t).count, 1, "one take, not one per block")
    }

    func testEveryLoopPassIsATakeOfItsOwn() throws {
        let t = try armedInput()
        try session.setLoop(start: 0, end: 0.05)  // 2400 frames: the loop wraps inside a period
        try session.startRecording()
        render(3 * 2400 + 100)
        session.stop()
        render(period)
        writer.drain()
        let takes = try session.takes(track: t)
        XCTAssertEqual(takes.map(\.number), [1, 2, 3, 4])
        XCTAssertEqual(takes.prefix(3).map(\.lengthFrames), [2400, 2400, 2400])
        XCTAssertEqual(takes.map(\.timelineFrame), [0, 0, 0, 0])
        for (pass, take) in takes.prefix(3).enumerated() {
            XCTAssertEqual(try samples(take), (0..<2400).map { Self.counter(0, pass * 2400 + $0) }, "pass \(pass + 1)")
        }
    }

    func testAFullRingLosesFramesAsCountedSilenceNotSilently() throws {
        try makeSession(ringFrames: 1024)
        let t = try armedInput()
        try session.startRecording()
        render(4096)  // the writer does not run: 1024 fit, 3072 do not
        writer.drain()
        render(1024)  // room again: these are kept
        session.stop()
        render(period)
        writer.drain()
        let take = try XCTUnwrap(try session.takes(track: t).first)
        XCTAssertEqual(take.lengthFrames, 5120, "the take keeps its length")
        XCTAssertEqual(take.overrunFrames, 3072)
        let s = try samples(take)
        guard s.count == 5120 else { return XCTFail("the file holds \(s.count) frames") }
        XCTAssertEqual(Array(s[0..<1024]), (0..<1024).map { Self.counter(0, $0) })
        XCTAssertEqual(Array(s[1024..<4096]), [Float](repeating: 0, count: 3072))
        XCTAssertEqual(Array(s[4096..<5120]), (4096..<5120).map { Self.counter(0, $0) }, "after the gap, still aligned")
        let overruns = events.all.compactMap { if case let .overrun(_, frames) = $0 { frames } else { nil } }
        XCTAssertEqual(overruns, [3072])
        XCTAssertEqual(writer.overruns().map(\.1), [3072])
    }

    func testCyclesTheHostMissedAreSilenceInsideTheTakeNotASecondTake() throws {
        let t = try armedInput()
        try session.startRecording()
        render(5 * period)
        // The host missed two cycles while JACK's transport rolled on (what the JACK
        // glue reports); the driver is synchronous, so this thread stands in for it.
        engine.core.pointee.follow(skipped: Int64(2 * period))
        render(5 * period)
        session.stop()
        render(period)
        writer.drain()
        let takes = try session.takes(track: t)
        XCTAssertEqual(takes.count, 1, "a missed cycle is not a locate")
        let take = try XCTUnwrap(takes.first)
        XCTAssertEqual(take.lengthFrames, Int64(12 * period), "the frames missed are in the take")
        XCTAssertEqual(take.xrunFrames, Int64(2 * period))
        XCTAssertEqual(take.overrunFrames, 0)
        let s = try samples(take)
        guard s.count == 12 * period else { return XCTFail("the file holds \(s.count) frames") }
        XCTAssertEqual(Array(s[0..<5 * period]), (0..<5 * period).map { Self.counter(0, $0) })
        XCTAssertEqual(Array(s[5 * period..<7 * period]), [Float](repeating: 0, count: 2 * period))
        XCTAssertEqual(Array(s[7 * period..<12 * period]), (5 * period..<10 * period).map { Self.counter(0, $0) })
        let xruns = events.all.compactMap { if case let .xrun(_, frames) = $0 { frames } else { nil } }
        XCTAssertEqual(xruns, [Int64(2 * period)])
        XCTAssertEqual(writer.skips().map(\.1), [2 * period])
        XCTAssertEqual(engine.core.pointee.transport.position, Int64(12 * period), "the timeline counts them")
    }

    func testABounceOfTheMasterHoldsExactlyWhatTheOutputsCarried() throws {
        let t = try session.addTrack(name: "in")
        try session.setInput(track: t, port: 1)
        try session.set(.pan, of: .track(t), to: 0.3)
        let bus = try session.addBus(name: "fx")
        try session.bounce(.master, true)
        try session.bounce(.bus(bus), true)
        try session.startRecording()
        let out = driver.render(frames: 20 * period) { port, start, buffer in
            for i in buffer.indices { buffer[i] = Self.counter(port, start + i) }
        }
        session.stop()
        render(period)
        writer.drain()
        let take = try XCTUnwrap(try session.takes(bounce: .master).first)
        XCTAssertEqual(take.file, "takes/master/1.wav")
        XCTAssertEqual(take.channels, 2)
        XCTAssertEqual(take.timelineFrame, 0, "the engine's own output: no latency to take off")
        let a = try AudioFileReader.decode(path: root.path + "/" + take.file, sampleRate: 48000)
        XCTAssertEqual(Array(UnsafeBufferPointer(start: a.left, count: a.frames)), out.left)
        XCTAssertEqual(Array(UnsafeBufferPointer(start: a.right, count: a.frames)), out.right)
        XCTAssertNotEqual(out.left, out.right, "panned: the two sides differ")
        XCTAssertEqual(try session.takes(bounce: .bus(bus)).map(\.file), ["takes/bus-\(bus)/1.wav"])
        XCTAssertThrowsError(try session.bounce(.track(t), true))
    }

    /// An armed input track, hard left (the left output carries it at unity), with take
    /// 1 recorded at frames 480 ..< 1440 and finished.
    func trackWithATake() throws -> Int {
        let t = try armedInput()
        try session.set(.pan, of: .track(t), to: -1)
        try session.punch(from: 0.01, to: 0.03)
        try session.startRecording()
        render(2048)
        session.stop()
        render(period)
        writer.drain()
        session.takeFinished(try XCTUnwrap(try session.takes(track: t).first))
        return t
    }

    /// The left output of 2048 frames played from the start, the inputs silent or
    /// the counter.
    func playFromZero(silentInput: Bool = true) -> [Float] {
        try? session.locate(seconds: 0)
        session.play()
        let out = driver.render(frames: 2048) { port, start, buffer in
            for i in buffer.indices { buffer[i] = silentInput ? 0 : Self.counter(port, start + i) }
        }
        session.stop()
        render(period)
        return out.left
    }

    func testTheNewestTakePlaysWhereItWasRecordedOnceTheTrackIsDisarmed() throws {
        let t = try trackWithATake()
        XCTAssertEqual(try session.activeTake(track: t), 1)
        // Still armed: the live input is heard, not the take.
        XCTAssertEqual(playFromZero(silentInput: true).max(), 0, "armed: input monitoring, and the input is silent")
        try session.arm(track: t, false)
        let heard = playFromZero(silentInput: true)
        XCTAssertEqual(Array(heard[480..<1440]), (480..<1440).map { Self.counter(0, $0) }, "the take, on its samples")
        XCTAssertEqual(Array(heard[0..<480]) + Array(heard[1440...]), [Float](repeating: 0, count: 2048 - 960))
        try session.selectTake(track: t, number: 0)
        XCTAssertEqual(playFromZero(silentInput: true).max(), 0, "no take: the live input again")
        XCTAssertThrowsError(try session.selectTake(track: t, number: 2)) { XCTAssertTrue("\($0)".contains("no take 2"), "\($0)") }
        XCTAssertThrowsError(try session.selectTake(track: t, number: -1))
        // Saved in a patch and loaded back: take 1 plays again.
        try session.selectTake(track: t, number: 1)
        let saved = session.snapshot()
        XCTAssertEqual(saved.tracks.first?.take, 1)
        try session.selectTake(track: t, number: 0)
        try session.apply(saved)
        XCTAssertEqual(Array(playFromZero(silentInput: true)[480..<1440]), (480..<1440).map { Self.counter(0, $0) })
        var broken = saved
        broken.tracks[0].take = 7
        XCTAssertThrowsError(try session.apply(broken)) { XCTAssertTrue("\($0)".contains("no take 7"), "\($0)") }
    }

    func testATakesClipIsEditedLikeAFilesAndBelongsToThatTake() throws {
        let t = try trackWithATake()
        XCTAssertThrowsError(try session.editClip(track: t, clip: 1, .gain(-6))) { XCTAssertTrue("\($0)".contains("live input"), "\($0)") }
        try session.arm(track: t, false)
        // Gain, a trim of 240 frames into the take for 480, moved to frame 960, a linear
        // fade-in of 48 frames.
        try session.editClip(track: t, clip: 1, .gain(-6))
        try session.editClip(track: t, clip: 1, .trim(start: 0.005, length: 0.01))
        try session.editClip(track: t, clip: 1, .move(0.02))
        try session.editClip(track: t, clip: 1, .fadeIn(0.001, .linear))
        XCTAssertThrowsError(try session.editClip(track: t, clip: 1, .trim(start: 0.015, length: 0.01))) {
            XCTAssertTrue("\($0)".contains("past the end"), "\($0)")
        }
        let gain = Decibels.toGain(-6)
        func expected() -> [Float] {
            (0..<480).map { k in Self.counter(0, 480 + 240 + k) * gain * (k < 48 ? Float(k) / 48 : 1) }
        }
        var heard = playFromZero()
        for (k, e) in expected().enumerated() { XCTAssertEqual(heard[960 + k], e, accuracy: 1e-6, "frame \(960 + k)") }
        XCTAssertEqual(Array(heard[0..<960]) + Array(heard[1440...]), [Float](repeating: 0, count: 2048 - 480))
        // Saved and loaded with the take; a patch whose clip does not fit the take is refused.
        let saved = session.snapshot()
        XCTAssertEqual(saved.tracks[0].clip?.trim, 0.005)
        XCTAssertEqual(saved.tracks[0].position, 0.02)
        try session.selectTake(track: t, number: 0)
        XCTAssertNil(session.snapshot().tracks[0].clip, "the edits were take 1's")
        XCTAssertNil(session.snapshot().tracks[0].position)
        try session.apply(saved)
        heard = playFromZero()
        for (k, e) in expected().enumerated() { XCTAssertEqual(heard[960 + k], e, accuracy: 1e-6, "frame \(960 + k) after loading") }
        var broken = saved
        broken.tracks[0].clip?.length = 1
        XCTAssertThrowsError(try session.apply(broken)) { XCTAssertTrue("\($0)".contains("clip of take 1"), "\($0)") }
    }

    func testALostMarkCostsAlignmentButNeverHangsTheWriter() throws {
        // As if the mark ring had been full: a gap of 50 frames with no `dropped` mark.
        let stream = RecordStream(channels: 1, frames: 1024)
        writer.add(stream, for: .track(7))
        let ones = [Float](repeating: 1, count: 100)
        _ = stream.marks.push(RecordMark(kind: .start, frame: 0, value: 0))
        ones.withUnsafeBufferPointer { _ = stream.ring(0).writeSamples($0.baseAddress!, count: 100) }
        stream.lostMarks.wrappingIncrement(ordering: .relaxed)
        ones.withUnsafeBufferPointer { _ = stream.ring(0).writeSamples($0.baseAddress!, count: 100) }
        _ = stream.marks.push(RecordMark(kind: .end, frame: 250, value: 0))
        writer.drain()
        let take = try XCTUnwrap(try writer.store.takes(.track(7)).first)
        XCTAssertEqual(take.state, .complete)
        XCTAssertEqual(take.lengthFrames, 250, "the take keeps the length the tap produced")
        XCTAssertEqual(take.overrunFrames, 50)
        XCTAssertEqual(try samples(take).filter { $0 == 1 }.count, 200, "every sample that arrived is kept")
    }

    func testTwentyFourBitAndFLACTakesHoldTheInputToTheirResolution() throws {
        for (k, format) in [RecordFormat.wav24, .flac24, .flac16].enumerated() {
            var options = DiskWriter.Options()
            options.format = format
            let store = try ProjectStore(directory: root.path, name: "test")
            let w = DiskWriter(store: store, paths: try ProjectPaths(directory: root.path), sampleRate: 48000, options: options)
            let stream = RecordStream(channels: 2, frames: 4096)
            let source = TakeSource.bus(100 + k)
            w.add(stream, for: source)
            let left = (0..<3000).map { Float(sin(Double($0) * 0.01) * 0.5) }, right = left.map { -$0 }
            _ = stream.marks.push(RecordMark(kind: .start, frame: 0, value: 4800))
            left.withUnsafeBufferPointer { _ = stream.ring(0).writeSamples($0.baseAddress!, count: 3000) }
            right.withUnsafeBufferPointer { _ = stream.ring(1).writeSamples($0.baseAddress!, count: 3000) }
            _ = stream.marks.push(RecordMark(kind: .end, frame: 3000, value: 0))
            w.drain()
            let take = try XCTUnwrap(try store.takes(source).first, format.rawValue)
            XCTAssertEqual(take.format, format.rawValue)
            XCTAssertTrue(take.file.hasSuffix("." + format.fileExtension))
            XCTAssertEqual(take.lengthFrames, 3000)
            let a = try AudioFileReader.decode(path: root.path + "/" + take.file, sampleRate: 48000)
            let step: Float = format == .flac16 ? 1 / 32768 : 1 / 8_388_608
            let l = Array(UnsafeBufferPointer(start: a.left, count: a.frames)), r = Array(UnsafeBufferPointer(start: a.right, count: a.frames))
            XCTAssertLessThanOrEqual(zip(l, left).map { abs($0 - $1) }.max()!, step, "\(format.rawValue): within one step")
            XCTAssertLessThanOrEqual(zip(r, right).map { abs($0 - $1) }.max()!, step)
        }
    }

    func testWhatCannotBeRecordedIsRefusedAndChangesNothing() throws {
        try AudioFileWriter.writeWAV(path: root.path + "/dc.wav", channels: [[Float](repeating: 0.5, count: 480)], sampleRate: 48000)
        let file = try session.addTrack(name: "file")
        try session.loadFile(track: file, path: "dc.wav")
        XCTAssertThrowsError(try session.arm(track: file, true)) { XCTAssertTrue("\($0)".contains("only input tracks"), "\($0)") }
        XCTAssertThrowsError(try session.arm(track: 99, true))
        let bus = try session.addBus(name: "bus")
        XCTAssertThrowsError(try session.arm(track: bus, true), "a bus is not a track")
        XCTAssertThrowsError(try session.startRecording()) { XCTAssertTrue("\($0)".contains("no track is armed"), "\($0)") }
        XCTAssertFalse(session.isRecordEnabled)
        XCTAssertThrowsError(try session.punch(from: 2, to: 1))
        XCTAssertThrowsError(try session.punch(from: .nan, to: 1))
        XCTAssertNil(session.punch)
        XCTAssertFalse(try session.isArmed(track: file))
    }

    func testDisarmedTracksAndAStoppedTransportRecordNothing() throws {
        let t = try armedInput()
        try session.enableRecording(true)
        render(1024)  // record enabled, transport stopped
        try session.arm(track: t, false)
        session.play()
        render(1024)  // rolling, but disarmed
        writer.drain()
        XCTAssertEqual(try session.takes(track: t).count, 0)
    }
}
