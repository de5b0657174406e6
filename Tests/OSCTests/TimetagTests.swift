@testable import OSC
import XCTest

final class TimetagTests: XCTestCase {
    /// Two bundles a whole number of frames apart land exactly that many frames apart,
    /// wherever the first falls between frames. (As Doubles of seconds since 1900 the
    /// tags carry ~0.5 µs, and about one pair in twenty came out 4799 frames apart.)
    func testTagsAnExactIntervalApartLandThatManyFramesApart() {
        var rng = SystemRandomNumberGenerator()
        // 0.125 s is exact in NTP units (2²⁹) and in frames (6000); the anchor frame has
        // a binary fraction, so any difference from 6000 is the clock's own rounding.
        let eighth: UInt64 = 1 << 29
        for _ in 0..<20_000 {
            let wall = (UInt64(3_990_000_000) << 32) + UInt64.random(in: 0..<(1 << 40), using: &rng)
            let base = (wall: wall, frame: Double(Int.random(in: 0..<(1 << 30), using: &rng)) + Double(Int.random(in: 0..<1024, using: &rng)) / 1024)
            let t = wall + UInt64.random(in: 0..<(10 << 32), using: &rng)
            let a = TimetagClock.frame(of: t, base: base, rate: 48_000)
            let b = TimetagClock.frame(of: t + eighth, base: base, rate: 48_000)
            XCTAssertEqual(b - a, 6000)
            if b - a != 6000 { return }
        }
    }

    func testBundleTimeTagIsKeptAsItsIntegerAndImmediateIsNil() throws {
        func bundle(_ tag: UInt64) -> [UInt8] {
            let msg: [UInt8] = Array("/a\0\0,\0\0\0".utf8)
            let tagBytes = (0..<8).map { UInt8(truncatingIfNeeded: tag >> (56 - 8 * $0)) }
            return Array("#bundle\0".utf8) + tagBytes + [0, 0, 0, UInt8(msg.count)] + msg
        }
        let tag: UInt64 = 0xEDCB_A987_1234_5679
        let timed = try bundle(tag).withUnsafeBytes { try OSCCodec.decode($0) }
        XCTAssertEqual(timed.map(\.time), [tag])
        let now = try bundle(1).withUnsafeBytes { try OSCCodec.decode($0) }
        XCTAssertEqual(now.map(\.time), [nil])
    }
}
