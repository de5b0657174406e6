import XCTest
import DSP
import Engine
import Synth

/// MIDI tracks through the offline driver: events out of the MIDI slot at their exact
/// frames, the synth sounding on the 64-frame grid, nothing held after a stop, a
/// locate or a loop wrap.
final class MIDIPlayerTests: XCTestCase {
    var engine: EngineHandle!
    var driver: OfflineDriver!

    override func setUp() {
        engine = EngineHandle(config: EngineConfig(sampleRate: 48000, maxFrames: 1024, maxStrips: 16, maxBuses: 4, maxBuffers: 32))
        driver = OfflineDriver(engine: engine, period: 256)
    }

    func synth() throws -> SoundFontSynth {
        try SoundFontSynth(soundFont: try SoundFonts.generalMIDI(), sampleRate: 48000)
    }

    /// Notes of `key` at the given frames, each `length` frames long, on `channel`.
    func notes(_ starts: [Int64], key: UInt8 = 60, length: Int64 = 4800, channel: UInt8 = 0) -> MIDISequence {
        MIDISequence(starts.flatMap { s in
            [MIDIEvent(frame: s, status: 0x90 | channel, data1: key, data2: 100), MIDIEvent(frame: s + length, status: 0x80 | channel, data1: key)]
        })
    }

    /// Install one MIDI track panned hard left; returns its node.
    @discardableResult
    func install(_ sequence: MIDISequence, synth: SoundFontSynth?, program: UInt8? = nil) throws -> NodeState {
        let node = MIDIPlayer.node(sequence: sequence, synth: synth, outputs: engine.core.pointee.midi, slot: 3, programs: [], program: program)
        var mix = PlainMix(config: engine.config)
        mix.add(source: node, channels: 2, gains: gains(pan: -1), slot: 1)
        XCTAssertTrue(try engine.install(mix.description()))
        return node
    }

    /// Render, collecting slot 3's messages with their absolute frames.
    func render(_ frames: Int) -> (audio: [Float], messages: [(frame: Int, MIDIMessage)]) {
        var messages: [(frame: Int, MIDIMessage)] = []
        let out = driver.render(frames: frames, midi: { start, outputs in
            for m in outputs.messages(3) { messages.append((start + Int(m.offset), m)) }
            XCTAssertEqual(outputs.messages(2).count, 0)
        })
        return (out.left, messages)
    }

    func testMessagesLeaveAtTheirExactFrames() throws {
        try install(notes([1000, 5003, 9999], length: 777), synth: nil)
        engine.send(.play)
        let (_, messages) = render(12000)
        let ons = messages.filter { $0.1.status == 0x90 }.map(\.frame)
        let offs = messages.filter { $0.1.status == 0x80 }.map(\.frame)
        XCTAssertEqual(ons, [1000, 5003, 9999])
        XCTAssertEqual(offs, [1777, 5780, 10776])
    }

    func testTheSynthSoundsFromTheFirstGridFrameAfterTheNote() throws {
        try install(notes([1000]), synth: try synth())
        engine.send(.play)
        let (audio, _) = render(4096)
        // 1000 is not on the 64-frame grid: the note starts at 1024 (its attack rises
        // from zero over the first samples).
        XCTAssertEqual(audio[0..<1024].map { abs($0) }.max(), 0)
        XCTAssertGreaterThan(audio[1024..<1040].map { abs($0) }.max()!, 0)
        XCTAssertGreaterThan(audio[1024..<3000].map { abs($0) }.max()!, 0.01)
    }

    func testStopReleasesHeldNotesAndTheSynthFades() throws {
        let s = try synth()
        try install(notes([0], length: 480_000), synth: s)
        engine.send(.play)
        _ = render(4800)
        engine.send(.stop)
        let (audio, messages) = render(48000)
        XCTAssertEqual(messages.map(\.1.status), [0x80], "one note-off for the held note")
        XCTAssertEqual(messages.first?.1.data1, 60)
        // The release tail fades out within a second; the synth has nothing sounding.
        XCTAssertLessThan(audio.suffix(4800).map { abs($0) }.max()!, 1e-4)
        XCTAssertEqual(s.activeVoices, 0)
    }

    func testLocateAndLoopWrapReleaseAndChaseTheNextEvents() throws {
        try install(notes([0, 12000], length: 10000), synth: nil)
        engine.send(.loop(start: 0, end: 14000, enabled: true))
        engine.send(.play)
        let (_, messages) = render(30000)
        let timeline = messages.map { ($0.frame, $0.1.status) }
        // On at 0, off at 10000, on at 12000, wrap at 14000 (note-off), on at 14000 (0 again).
        let expected: [(Int, UInt8)] = [(0, 0x90), (10000, 0x80), (12000, 0x90), (14000, 0x80), (14000, 0x90), (24000, 0x80), (26000, 0x90), (28000, 0x80), (28000, 0x90)]
        XCTAssertEqual(timeline.filter { $0.1 != 0xC0 }.map(\.0), expected.map(\.0))
        XCTAssertEqual(timeline.filter { $0.1 != 0xC0 }.map(\.1), expected.map(\.1))
    }

    func testProgramsAreSentAtPlayAndOverriddenByParameter() throws {
        let node = try install(notes([100]), synth: nil, program: 33)
        engine.send(.play)
        var (_, messages) = render(512)
        XCTAssertEqual(messages.first.map { [$0.1.status, $0.1.data1] }, [0xC0, 33])
        engine.set(node, 0, 81)
        (_, messages) = render(256)
        XCTAssertEqual(messages.first.map { [$0.1.status, $0.1.data1] }, [0xC0, 81])
    }

    func testOfflineRendersAreTheSameWhateverThePeriod() throws {
        let sequence = notes([300, 7000, 7100], key: 64, length: 3000)
        try install(sequence, synth: try synth())
        engine.send(.play)
        let a = render(16384).audio
        setUp()
        driver = OfflineDriver(engine: engine, period: 100)
        try install(sequence, synth: try synth())
        engine.send(.play)
        let b = render(16384).audio
        XCTAssertEqual(a.count, b.count)
        var worst: Float = 0
        for i in 0..<a.count { worst = max(worst, abs(a[i] - b[i])) }
        XCTAssertLessThan(worst, 1e-6)
    }
}
