import Foundation
import MIDIFiles
import XCTest

/// The Standard MIDI File reader on files built byte by byte (running status, tempo
/// changes, SMPTE time, unknown chunks) and on damaged ones; the writer through the reader.
final class MIDIFileTests: XCTestCase {
    /// A file of `tracks` chunks (already encoded bodies) with `division`.
    func file(format: UInt16 = 1, division: UInt16 = 480, _ tracks: [[UInt8]], extra: [UInt8] = []) -> [UInt8] {
        var out: [UInt8] = Array("MThd".utf8) + [0, 0, 0, 6, 0, UInt8(format), 0, UInt8(tracks.count), UInt8(division >> 8), UInt8(division & 0xFF)]
        out += extra
        for t in tracks { out += Array("MTrk".utf8) + [0, 0, UInt8(t.count >> 8), UInt8(t.count & 0xFF)] + t }
        return out
    }

    func testRunningStatusTempoChangesAndNoteOnZeroVelocity() throws {
        // Track 0: 120 BPM, then 60 BPM from beat 2 (tick 960).
        let tempo: [UInt8] = [0x00, 0xFF, 0x51, 3, 0x07, 0xA1, 0x20, 0x87, 0x40, 0xFF, 0x51, 3, 0x0F, 0x42, 0x40, 0x00, 0xFF, 0x2F, 0]
        // Track 1: A4 at tick 0 for a beat; running status; C5 "off" as note-on velocity 0.
        let notes: [UInt8] = [0x00, 0xFF, 0x03, 6] + Array("melody".utf8) +
            [0x00, 0x90, 69, 100, 0x83, 0x60, 69, 0,  // running status: note-on velocity 0 = off at 480
             0x83, 0x60, 72, 90, 0x87, 0x40, 0x80, 72, 0, 0x00, 0xFF, 0x2F, 0]  // C5 960 … 1920
        let f = try MIDIFile(bytes: file([tempo, notes], extra: []))
        XCTAssertEqual(f.format, 1)
        XCTAssertEqual(f.division, .ticksPerQuarter(480))
        XCTAssertEqual(f.trackNames, ["", "melody"])
        let n = f.notes()
        XCTAssertEqual(n.map(\.key), [69, 72])
        XCTAssertEqual(n[0].start, 0, accuracy: 1e-9)
        XCTAssertEqual(n[0].duration, 0.5, accuracy: 1e-9)
        XCTAssertEqual(n[1].start, 1.0, accuracy: 1e-9)   // two beats at 120 BPM
        XCTAssertEqual(n[1].duration, 2.0, accuracy: 1e-9) // two beats at 60 BPM
        XCTAssertEqual(n[1].velocity, 90)
        XCTAssertEqual(n[1].track, 1)
    }

    func testSMPTEDivisionAndUnknownChunksAreSkipped() throws {
        // 25 fps × 40 ticks = 1000 ticks a second; an "XFIH" chunk between tracks.
        let track: [UInt8] = [0x00, 0x91, 60, 64, 0x87, 0x68, 0x81, 60, 0, 0x00, 0xFF, 0x2F, 0]  // 1000 ticks
        var bytes = file(format: 0, division: 0xE728, [])
        bytes[11] = 1  // one track
        bytes += Array("XFIH".utf8) + [0, 0, 0, 3, 1, 2, 3]
        bytes += Array("MTrk".utf8) + [0, 0, 0, UInt8(track.count)] + track
        let f = try MIDIFile(bytes: bytes)
        XCTAssertEqual(f.division, .smpte(framesPerSecond: 25, ticksPerFrame: 40))
        let n = f.notes()
        XCTAssertEqual(n.count, 1)
        XCTAssertEqual(n[0].duration, 1.0, accuracy: 1e-9)
        XCTAssertEqual(n[0].channel, 1)
    }

    func testANoteNeverSwitchedOffEndsWithItsTrack() throws {
        let track: [UInt8] = [0x00, 0x90, 64, 80, 0x83, 0x60, 0xFF, 0x2F, 0]
        let n = try MIDIFile(bytes: file(format: 0, [track])).notes()
        XCTAssertEqual(n.count, 1)
        XCTAssertEqual(n[0].duration, 0.5, accuracy: 1e-9)
    }

    func testDamagedFilesSayWhatIsWrong() {
        let good = file(format: 0, [[0x00, 0x90, 60, 64, 0x60, 0x80, 60, 0, 0x00, 0xFF, 0x2F, 0]])
        func error(_ bytes: [UInt8]) -> String {
            do { _ = try MIDIFile(bytes: bytes); return "no error" } catch { return "\(error)" }
        }
        XCTAssertNoThrow(try MIDIFile(bytes: good))
        XCTAssertTrue(error(Array("RIFF....WAVE".utf8)).contains("not a Standard MIDI File"))
        XCTAssertTrue(error(Array(good.prefix(20))).contains("truncated"), error(Array(good.prefix(20))))
        XCTAssertTrue(error(Array(good.prefix(10))).contains("truncated"))
        XCTAssertTrue(error(file(format: 0, [[0x00, 60, 64]])).contains("no status"))
        XCTAssertTrue(error(file(format: 0, [[0xFF, 0xFF, 0xFF, 0xFF, 0x00]])).contains("longer than four bytes"))
        XCTAssertTrue(error(file(format: 0, [[0x00, 0x90, 60, 0x90]])).contains("status byte"))
        XCTAssertTrue(error(file(format: 0, [[0x00, 0xFF, 0x03, 50, 65]])).contains("truncated"))
        XCTAssertTrue(error(file(format: 7, [])).contains("unknown format"))
        XCTAssertTrue(error(file(format: 0, division: 0, [])).contains("division"))
        XCTAssertTrue(error(file(format: 0, [[0x00, 0xF3, 1]])).contains("does not belong"))
        XCTAssertThrowsError(try MIDIFile(path: "/nonexistent/x.mid"))
    }

    func testWrittenNotesReadBackAtAnyTempo() throws {
        let notes = [MIDINote(start: 0.25, duration: 0.5, key: 60, velocity: 90),
                     MIDINote(start: 0.75, duration: 0.25, key: 60, velocity: 80),  // same key, starting as the last ends
                     MIDINote(start: 1.0, duration: 1.5, key: 67, velocity: 100, channel: 3)]
        for bpm in [60.0, 97.0, 150.0] {
            let path = NSTemporaryDirectory() + "dawg-midi-\(getpid())-\(Int(bpm)).mid"
            defer { try? FileManager.default.removeItem(atPath: path) }
            try MIDIFile(notes: notes, bpm: bpm, name: "lead").write(to: path)
            let back = try MIDIFile(path: path)
            XCTAssertEqual(back.trackNames, ["lead"])
            let read = back.notes()
            XCTAssertEqual(read.map(\.key), [60, 60, 67])
            XCTAssertEqual(read.map(\.velocity), [90, 80, 100])
            XCTAssertEqual(read[2].channel, 3)
            for (a, b) in zip(read, notes) {
                let tick = 60 / bpm / 480
                XCTAssertEqual(a.start, b.start, accuracy: tick)
                XCTAssertEqual(a.duration, b.duration, accuracy: 2 * tick)
            }
        }
    }
}
