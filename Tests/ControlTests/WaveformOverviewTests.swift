import AudioFiles
import Foundation
import XCTest

final class WaveformOverviewTests: XCTestCase {
    func testEachBlockHoldsItsLowestAndHighestSampleOverEveryChannel() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dawg-overview-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("steps.wav").path
        // Blocks of 256 frames: silence; +0.5 on the left only; −1 on the right only;
        // beyond full scale (clipped); then a last block of 10 frames at −0.25.
        var left = [Float](repeating: 0, count: 4 * 256 + 10), right = left
        for i in 256..<512 { left[i] = 0.5 }
        right[600] = -1
        left[800] = 3
        for i in 1024..<1034 { left[i] = -0.25; right[i] = -0.25 }
        try AudioFileWriter.writeWAV(path: path, channels: [left, right], sampleRate: 48000)
        let o = try WaveformOverview.read(path: path)
        XCTAssertEqual(o.frames, 1034)
        XCTAssertEqual(o.sampleRate, 48000)
        XCTAssertEqual(o.framesPerPeak, 256)
        XCTAssertEqual(o.peaks, [0, 0, 0, 64, -127, 0, 0, 127, -32, 0])
    }
}
