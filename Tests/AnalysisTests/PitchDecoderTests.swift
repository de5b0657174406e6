@testable import Analysis
import XCTest

/// The decoder's guess for a frame it calls unvoiced (the pitch a raw-pitch score
/// reads there): near a voiced line, the hypothesis on the line, not the likeliest dip.
final class PitchDecoderTests: XCTestCase {
    func testAnUnvoicedFrameBesideTheLineGuessesTheHypothesisOnTheLine() {
        var frames = [PitchHypotheses](repeating: PitchHypotheses(hz: [440], probability: [0.9], voiced: 0.9), count: 30)
        // A note's end: barely voiced, its likeliest dips at two and four times the period.
        frames += [PitchHypotheses](repeating: PitchHypotheses(hz: [110, 220, 441], probability: [0.05, 0.03, 0.02], voiced: 0.05), count: 3)
        frames += [PitchHypotheses](repeating: PitchHypotheses(), count: 40)
        // Far from any voiced frame.
        frames.append(PitchHypotheses(hz: [110, 441], probability: [0.05, 0.02], voiced: 0.05))
        let out = PitchDecoder().decode(frames)
        for t in 0..<30 {
            XCTAssertTrue(out[t].voiced)
            XCTAssertEqual(out[t].hz, 440, accuracy: 0.01)
        }
        for t in 30..<33 {
            XCTAssertFalse(out[t].voiced)
            XCTAssertEqual(out[t].hz, 441, accuracy: 0.01, "frame \(t): the hypothesis on the line")
        }
        XCTAssertEqual(out[40].hz, 0, "no hypothesis, no guess")
        XCTAssertFalse(out.last!.voiced)
        XCTAssertEqual(out.last!.hz, 110, accuracy: 0.01, "beyond reach of the line: the likeliest")
    }

    /// A note change through a short stretch at the two notes' common period (233 Hz and
    /// 156 Hz are 3 and 2 times 78 Hz) is read as the new note, at twice the stretch's
    /// measured pitch; not where the new note is struck, nor when the stretch is long.
    func testAShortStretchAtTheCommonPeriodOfTwoNotesIsTheNewNote() {
        func frames(stretch: Int, rise: Float) -> [PitchHypotheses] {
            var f = [PitchHypotheses](repeating: PitchHypotheses(hz: [233.1], probability: [0.9], voiced: 0.95), count: 30)
            f += [PitchHypotheses](repeating: PitchHypotheses(hz: [77.8, 155.4], probability: [0.9, 0.02], voiced: 0.95), count: stretch)
            var next = [PitchHypotheses](repeating: PitchHypotheses(hz: [155.6], probability: [0.9], voiced: 0.95), count: 40)
            next[0].rise = rise
            return f + next
        }
        let out = PitchDecoder().decode(frames(stretch: 11, rise: 1.2))
        for t in 30..<41 {
            XCTAssertTrue(out[t].voiced)
            XCTAssertEqual(out[t].hz, 155.6, accuracy: 0.01, "frame \(t)")
        }
        let struck = PitchDecoder().decode(frames(stretch: 11, rise: 4))
        XCTAssertEqual(struck[35].hz, 77.8, accuracy: 0.01, "a struck note: the stretch is a note of its own")
        let long = PitchDecoder().decode(frames(stretch: 20, rise: 1.2))
        XCTAssertEqual(long[40].hz, 77.8, accuracy: 0.01, "200 ms: a note of its own")
    }
}
