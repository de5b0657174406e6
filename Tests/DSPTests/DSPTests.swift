import XCTest
@testable import DSP

final class DecibelTests: XCTestCase {
    func testMinusSixDbIsClosedForm() {
        XCTAssertEqual(Decibels.toGain(-6), 0.501187, accuracy: 1e-6)
        XCTAssertEqual(Decibels.toGain(12), 3.981072, accuracy: 1e-5)
        XCTAssertEqual(Decibels.toGain(0), 1)
        XCTAssertEqual(Decibels.toGain(-.infinity), 0)
    }

    func testFromGain() {
        XCTAssertEqual(Decibels.fromGain(0.5), -6.0206, accuracy: 1e-4)
        XCTAssertEqual(Decibels.fromGain(0), -.infinity)
        XCTAssertEqual(Decibels.meterReading(0), -120)
    }
}

final class PanLawTests: XCTestCase {
    func testCentreIsMinusThreeDb() {
        let g = PanLaw.mono(0)
        XCTAssertEqual(g.left, Float(0.5).squareRoot(), accuracy: 1e-7)
        XCTAssertEqual(g.right, Float(0.5).squareRoot(), accuracy: 1e-7)
        XCTAssertEqual(Decibels.fromGain(g.left), -3.0103, accuracy: 1e-3)
    }

    func testConstantPowerEverywhere() {
        for i in 0...20 {
            let g = PanLaw.mono(Float(i) / 10 - 1)
            XCTAssertEqual(g.left * g.left + g.right * g.right, 1, accuracy: 1e-6)
        }
    }

    func testHardPans() {
        XCTAssertEqual(PanLaw.mono(-1).left, 1, accuracy: 1e-7)
        XCTAssertEqual(PanLaw.mono(-1).right, 0, accuracy: 1e-7)
        XCTAssertEqual(PanLaw.mono(1).left, 0, accuracy: 1e-7)
        XCTAssertEqual(PanLaw.mono(1).right, 1, accuracy: 1e-7)
    }

    func testBalanceLeavesCentreUntouched() {
        XCTAssertEqual(PanLaw.balance(0), StereoGains(left: 1, right: 1))
        XCTAssertEqual(PanLaw.balance(-1).left, 1, accuracy: 1e-6)
        XCTAssertEqual(PanLaw.balance(-1).right, 0, accuracy: 1e-6)
        XCTAssertEqual(PanLaw.balance(0.5).left, Float(2).squareRoot() * cosf(0.75 * .pi / 2), accuracy: 1e-6)
        XCTAssertEqual(PanLaw.balance(0.5).right, 1)
    }
}

final class FaderLawTests: XCTestCase {
    func testBreakpoints() {
        XCTAssertEqual(FaderLaw.db(forPosition: 0), -.infinity)
        XCTAssertEqual(FaderLaw.db(forPosition: 0.75), 0)
        XCTAssertEqual(FaderLaw.db(forPosition: 1), 12)
        XCTAssertEqual(FaderLaw.db(forPosition: 0.5), -12)
        XCTAssertEqual(FaderLaw.db(forPosition: 0.625), -6)
    }

    func testRoundTrip() {
        for i in 1...100 {
            let x = Float(i) / 100
            XCTAssertEqual(FaderLaw.position(forDb: FaderLaw.db(forPosition: x)), x, accuracy: 1e-5)
        }
    }
}

final class RampTests: XCTestCase {
    func testArrivesExactlyAfterFrames() {
        var r = Ramp(0)
        r.move(to: 1, over: 4)
        let values = (0..<6).map { _ in r.next() }
        XCTAssertEqual(values, [0.25, 0.5, 0.75, 1, 1, 1])
        XCTAssertTrue(r.isSteady)
    }

    func testKernelAppliesRampPerSample() {
        var r = Ramp(1)
        r.move(to: 0, over: 2)
        let src: [Float] = [1, 1, 1, 1]
        var dst = [Float](repeating: 9, count: 4)
        src.withUnsafeBufferPointer { s in
            dst.withUnsafeMutableBufferPointer { d in Kernels.multiply(s.baseAddress!, d.baseAddress!, 4, ramp: &r) }
        }
        XCTAssertEqual(dst, [0.5, 0, 0, 0])
    }
}

final class MeterTests: XCTestCase {
    func testSineReadsPeakAndRms() {
        let sr = 48000.0, amplitude: Float = 0.5
        let b = MeterBallistics(sampleRate: sr)
        var m = MeterState()
        let n = 48000 * 3
        let sine = (0..<n).map { amplitude * sinf(2 * .pi * 1000 * Float($0) / Float(sr)) }
        // Blocks of 256, as the engine feeds it; the last one shorter (n is not a multiple
        // of 256: a full last block read past the array, the garbage this test saw now and then).
        sine.withUnsafeBufferPointer { for start in stride(from: 0, to: n, by: 256) { m.update($0.baseAddress! + start, b.block(min(256, n - start))) } }
        XCTAssertEqual(m.peak, amplitude, accuracy: 1e-3)
        XCTAssertEqual(m.rms, amplitude / Float(2).squareRoot(), accuracy: 2e-3)
    }

    func testPeakFallsTwentyDbPerSecond() {
        let b = MeterBallistics(sampleRate: 1000)
        var m = MeterState()
        var one: Float = 1
        m.update(&one, b.block(1))
        m.decay(b.block(1000))
        XCTAssertEqual(Decibels.fromGain(m.peak), -20, accuracy: 0.05)
    }
}

final class SIMDSelectTests: XCTestCase {
    /// The compare-and-select replacements agree with the standard library's
    /// lane-by-lane forms, wherever the largest lane sits and whatever the signs.
    func testLargestLaneClampAndPeakMatchTheScalarForms() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let v = SIMD8<Float>((0..<8).map { _ in Float.random(in: -4...4, using: &rng) })
            XCTAssertEqual(v.largestLane(), v.max())
            XCTAssertEqual(v.clampedLanes(-1, 1), v.clamped(lowerBound: .init(repeating: -1), upperBound: .init(repeating: 1)))
            var withNaN = v
            withNaN[Int.random(in: 0..<8, using: &rng)] = .nan
            XCTAssertFalse(withNaN.clampedLanes(-1, 1).max().isNaN, "a NaN lane comes out as a bound (exp2 builds bits from it)")
            let count = Int.random(in: 1...37, using: &rng)
            let x = (0..<count).map { _ in Float.random(in: -2...2, using: &rng) }
            let (peak, sum) = x.withUnsafeBufferPointer { Kernels.peakAndSumOfSquares($0.baseAddress!, count) }
            XCTAssertEqual(peak, x.map(abs).max()!)
            XCTAssertEqual(sum, x.reduce(0) { $0 + $1 * $1 }, accuracy: 1e-4)
        }
    }
}
