import Foundation
import XCTest
@testable import Control

final class ProjectPathsTests: XCTestCase {
    var root: URL!
    var paths: ProjectPaths!

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("dawg-paths-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("sub"), withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: root.appendingPathComponent("a.wav").path, contents: Data([1]))
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("out").path, withDestinationPath: "/etc")
        paths = try ProjectPaths(directory: root.path)
    }

    override func tearDownWithError() throws {
        try FileManager.default.removeItem(at: root)
    }

    func testInsidePathsResolve() throws {
        XCTAssertEqual(try paths.resolve("a.wav", mustExist: true), paths.root + "/a.wav")
        XCTAssertEqual(try paths.resolve("sub/../a.wav", mustExist: true), paths.root + "/a.wav")
        XCTAssertEqual(try paths.resolve(paths.root + "/a.wav", mustExist: true), paths.root + "/a.wav")
        XCTAssertEqual(try paths.resolve("sub/new.json", mustExist: false), paths.root + "/sub/new.json")
        XCTAssertEqual(paths.relative(paths.root + "/sub/x"), "sub/x")
    }

    func testEscapesAreRefused() {
        for path in ["../a.wav", "/etc/passwd", "sub/../../x", "out/passwd", "out/new.json", ""] {
            XCTAssertThrowsError(try paths.resolve(path, mustExist: false), path)
        }
        XCTAssertThrowsError(try paths.resolve("missing.wav", mustExist: true))
        XCTAssertThrowsError(try paths.resolve("nodir/x.json", mustExist: false))
    }

    func testOutsideIsNamedBeforeMissing() {
        XCTAssertThrowsError(try paths.resolve("../nope.wav", mustExist: true)) { error in
            XCTAssertTrue("\(error)".contains("outside the project directory"), "\(error)")
        }
    }
}
