import DSP
import Foundation
import XCTest

final class DecimatorTests: XCTestCase {
    func decimate(_ x: [Float], factor: Int) -> [Float] {
        var d = Decimator(factor: factor)
        defer { d.free() }
        var out = [Float](repeating: 0, count: x.count / factor + 1)
        let n = x.withUnsafeBufferPointer { src in out.withUnsafeMutableBufferPointer { d.push(src.baseAddress!, x.count, into: $0.baseAddress!) } }
        return Array(out.prefix(n))
    }

    func rms(_ x: ArraySlice<Float>) -> Float { (x.reduce(0) { $0 + $1 * $1 } / Float(x.count)).squareRoot() }

    func testPassesTheBandAndStopsWhatWouldAlias() {
        let sine = { (hz: Double) in (0..<48000).map { Float(sin(2 * Double.pi * hz * Double($0) / 48000)) } }
        let pass = decimate(sine(1000), factor: 3)
        XCTAssertEqual(pass.count, 16000)
        XCTAssertEqual(rms(pass[1000...]), Float(0.5).squareRoot(), accuracy: 0.01, "1 kHz passes at unity")
        let alias = decimate(sine(12000), factor: 3)  // would fold to 4 kHz
        XCTAssertLessThan(20 * log10(rms(alias[1000...]) / Float(0.5).squareRoot()), -60)
    }

    func testFactorOneIsTheIdentity() {
        let x: [Float] = [1, -2, 3, 0.5]
        XCTAssertEqual(decimate(x, factor: 1), x)
    }
}
