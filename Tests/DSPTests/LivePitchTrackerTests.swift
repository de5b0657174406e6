import DSP
import Foundation
import XCTest

/// The live tracker fed in JACK-sized blocks: how soon after a note begins it reads the
/// note, how steady it stays, and that silence and noise read as unvoiced.
final class LivePitchTrackerTests: XCTestCase {
    let rate = 48000.0

    /// Silence for `onset` samples, then harmonics of `hz` (1/k amplitudes).
    func note(_ hz: Double, onset: Int, seconds: Double, from first: Int = 1, odd: Double = 1) -> [Float] {
        (0..<Int(seconds * rate)).map { i in
            guard i >= onset else { return 0 }
            let t = Double(i - onset) / rate
            var x = 0.0
            for k in first...8 { x += (k % 2 == 1 ? odd : 1) * sin(2 * Double.pi * Double(k) * hz * t + Double(k)) / Double(k) }
            return Float(0.2 * x)
        }
    }

    func readings(_ x: [Float], block: Int = 256) -> [PitchReading] {
        var tracker = LivePitchTracker(sampleRate: rate, maxBlock: block)
        defer { tracker.free() }
        var all: [PitchReading] = []
        var out = [PitchReading](repeating: PitchReading(hz: 0, confidence: 0, levelDb: 0, sample: 0), count: 8)
        var i = 0
        while i + block <= x.count {
            let n = x.withUnsafeBufferPointer { src in out.withUnsafeMutableBufferPointer { tracker.push(src.baseAddress! + i, block, into: $0.baseAddress!, capacity: 8) } }
            all += out.prefix(n)
            i += block
        }
        return all
    }

    func cents(_ a: Float, _ b: Double) -> Double { 1200 * log2(Double(a) / b) }

    func testANoteIsReadWithinTwoAndAHalfPeriodsAndAHopOfItsOnset() {
        for hz in [82.4, 110.0, 220.0, 440.0, 880.0, 1318.5] {
            let onset = 12_345
            let r = readings(note(hz, onset: onset, seconds: 0.5))
            XCTAssertTrue(r.filter { $0.sample < onset }.allSatisfy { $0.hz == 0 }, "\(hz) Hz: silence before")
            guard let first = r.first(where: { $0.sample > onset && $0.hz > 0 && abs(cents($0.hz, hz)) < 50 }) else {
                return XCTFail("\(hz) Hz never read")
            }
            let latency = Double(first.sample - Int64(onset)) / rate
            XCTAssertLessThan(latency, 2.5 / hz + 0.0055, "\(hz) Hz read after \(latency * 1000) ms")
            let after = r.filter { $0.sample > first.sample }
            XCTAssertTrue(after.allSatisfy { abs(cents($0.hz, hz)) < 5 }, "\(hz) Hz: steady once read, \(after.map(\.hz).prefix(5))")
            let expected = Double(24000 - Int(first.sample)) / 240
            XCTAssertEqual(Double(after.count), expected, accuracy: 2, "a reading every 5 ms")
        }
    }

    /// Without its fundamental, and with weak odd harmonics, a note repeats almost
    /// exactly at half its period; the tracker still reads the period.
    func testAMissingFundamentalIsReadAsTheFundamental() {
        for hz in [110.0, 247.0, 415.3] {
            let r = readings(note(hz, onset: 0, seconds: 0.5, from: 2, odd: 0.15)).filter { $0.sample > 4800 }
            let off = r.filter { abs(cents($0.hz, hz)) > 5 }
            XCTAssertEqual(off.count, 0, "\(hz) Hz without its fundamental: \(off.prefix(3).map(\.hz))")
        }
    }

    func testNoiseBelowTheGateAndWhiteNoiseAboveItAreUnvoiced() {
        var seed: UInt64 = 1
        let noise = (0..<48000).map { _ -> Float in
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return 0.2 * (Float(seed >> 40) / Float(1 << 24) - 0.5)
        }
        let r = readings(noise)
        XCTAssertLessThan(Double(r.filter { $0.hz > 0 }.count), 0.02 * Double(r.count), "white noise is not a note")
        XCTAssertTrue(readings(noise.map { $0 * 0.001 }).allSatisfy { $0.hz == 0 }, "under the gate")
    }
}
