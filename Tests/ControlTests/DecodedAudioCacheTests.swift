import AudioFiles
import Foundation
import XCTest

final class DecodedAudioCacheTests: XCTestCase {
    func testTracksOfOneFileShareItUntilItChangesOrNobodyHoldsIt() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dawg-cache-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("loop.wav").path
        try AudioFileWriter.writeWAV(path: path, channels: [[Float](repeating: 0.25, count: 4800)], sampleRate: 48000)
        let cache = DecodedAudioCache()
        let a = try cache.decode(path: path, sampleRate: 48000)
        let b = try cache.decode(path: path, sampleRate: 48000)
        XCTAssertTrue(a === b, "a second track of the same file shares the first one's samples")
        XCTAssertFalse(try cache.decode(path: path, sampleRate: 44100) === b, "another rate is another decode")
        // Rewritten with other samples (and a later modification time): decoded again.
        try AudioFileWriter.writeWAV(path: path, channels: [[Float](repeating: 0.5, count: 9600)], sampleRate: 48000)
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(5)], ofItemAtPath: path)
        let c = try cache.decode(path: path, sampleRate: 48000)
        XCTAssertFalse(c === b)
        XCTAssertEqual(c.frames, 9600)
        XCTAssertEqual(c.left[0], 0.5)
        // Held by nobody: freed, not kept alive by the cache.
        weak var released: DecodedAudio?
        do { released = try cache.decode(path: path, sampleRate: 22050) }
        XCTAssertNil(released)
    }
}
