import Analysis
import Foundation
import MIDIFiles
import XCTest

/// The live coach: notes and cents against each kind of target, and its messages —
/// which problem they name, at what severity, and how often.
final class LiveCoachTests: XCTestCase {
    func testNotesAndCentsAgainstEqualTemperament() {
        func check(_ hz: Double, _ name: String, _ cents: Double, a4: Double = 440) {
            let (n, c) = Tuning(a4: a4).nearest(hz)
            XCTAssertEqual(n, name, "\(hz) Hz")
            XCTAssertEqual(c, cents, accuracy: 0.01, "\(hz) Hz")
        }
        check(440, "A4", 0)
        check(261.6256, "C4", 0)
        check(466.1638, "A#4", 0)
        check(27.5, "A0", 0)
        check(440 * pow(2, 0.2 / 12), "A4", 20)
        check(440 * pow(2, 0.6 / 12), "A#4", -40)   // nearer A#4
        check(130.8128 * pow(2, -0.3 / 12), "C3", -30)
        check(123.4708, "B2", 0)                      // the octave turns at C
        check(432, "A4", 0, a4: 432)
    }

    func coach(_ target: PitchTarget = .equalTemperament, style: String = "encouraging", messages: Bool = true) -> LiveCoach {
        var s = LiveCoach.Settings()
        s.target = target
        s.feedback.style = style
        s.messages = messages
        return LiveCoach(settings: s)
    }

    /// Readings every 5 ms from `from` for `seconds` of `midi(t)`; the messages given.
    func sing(_ c: inout LiveCoach, from: Double = 0, seconds: Double, position: Double? = nil,
              _ midi: (Double) -> Double) -> [(time: Double, message: LiveCoach.Message)] {
        var out: [(Double, LiveCoach.Message)] = []
        for i in 0..<Int(seconds / 0.005) {
            let t = from + Double(i) * 0.005
            if let m = c.reading(hz: Tuning().hz(midi(t)), position: position.map { $0 + t - from }, now: t).1 { out.append((t, m)) }
        }
        return out
    }

    func testReadingsAgainstEachTarget() throws {
        var et = coach()
        let v = et.reading(hz: 440 * pow(2, 0.2 / 12), position: nil, now: 0).0
        XCTAssertEqual(v.note, "A4")
        XCTAssertEqual(v.cents, 20, accuracy: 1e-9)
        XCTAssertFalse(v.inTune)
        XCTAssertTrue(et.reading(hz: 440 * pow(2, 0.1 / 12), position: nil, now: 0.005).0.inTune)

        var dMinor = coach(.scale(try Scale(key: "D", scale: "minor")))
        let s = dMinor.reading(hz: Tuning().hz(61.3), position: nil, now: 0).0  // C#4 + 30: D minor has C and D
        XCTAssertEqual(s.note, "D4")
        XCTAssertEqual(s.cents, -70, accuracy: 0.01)

        let melody = Melody(notes: [MIDINote(start: 0, duration: 1, key: 60), MIDINote(start: 1, duration: 1, key: 67)])
        var m = coach(.melody(melody, folded: true))
        XCTAssertEqual(m.reading(hz: Tuning().hz(62), position: 0.5, now: 0).0.note, "C4")
        XCTAssertEqual(m.reading(hz: Tuning().hz(62), position: 0.5, now: 0).0.cents, 200, accuracy: 0.01)
        XCTAssertEqual(m.reading(hz: Tuning().hz(55.1), position: 1.5, now: 0).0.note, "G3", "folded to the singer's octave")
        XCTAssertEqual(m.reading(hz: Tuning().hz(62.1), position: nil, now: 0).0.note, "D4", "stopped: the nearest note")
        XCTAssertEqual(m.reading(hz: Tuning().hz(62.1), position: 5, now: 0).0.note, "D4", "past the melody: the nearest note")
        var strict = coach(.melody(melody, folded: false))
        XCTAssertEqual(strict.reading(hz: Tuning().hz(55), position: 1.5, now: 0).0.note, "G4")
    }

    func testFlatIsNamedOnceThenRateLimited() {
        var c = coach()
        let said = sing(&c, seconds: 4) { _ in 57 - 0.3 }
        XCTAssertEqual(said.first?.message, LiveCoach.Message(text: "flat by 30 cents", severity: .warning))
        XCTAssertLessThan(said.first!.time, 0.6, "after one window of voice")
        XCTAssertEqual(said.count, 1, "the same message waits repeatAfter (5 s): \(said)")
        // In tune now: praise, but not sooner than minInterval after the last message.
        let praise = sing(&c, from: 4, seconds: 3) { _ in 57 }
        XCTAssertEqual(praise.first?.message, LiveCoach.Message(text: "great pitch, keep it up", severity: .success))
        for (a, b) in zip(praise, praise.dropFirst()) { XCTAssertGreaterThanOrEqual(b.time - a.time, 1.5) }
    }

    func testStylesAndSeverities() {
        var terse = coach(style: "terse")
        XCTAssertTrue(sing(&terse, seconds: 3) { _ in 57 }.isEmpty, "terse: no praise")
        var slightly = coach()
        XCTAssertEqual(sing(&slightly, seconds: 1) { _ in 57.1 }.first?.message,
                       LiveCoach.Message(text: "a little sharp (10 cents)", severity: .info))
        var quiet = coach(messages: false)
        XCTAssertTrue(sing(&quiet, seconds: 3) { _ in 56 }.isEmpty)
    }

    func testAWobbleIsUnsteadyAndAVibratoIsNot() {
        var wobbly = coach()
        XCTAssertEqual(sing(&wobbly, seconds: 1.5) { 57 + 0.4 * sin(2 * .pi * 2.5 * $0) }.first?.message.text, "unsteady: hold the note")
        var vibrato = coach()
        XCTAssertEqual(sing(&vibrato, seconds: 1.5) { 57 + 0.5 * sin(2 * .pi * 5.5 * $0) }.first?.message.text, "great pitch, keep it up")
    }

    func testAWrongNoteNamesTheRightOne() {
        let melody = Melody(notes: [MIDINote(start: 0, duration: 4, key: 62)])
        var c = coach(.melody(melody, folded: true))
        XCTAssertEqual(sing(&c, seconds: 1, position: 0) { _ in 60 }.first?.message,
                       LiveCoach.Message(text: "wrong note: sing D4", severity: .warning))
    }

    func testSilenceStartsTheJudgingAfresh() {
        var c = coach()
        _ = sing(&c, seconds: 0.3) { _ in 56.6 }   // 40 flat, not yet a window
        c.unvoiced()
        let said = sing(&c, from: 1, seconds: 0.8) { _ in 57 }
        XCTAssertEqual(said.first?.message.text, "great pitch, keep it up", "\(said)")
    }
}
