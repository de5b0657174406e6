import XCTest
@testable import Generation

final class BeatGeneratorTests: XCTestCase {
    func testSwingPlacesTheOffbeatAtTheDeclaredRatio() throws {
        var g = try GenreLibrary(folder: presets + "/genres").genre("jazz")
        XCTAssertEqual(BeatGenerator.swung(2, g), 4 * 0.66, accuracy: 1e-9)
        XCTAssertEqual(BeatGenerator.swung(4, g), 4, accuracy: 1e-9)
        g.swing = 0.5
        XCTAssertEqual(BeatGenerator.swung(3, g), 3, accuracy: 1e-9)
    }
}

let presets = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path + "/presets"
