import XCTest
@testable import OSC

/// Metrics label OSC traffic by address pattern: ids folded, unknown addresses lumped.
final class AddressPatternTests: XCTestCase {
    func testIdsBecomeAPlaceholderAndUnknownAddressesOneLabel() {
        XCTAssertEqual(OSCRouter.pattern("/strip/12/gain", known: true), "/strip/<id>/gain")
        XCTAssertEqual(OSCRouter.pattern("/bus/3/reverb/size", known: true), "/bus/<id>/reverb/size")
        XCTAssertEqual(OSCRouter.pattern("/strip/master/gain", known: true), "/strip/master/gain")
        XCTAssertEqual(OSCRouter.pattern("/ping", known: true), "/ping")
        XCTAssertEqual(OSCRouter.pattern("/whatever/99", known: false), "unknown")
    }
}
