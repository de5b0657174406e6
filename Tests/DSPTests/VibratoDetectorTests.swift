import DSP
import Foundation
import XCTest

final class VibratoDetectorTests: XCTestCase {
    func detect(_ cents: (Double) -> Double) -> (rate: Double, extent: Double)? {
        var d = VibratoDetector(hop: 0.005)
        for i in 0..<100 { d.add(cents: cents(Double(i) * 0.005)) }
        return d.estimate()
    }

    func testRateAndExtentOfASungVibrato() throws {
        for (rate, extent) in [(5.0, 30.0), (5.5, 50.0), (6.5, 100.0), (7.0, 40.0)] {
            let v = try XCTUnwrap(detect { t in 300 + 20 * t + extent * sin(2 * .pi * rate * t + 1) }, "\(rate) Hz ±\(extent)")
            XCTAssertEqual(v.rate, rate, accuracy: 0.25, "\(rate) Hz")
            XCTAssertEqual(v.extent, extent, accuracy: extent * 0.12, "±\(extent) cents")
        }
    }

    func testASteadyNoteAGlideAndJitterAreNoVibrato() {
        XCTAssertNil(detect { _ in 0 })
        XCTAssertNil(detect { t in 1200 * t })  // an octave a second
        var seed: UInt64 = 3
        XCTAssertNil(detect { _ in
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return 8 * (Double(seed >> 11) / Double(1 << 53) - 0.5)
        })
        XCTAssertNil(detect { t in 5 * sin(2 * .pi * 6 * t) }, "too small to call vibrato")
    }

    func testNothingUntilHalfASecondIsIn() {
        var d = VibratoDetector(hop: 0.005)
        for i in 0..<99 { d.add(cents: 50 * sin(2 * .pi * 6 * Double(i) * 0.005)) }
        XCTAssertNil(d.estimate())
        d.add(cents: 0)
        XCTAssertNotNil(d.estimate())
        d.reset()
        XCTAssertNil(d.estimate())
    }
}
