import AudioFiles
import Engine
import Foundation
import XCTest
@testable import Control

/// File tracks streamed from disk through the offline driver, the reader filled by
/// hand between renders: what plays is the file, sample for sample, through loops and
/// locates (the transport stands still until the read-ahead is there), and a reader
/// that falls behind is heard as counted silence, nothing else.
final class StreamTests: XCTestCase {
    var root: URL!
    var engine: EngineHandle!
    var session: Session!
    var reader: StreamReader!
    var driver: OfflineDriver!
    let period = 128
    let seconds = 4

    /// Frame n of the test file: exact in a Float, never 0.
    static func counter(_ n: Int) -> Float { Float(n + 1) / Float(1 << 22) }

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("dawg-stream-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let frames = seconds * 48000
        try AudioFileWriter.writeWAV(path: root.appendingPathComponent("long.wav").path,
                                     channels: [(0..<frames).map(Self.counter)], sampleRate: 48000)
        try AudioFileWriter.writeWAV(path: root.appendingPathComponent("short.wav").path,
                                     channels: [[Float](repeating: 0.25, count: 4800)], sampleRate: 48000)
        engine = EngineHandle(config: EngineConfig(sampleRate: 48000, maxFrames: 1024, maxStrips: 8, maxBuses: 2))
        reader = StreamReader()
        session = Session(engine: engine, paths: try ProjectPaths(directory: root.path), streamer: reader, streamThreshold: 1)
        driver = OfflineDriver(engine: engine, period: period)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: root) }

    /// The left output for `frames` (whole periods), the reader topping up every
    /// `every` periods (as its thread would), with the timeline frame of each sample.
    func play(_ frames: Int, every: Int = 4) -> (out: [Float], at: [Int64]) {
        var out: [Float] = [], at: [Int64] = []
        var k = 0
        while out.count < frames {
            if k % every == 0 { reader.fill() }
            let t = engine.core.pointee.transport  // read between cycles: the offline driver runs here
            out += driver.render(frames: period).left
            let held = engine.core.pointee.transport.syncing  // stood still, waiting for the streams
            at += (0..<Int64(period)).map { k in
                guard t.playing && !held else { return -1 }
                let p = t.position + k
                return t.looping && t.position < t.loopEnd && p >= t.loopEnd ? t.loopStart + (p - t.loopEnd) : p
            }
            k += 1
        }
        return (out, at)
    }

    func streamingTrack(at position: Double = 0) throws -> Int {
        let t = try session.addTrack(name: "long")
        try session.loadFile(track: t, path: "long.wav", position: position)
        try session.set(.pan, of: .track(t), to: -1)  // the left output carries it at unity …
        _ = play(1024)  // … once the pan's 10 ms glide is over (the transport is stopped)
        return t
    }

    /// What the file puts at each timeline frame (`start` frames in).
    func expected(_ at: [Int64], start: Int64 = 0) -> [Float] {
        at.map { t in
            let f = t - start
            return t >= 0 && f >= 0 && f < Int64(seconds * 48000) ? Self.counter(Int(f)) : 0
        }
    }

    func testALongFileStreamsAndPlaysSampleForSampleFromTheFirstFrame() throws {
        let t = try streamingTrack(at: 0.5)
        XCTAssertEqual(session.locked { session.graph[.track(t)]?.source?.kind }, .stream)
        reader.fill()  // primed at the transport's position when the track was made
        session.play()
        let first = play(period)  // the play command lands at this cycle's start
        XCTAssertEqual(first.out, (0..<period).map { _ in 0 }, "the file starts at 0.5 s")
        let (out, at) = play(48000 * 2)
        XCTAssertEqual(out, expected(at, start: 24000))
        XCTAssertEqual(session.streamUnderruns, 0)
        let short = try session.addTrack(name: "short")
        try session.loadFile(track: short, path: "short.wav")
        XCTAssertEqual(session.locked { session.graph[.track(short)]?.source?.kind }, .clips, "short files are decoded")
    }

    func testLoopingNeedsNoReprimeAndStaysExact() throws {
        _ = try streamingTrack()
        try session.setLoop(start: 0.5, end: 1.25)  // 36000 frames, wrapping inside a period
        reader.fill()
        session.play()
        _ = play(period)  // the play command lands
        let (out, at) = play(48000 * 3)
        XCTAssertEqual(Set(at.filter { $0 >= 0 }).count, 60000 - period, "the loop went round (the first period played before)")
        let want = expected(at)
        let wrong = out.indices.filter { out[$0] != want[$0] }
        XCTAssertEqual(wrong.count, 0, "first at \(wrong.first ?? -1): timeline \(wrong.first.map { at[$0] } ?? -1), \(wrong.first.map { (out[$0] * 4194304, want[$0] * 4194304) }.debugDescription)")
        XCTAssertEqual(session.streamUnderruns, 0)
    }

    func testALocateWhileStoppedPlaysExactlyFromTheNewPosition() throws {
        _ = try streamingTrack()
        try session.locate(seconds: 2.5)
        _ = play(period)  // the locate and the prime reach the realtime side
        reader.fill()
        _ = play(period)  // the player sees its run arrive: ready to roll from 2.5 s
        session.play()
        let first = play(period)
        XCTAssertEqual(first.out, (0..<Int64(period)).map { Self.counter(120_000 + Int($0)) }, "exact from the first sample")
        let (out, at) = play(48000)
        XCTAssertEqual(at.first, 120_000 + Int64(period))
        XCTAssertEqual(out, expected(at))
    }

    /// Pressing play at once after a locate: the transport waits for the read-ahead,
    /// and then plays from the located frame's sample on.
    func testPlayRightAfterALocateWaitsForTheReadAheadThenPlaysFromTheFirstSample() throws {
        _ = try streamingTrack()
        try session.locate(seconds: 2.5)
        session.play()
        let (out, at) = play(48000 / 2)
        let first = try XCTUnwrap(out.firstIndex { $0 != 0 })
        XCTAssertEqual(at[first], 120_000, "the transport did not move while it waited")
        XCTAssertEqual(out[first...].indices.filter { out[$0] != Self.counter(120_000 + $0 - first) }.count, 0, "exact from there on")
        XCTAssertLessThanOrEqual(first, 8 * period, "held only until the reader came round")
    }

    func testALocateWhilePlayingHoldsTheTransportUntilTheReadAheadArrivesThenIsExact() throws {
        _ = try streamingTrack()
        reader.fill()
        session.play()
        _ = play(48000 / 2)
        try session.locate(seconds: 3)
        let (out, at) = play(48000 / 2)
        let first = try XCTUnwrap(out.firstIndex { $0 != 0 })
        XCTAssertEqual(at[first], 144_000, "the first sample heard after the locate is the located one")
        XCTAssertEqual(out[first...].indices.filter { out[$0] != Self.counter(144_000 + $0 - first) }.count, 0, "exact from there on")
        XCTAssertLessThanOrEqual(first, 8 * period, "held only until the reader came round")
        XCTAssertEqual(session.streamUnderruns, 0)
    }

    /// A disk that never answers cannot stop the transport for good: after two seconds
    /// it rolls anyway (like JACK's sync timeout).
    func testTheTransportWaitsAtMostTwoSecondsForAStream() throws {
        _ = try streamingTrack()
        reader.fill()
        session.play()
        _ = play(period * 4)
        try session.locate(seconds: 3)
        var held = 0
        for _ in 0..<(48000 * 3 / period) {
            _ = driver.render(frames: period)  // the reader is never filled
            if engine.core.pointee.transport.syncing { held += period }
        }
        XCTAssertEqual(held, 96_000, "two seconds of holding, then it rolls")
        XCTAssertGreaterThan(engine.core.pointee.transport.position, 144_000)
    }

    func testAReaderThatFallsBehindIsHeardAsCountedSilenceAndRecovers() throws {
        _ = try streamingTrack()
        reader.fill()
        session.play()
        _ = play(period)  // the play command lands
        let (out, at) = play(48000 * 4, every: 1300)  // the reader wakes once in 3.5 s: the 2.7 s ring runs dry
        XCTAssertGreaterThan(session.streamUnderruns, 0)
        let wrong = out.indices.filter { out[$0] != 0 && out[$0] != expected([at[$0]])[0] }
        XCTAssertEqual(wrong, [], "late samples are never played at the wrong place")
        let (again, at2) = play(48000)
        XCTAssertEqual(Array(again.suffix(24000)), expected(Array(at2.suffix(24000))), "back in step once it keeps up")
    }

    func testAResampledFileStreamsAtTheEngineRate() throws {
        let frames = 44100 * 3
        let tone = (0..<frames).map { Float(0.5 * sin(2 * Double.pi * 441 * Double($0) / 44100)) }
        try AudioFileWriter.writeWAV(path: root.appendingPathComponent("tone44.wav").path, channels: [tone], sampleRate: 44100)
        let t = try session.addTrack(name: "44k")
        try session.loadFile(track: t, path: "tone44.wav")
        try session.set(.pan, of: .track(t), to: -1)
        let decoded = try AudioFileReader.decode(path: root.appendingPathComponent("tone44.wav").path, sampleRate: 48000)
        _ = play(2 * period, every: 1)  // the prime lands, the reader answers, the player is ready
        session.play()
        let (out, _) = play(48000 * 2)
        let reference = Array(UnsafeBufferPointer(start: decoded.left, count: 48000 * 2))
        let error = zip(out, reference).dropFirst(1000).map { abs($0 - $1) }.max()!
        XCTAssertLessThan(error, 1e-3, "the same converter as decoding, streamed")
    }

    /// The clip of `long.wav` a streamed track plays after these edits: timeline
    /// 0.25 s on, 1 s of the file from 0.5 s, at −6 dB, an equal-power fade-in of
    /// 0.1 s and an S-curve fade-out of 0.2 s.
    func editStreamedClip(_ t: Int) throws {
        try session.editClip(track: t, clip: 1, .trim(start: 0.5, length: 1.0))
        try session.editClip(track: t, clip: 1, .gain(-6))
        try session.editClip(track: t, clip: 1, .fadeIn(0.1, .equalPower))
        try session.editClip(track: t, clip: 1, .fadeOut(0.2, .sCurve))
        try session.editClip(track: t, clip: 1, .move(0.25))
    }

    /// What those edits put at each timeline frame, by the formulas of docs/osc.md.
    func editedClip(_ at: [Int64]) -> [Double] {
        let gain = pow(10, -6.0 / 20)
        return at.map { t in
            let i = t - 12_000
            guard t >= 0, i >= 0, i < 48_000 else { return 0 }
            var g = gain
            if i < 4800 { g *= sin(Double.pi / 2 * Double(i) / 4800) }
            if 48_000 - i <= 9600 { g *= (1 - cos(Double.pi * Double(48_000 - i) / 9600)) / 2 }
            return Double(Self.counter(24_000 + Int(i))) * g
        }
    }

    func assertClose(_ out: [Float], _ want: [Double], file: StaticString = #filePath, line: UInt = #line) {
        let wrong = out.indices.filter { abs(Double(out[$0]) - want[$0]) > 1e-6 * max(abs(want[$0]), 1e-3) }
        XCTAssertEqual(wrong.count, 0, "first at \(wrong.first ?? -1): \(wrong.first.map { (out[$0], want[$0]) }.debugDescription)", file: file, line: line)
    }

    /// Trim, gain, fades and position of a streamed file's clip render sample-exactly
    /// (the formulas decoded clips play), and come back from the saved patch.
    func testAStreamedClipsTrimGainFadesAndPositionAreExactAndSaved() throws {
        let t = try streamingTrack()
        try editStreamedClip(t)
        _ = play(2 * period, every: 1)  // the edits reach the player, its new run arrives
        session.play()
        _ = play(period)
        let (out, at) = play(48000 * 2)
        assertClose(out, editedClip(at))
        XCTAssertEqual(session.streamUnderruns, 0)

        // Saved and loaded again: the same clip, from the patch.
        let saved = session.snapshot()
        XCTAssertEqual(saved.tracks[0].clip?.trim, 0.5)
        session.stop()
        try session.apply(saved)
        try session.locate(seconds: 0)
        try session.set(.pan, of: .track(t), to: -1)
        _ = play(1024, every: 1)
        session.play()
        let again = play(48000 * 2)
        let first = try XCTUnwrap(again.at.firstIndex { $0 >= 0 })
        assertClose(Array(again.out[first...]), editedClip(Array(again.at[first...])))
        // A trim past the file's end is refused, and changes nothing.
        XCTAssertThrowsError(try session.editClip(track: t, clip: 1, .trim(start: 3.5, length: 1.0)))
        XCTAssertEqual(session.snapshot().tracks[0].clip?.trim, 0.5)
    }

    /// An edit made while the streamed file plays crosses over from the old clip to the
    /// new in the ramp time: no step larger than the ramp allows, no gap, no underrun,
    /// and then the new clip exactly.
    func testAnEditWhileAStreamPlaysCrossesOverWithoutAStep() throws {
        let t = try streamingTrack()
        reader.fill()
        session.play()
        _ = play(period)
        _ = play(48000 / 4)
        try session.editClip(track: t, clip: 1, .trim(start: 0.5, length: nil))  // the audio half a second on, and 6 dB down
        try session.editClip(track: t, clip: 1, .gain(-6))
        let (out, at) = play(48000 / 2)
        let ramp = Int(engine.config.rampFrames)
        let oldClip = expected(at), gain = Float(pow(10, -6.0 / 20))
        let newClip = at.map { $0 >= 0 ? gain * Self.counter(Int($0) + 24_000) : 0 }
        let start = try XCTUnwrap(out.indices.first { out[$0] != oldClip[$0] }, "the edit was heard")
        XCTAssertEqual(Array(out[(start + ramp)...]), Array(newClip[(start + ramp)...]), "the new clip, exactly, once crossed over")
        // During the crossover, each sample lies between the two clips' and moves from
        // one to the other by at most 1/ramp of their distance a sample (plus the
        // file's own slope).
        let slope = Self.counter(1) - Self.counter(0)
        for i in start..<(start + ramp) {
            XCTAssertGreaterThanOrEqual(out[i], min(oldClip[i], newClip[i]) - 1e-6)
            XCTAssertLessThanOrEqual(out[i], max(oldClip[i], newClip[i]) + 1e-6)
            XCTAssertLessThanOrEqual(abs(out[i] - out[i - 1]), abs(oldClip[i] - newClip[i]) / Float(ramp) + 2 * slope + 1e-6, "at \(i - start)")
        }
        XCTAssertEqual(session.streamUnderruns, 0)
        // Edits in quick succession land on the lane not sounding; the last one wins.
        for db in stride(from: Float(-12), through: -3, by: 3) { try session.editClip(track: t, clip: 1, .gain(db)) }
        let (late, lateAt) = play(48000 / 4)
        let last = Float(pow(10, -3.0 / 20))
        XCTAssertEqual(Array(late.suffix(4800)), lateAt.suffix(4800).map { last * Self.counter(Int($0) + 24_000) })
    }
}
