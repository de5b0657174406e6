import Analysis
import Foundation
import MIDIFiles
import XCTest

/// The coach's scoring on pitch tracks made to order (every 10 ms, exact): each fault
/// alone — detuned, late, wrong notes, a wobble, a missed note — must cost its own
/// dimension and no other, and the tips must name it.
final class TakeScorerTests: XCTestCase {
    /// Legato pairs, rests, a repeated note, long notes.
    let melody = Melody(notes: [
        (0.5, 0.5, 57), (1.0, 0.5, 60), (1.5, 0.5, 62), (2.0, 1.0, 64), (3.5, 0.5, 62), (4.0, 0.4, 60),
        (4.5, 0.4, 60), (5.0, 1.2, 55), (6.5, 0.5, 57), (7.0, 0.5, 59), (7.5, 1.5, 60),
    ].map { MIDINote(start: $0.0, duration: $0.1, key: $0.2) })

    struct Singing {
        var detune = 0.0, late = 0.0, octave = 0, wrong: Set<Int> = [], missed: Set<Int> = []
        /// cents(t) added to every note (t from the note's start).
        var wobble: (Double) -> Double = { _ in 0 }
    }

    /// The pitch track of `melody` sung as `s`: notes that do not lead on end 20 ms
    /// early (a breath); a 30 ms slide into notes that follow on.
    func frames(_ s: Singing) -> [PitchFrame] {
        let notes = melody.notes
        return (0..<1000).map { i -> PitchFrame in
            let t = Double(i) * 0.01, sungT = t - s.late
            guard let k = notes.lastIndex(where: { $0.start <= sungT + 1e-9 }), sungT < notes[k].end,
                  !s.missed.contains(k) else { return PitchFrame(time: t, hz: 0, confidence: 0) }
            let n = notes[k], into = sungT - n.start
            let tied = k > 0 && abs(notes[k - 1].end - n.start) < 1e-6
            let leads = k + 1 < notes.count && abs(n.end - notes[k + 1].start) < 1e-6
            if !leads && n.end - sungT <= 0.02 { return PitchFrame(time: t, hz: 0, confidence: 0) }
            var key = Double(n.key + 12 * s.octave + (s.wrong.contains(k) ? 2 : 0))
            if tied && into < 0.03 { key = Double(notes[k - 1].key + 12 * s.octave) + (key - Double(notes[k - 1].key + 12 * s.octave)) * into / 0.03 }
            let cents = s.detune + s.wobble(into)
            return PitchFrame(time: t, hz: Tuning().hz(key + cents / 100), confidence: 1)
        }
    }

    func score(_ s: Singing, folded: Bool = true) -> CoachReport {
        var o = TakeScorer.Options()
        o.folded = folded
        return TakeScorer(options: o).score(frames(s), against: .melody(melody, folded: folded), targetName: "test")
    }

    func assertSame(_ a: Double?, _ b: Double?, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a ?? -1, b ?? -1, accuracy: 2, "\(what) should not change", file: file, line: line)
    }

    func testTheReferenceSungExactlyScoresFull() {
        let r = score(Singing())
        XCTAssertEqual(r.notes.count, 11)
        XCTAssertGreaterThanOrEqual(r.score, 99, "\(r)")
        XCTAssertEqual(r.pitch, 100, accuracy: 0.5)
        XCTAssertEqual(r.rhythm ?? 0, 100, accuracy: 0.5)
        XCTAssertEqual(r.consistency ?? 0, 100, accuracy: 0.5)
        XCTAssertTrue(r.tips[0].hasPrefix("Great take"), "\(r.tips)")
        XCTAssertEqual(r.notes.map(\.verdict), Array(repeating: "ok", count: 11))
    }

    func testDetunedCostsPitchOnly() {
        let exact = score(Singing()), flat = score(Singing(detune: -30))
        XCTAssertLessThan(flat.pitch, 70)
        XCTAssertEqual(flat.meanCents ?? 0, -30, accuracy: 1)
        assertSame(flat.rhythm, exact.rhythm, "rhythm")
        assertSame(flat.consistency, exact.consistency, "consistency")
        XCTAssertTrue(flat.tips.contains { $0.contains("flat by about 30 cents") }, "\(flat.tips)")
        XCTAssertTrue(score(Singing(detune: 25)).tips.contains { $0.contains("sharp") })
    }

    func testLateCostsRhythmOnly() {
        let exact = score(Singing()), late = score(Singing(late: 0.15))
        XCTAssertLessThan(late.rhythm ?? 100, 60)
        XCTAssertEqual(late.meanOnsetMs ?? 0, 150, accuracy: 20)
        assertSame(late.pitch, exact.pitch, "pitch")
        assertSame(late.consistency, exact.consistency, "consistency")
        XCTAssertTrue(late.tips.contains { $0.contains("late by about 1") }, "\(late.tips)")
        XCTAssertFalse(late.tips.contains { $0.contains("flat") || $0.contains("wrong") })
        let early = score(Singing(late: -0.12))
        XCTAssertTrue(early.tips.contains { $0.contains("early") }, "\(early.tips)")
    }

    func testWrongNotesCostPitchOnlyAndAreNamed() {
        let exact = score(Singing()), wrong = score(Singing(wrong: [2, 5, 9]))
        XCTAssertLessThan(wrong.pitch, 85)
        assertSame(wrong.rhythm, exact.rhythm, "rhythm")
        assertSame(wrong.consistency, exact.consistency, "consistency")
        XCTAssertEqual(wrong.notes.filter { $0.verdict == "wrong note" }.map(\.index), [2, 5, 9])
        XCTAssertTrue(wrong.tips.contains { $0.contains("3 wrong notes") && $0.contains("sang E4, the melody has D4") }, "\(wrong.tips)")
    }

    func testAnOctaveDownCountsWhenFoldedOnly() {
        XCTAssertEqual(score(Singing(octave: -1)).pitch, 100, accuracy: 0.5)
        let strict = score(Singing(octave: -1), folded: false)
        XCTAssertEqual(strict.pitch, 0, accuracy: 0.5)
        XCTAssertFalse(strict.folded)
    }

    func testAWobbleCostsConsistencyButAVibratoDoesNot() {
        let exact = score(Singing())
        let wobbly = score(Singing(wobble: { 35 * sin(2 * .pi * 1.5 * $0) }))
        XCTAssertLessThan(wobbly.consistency ?? 100, 85)
        XCTAssertTrue(wobbly.tips.contains { $0.hasPrefix("Unsteady") }, "\(wobbly.tips)")
        let vibrato = score(Singing(wobble: { 50 * sin(2 * .pi * 5.5 * $0) }))
        assertSame(vibrato.consistency, exact.consistency, "consistency")
        assertSame(vibrato.pitch, exact.pitch, "pitch")
        let rates = vibrato.notes.compactMap(\.vibratoRate)
        XCTAssertFalse(rates.isEmpty)
        for r in rates { XCTAssertEqual(r, 5.5, accuracy: 0.3) }
        XCTAssertEqual(vibrato.vibrato ?? 0, 100, accuracy: 1)
        let slow = score(Singing(wobble: { 50 * sin(2 * .pi * 4 * $0) }))
        XCTAssertTrue(slow.tips.contains { $0.contains("Vibrato is slow") }, "\(slow.tips)")
    }

    func testAMissedNoteIsNamed() {
        let r = score(Singing(missed: [3]))
        XCTAssertEqual(r.notes[3].verdict, "missed")
        XCTAssertEqual(r.notes[3].rhythmScore, 0)
        XCTAssertTrue(r.tips[0].contains("1 note missed: 4 (E4)"), "\(r.tips)")
        XCTAssertEqual(r.notes.filter { $0.verdict == "ok" }.count, 10)
    }

    func testAgainstAScaleEachSungNoteIsFound() throws {
        let cMajor = try Scale(key: "C", scale: "major")
        let r = TakeScorer().score(frames(Singing(wrong: [9])), against: .scale(cMajor), targetName: cMajor.description)
        XCTAssertEqual(r.mode, "scale")
        XCTAssertNil(r.rhythm)
        // 11 notes sung; the repeated C4s after a gap are two notes. B3 + 2 = C#4 is out.
        XCTAssertEqual(r.notes.count, 11, "\(r.notes.map { ($0.start, $0.sung) })")
        XCTAssertEqual(r.notes.filter { $0.verdict == "wrong note" }.map { $0.sung }, ["C#4"])
        XCTAssertTrue(r.tips.contains { $0.contains("outside C major") })
    }

    func testScalesMelodiesAndNames() throws {
        XCTAssertEqual(try Scale(key: "Bb", scale: "Aeolian").description, "A# minor")
        XCTAssertThrowsError(try Scale(key: "H", scale: "major"))
        XCTAssertThrowsError(try Scale(key: "C", scale: "lydian-dominant-x"))
        let d = try Scale(key: "D", scale: "dorian")
        XCTAssertEqual(d.nearest(60.9), 60)   // C#4 is not in D dorian; C4 is nearer than D4
        XCTAssertEqual(d.nearest(61.1), 62)
        XCTAssertEqual(d.nearest(63.6), 64)
        XCTAssertEqual(Tuning.name(60), "C4")
        XCTAssertEqual(Tuning.name(23), "B0")
        XCTAssertEqual(Tuning(a4: 432).nearest(432).name, "A4")
        XCTAssertEqual(Tuning(a4: 442).nearest(440).cents, -7.85, accuracy: 0.01)
        // A chord reduces to its top note; an overlap is cut where the next note starts.
        let m = Melody(notes: [MIDINote(start: 0, duration: 1, key: 60), MIDINote(start: 0, duration: 1, key: 64),
                               MIDINote(start: 0.8, duration: 1, key: 62)])
        XCTAssertEqual(m.notes.map(\.key), [64, 62])
        XCTAssertEqual(m.note(at: 0.5)?.key, 64)
        XCTAssertEqual(m.note(at: 0.9)?.key, 62)
        XCTAssertNil(m.note(at: 1.9))
        XCTAssertEqual(PitchTarget.fold(72, near: 47.6), 48)
    }

    func testMissingFramesDoNotShiftTheNotes() {
        // Live readings lose one now and then: every seventh frame gone.
        let all = frames(Singing())
        let thinned = all.enumerated().filter { $0.offset % 7 != 3 }.map(\.element)
        let r = TakeScorer().score(thinned, against: .melody(melody, folded: true), targetName: "test")
        XCTAssertEqual(r.notes.map(\.verdict), Array(repeating: "ok", count: 11), "\(r.notes.map { ($0.verdict, $0.onsetMs) })")
        XCTAssertEqual(r.rhythm ?? 0, 100, accuracy: 0.5)
    }
}
