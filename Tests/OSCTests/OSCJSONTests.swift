import Foundation
@testable import OSC
import XCTest

final class OSCJSONTests: XCTestCase {
    func object(_ text: String?) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(try XCTUnwrap(text).utf8)) as? [String: Any])
    }

    func testPitchAndCoachingAlsoComeInTheShapeCoachingFrontEndsUse() throws {
        let voiced = try object(OSCJSON.typed(OSCMessage("/pitch", [.int(2), .float(440), .string("A4"), .float(-5), .float(0.95), .int(1), .int(123456)])))
        XCTAssertEqual(voiced["type"] as? String, "pitch")
        XCTAssertEqual(voiced["track"] as? Int, 2)
        XCTAssertEqual(voiced["frequency"] as? Double, 440)
        XCTAssertEqual(voiced["note"] as? String, "A4")
        XCTAssertEqual(voiced["cents"] as? Double, -5)
        XCTAssertEqual(try XCTUnwrap(voiced["confidence"] as? Double), 0.95, accuracy: 1e-6)
        XCTAssertEqual(voiced["isInTune"] as? Bool, true)
        XCTAssertEqual(voiced["voiced"] as? Bool, true)
        XCTAssertEqual(voiced["frameTime"] as? Int, 123456)
        let unvoiced = try object(OSCJSON.typed(OSCMessage("/pitch", [.int(2), .float(0), .string("-"), .float(0), .float(0), .int(0), .int(7)])))
        XCTAssertEqual(unvoiced["voiced"] as? Bool, false)
        XCTAssertEqual(unvoiced["isInTune"] as? Bool, false)
        let advice = try object(OSCJSON.typed(OSCMessage("/coach/feedback", [.int(2), .string("flat by \"20\" cents"), .string("warning")])))
        XCTAssertEqual(advice["type"] as? String, "feedback")
        XCTAssertEqual(advice["message"] as? String, "flat by \"20\" cents")
        XCTAssertEqual(advice["severity"] as? String, "warning")
        XCTAssertNil(OSCJSON.typed(OSCMessage("/meter/1", [.float(-3), .float(-10), .float(0)])))
        XCTAssertNil(OSCJSON.typed(OSCMessage("/pitch", [.int(2)])), "a message of another shape is left alone")
    }
}
