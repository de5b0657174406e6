import Foundation
import XCTest
@testable import Analysis

/// BS.1770-4 / EBU R128 against the EBU's own conformance signals (Tech 3341 and 3342),
/// synthesised here from their specification: stereo 1 kHz sines at given dBFS for
/// given seconds.
final class LoudnessTests: XCTestCase {
    /// Stereo 1 kHz sine segments, (dBFS peak, seconds) each, measured.
    func measure(_ segments: [(Double, Double)], rate: Double = 48000, hz: Double = 1000) -> Loudness {
        let meter = LoudnessMeter(sampleRate: rate, channels: 2)
        var n = 0
        for (db, seconds) in segments {
            let a = pow(10, db / 20)
            let count = Int((seconds * rate).rounded())
            var block = [Float](repeating: 0, count: 2 * count)
            for i in 0..<count {
                let x = Float(a * sin(2 * .pi * hz * Double(n + i) / rate))
                block[2 * i] = x
                block[2 * i + 1] = x
            }
            n += count
            block.withUnsafeBufferPointer { meter.process(interleaved: $0, frames: count) }
        }
        return meter.result()
    }

    func assertLoudness(_ value: Double?, _ expected: Double, accuracy: Double = 0.1, _ what: String, line: UInt = #line) {
        guard let value else { return XCTFail("\(what): none", line: line) }
        XCTAssertEqual(value, expected, accuracy: accuracy, what, line: line)
    }

    // Tech 3341, cases 1–5: integrated loudness within ±0.1 LU.
    func testTech3341Case1And2() {
        let one = measure([(-23, 20)])
        assertLoudness(one.integrated, -23, "case 1 integrated")
        assertLoudness(one.momentaryMax, -23, "case 1 momentary")
        assertLoudness(one.shortTermMax, -23, "case 1 short-term")
        assertLoudness(measure([(-33, 20)]).integrated, -33, "case 2")
    }

    func testTech3341Case3To5Gating() {
        assertLoudness(measure([(-36, 10), (-23, 60), (-36, 10)]).integrated, -23, "case 3")
        assertLoudness(measure([(-72, 10), (-36, 10), (-23, 60), (-36, 10), (-72, 10)]).integrated, -23, "case 4")
        assertLoudness(measure([(-26, 20), (-20, 20.1), (-26, 20)]).integrated, -23, "case 5")
    }

    func testTech3341ShortTermOfAThreeSecondPattern() {
        // Case 9: 1.34 s at −20 dBFS and 1.66 s at −30, twenty times: every 3 s window
        // holds one of each, −23.0 LUFS short-term.
        let r = measure(Array(repeating: [(-20.0, 1.34), (-30.0, 1.66)], count: 20).flatMap { $0 })
        assertLoudness(r.shortTermMax, -23, "case 9 short-term")
    }

    func testTheRateDoesNotChangeTheMeasure() {
        for rate in [44100.0, 96000.0] {
            assertLoudness(measure([(-23, 10)], rate: rate).integrated, -23, "\(rate) Hz")
        }
    }

    // Tech 3342: loudness range within ±1 LU.
    func testTech3342LoudnessRange() {
        assertLoudness(measure([(-20, 20), (-30, 20)]).range, 10, accuracy: 1, "case 1")
        assertLoudness(measure([(-20, 20), (-15, 20)]).range, 5, accuracy: 1, "case 2")
        assertLoudness(measure([(-40, 20), (-20, 20)]).range, 20, accuracy: 1, "case 3")
        assertLoudness(measure([(-50, 20), (-35, 20), (-20, 20), (-35, 20), (-50, 20)]).range, 15, accuracy: 1, "case 4")
    }

    func testTruePeakFindsThePeakBetweenSamples() {
        // A sine at a quarter of the rate, 45° off the samples: every sample is at
        // 0.707 of the peak (−3 dB), the true peak is the sine's.
        let rate = 48000.0
        let meter = LoudnessMeter(sampleRate: rate, channels: 1)
        let x = (0..<48000).map { Float(0.5 * sin(2 * .pi * Double($0) / 4 + .pi / 4)) }
        meter.process([x])
        let r = meter.result()
        XCTAssertEqual(r.samplePeak, 20 * log10(0.5 * 0.5.squareRoot()), accuracy: 0.01)
        XCTAssertEqual(r.truePeak, 20 * log10(0.5), accuracy: 0.1)
        // Near Nyquist (19 kHz) at any phase, within the +0.2/−0.4 dB the standard
        // allows. Faded in over 10 ms: a sine switched on at once is not band-limited,
        // and its onset truly overshoots.
        for phase in stride(from: 0.0, to: 1.0, by: 0.25) {
            let m = LoudnessMeter(sampleRate: rate, channels: 1)
            m.process([(0..<48000).map { Float(0.5 * min(1, Double($0) / 480) * sin(2 * .pi * 19000 * Double($0) / rate + phase)) }])
            let tp = m.result().truePeak - 20 * log10(0.5)
            XCTAssertTrue(tp <= 0.2 && tp >= -0.4, "phase \(phase): \(tp) dB")
        }
    }

    func testSilenceHasNoLoudness() {
        let meter = LoudnessMeter(sampleRate: 48000, channels: 2)
        meter.process([[Float](repeating: 0, count: 48000 * 5), [Float](repeating: 0, count: 48000 * 5)])
        let r = meter.result()
        XCTAssertNil(r.integrated)
        XCTAssertNil(r.range)
        XCTAssertNil(r.momentaryMax)
        XCTAssertLessThan(r.truePeak, -200)
    }
}
