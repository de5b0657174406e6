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
}
