import XCTest
@testable import OSC

final class PitchNoteTests: XCTestCase {
    func testNotesAndCentsAgainstEqualTemperament() {
        func check(_ hz: Double, _ name: String, _ cents: Double, a4: Double = 440) {
            let (n, c) = PitchFeedback.note(hz, a4: a4)
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
}
