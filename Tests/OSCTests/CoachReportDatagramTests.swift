@testable import Analysis
import Foundation
@testable import OSC
import XCTest

/// A take's report over UDP: whole when it fits in one datagram; else its first notes
/// that fit, and how many were left out.
final class CoachReportDatagramTests: XCTestCase {
    func report(notes: Int) -> CoachReport {
        CoachReport(
            mode: "reference", target: "song.mid", folded: true, a4: 440, score: 81.5, pitch: 78.25, rhythm: 90, consistency: 88,
            vibrato: nil, meanCents: -12.5, meanOnsetMs: 20,
            notes: (0..<notes).map { i in
                CoachReport.Note(index: i, start: Double(i) * 0.25, duration: 0.25, expected: "A4", sung: "A4", cents: -12.345678901,
                                 onsetMs: 18.75, wander: 6.5, vibratoRate: nil, vibratoExtent: nil, pitchScore: 80.123456789,
                                 rhythmScore: 95, verdict: "ok")
            },
            tips: ["You sing a little flat: about 12 cents"])
    }

    func decoded(_ m: OSCMessage) throws -> CoachReport {
        guard case .string(let json) = m.args[2] else { throw XCTSkip("no JSON") }
        return try JSONDecoder().decode(CoachReport.self, from: Data(json.utf8))
    }

    func testASmallReportGoesWholeToEveryone() throws {
        let (whole, datagram) = LiveTakeScores.reportMessages(report(notes: 40), track: 3, take: 2)
        XCTAssertEqual(whole.map(OSCCodec.encode), datagram.map(OSCCodec.encode))
        XCTAssertEqual(whole.map(\.path), ["/coach/report"])
        XCTAssertEqual(try decoded(whole[0]), report(notes: 40))
    }

    func testALongTakesReportIsCutToOneDatagramAndSaysWhatIsLeftOut() throws {
        let full = report(notes: 600)
        let (whole, datagram) = LiveTakeScores.reportMessages(full, track: 3, take: 2)
        XCTAssertEqual(try decoded(whole[0]), full, "streams get it whole")
        XCTAssertGreaterThan(OSCCodec.encode(whole[0]).count, UDPEndpoint.largestMessage, "else this shows nothing")

        XCTAssertEqual(datagram.map(\.path), ["/coach/report", "/coach/report.omitted"])
        XCTAssertLessThanOrEqual(OSCCodec.encode(datagram[0]).count, UDPEndpoint.largestMessage)
        let cut = try decoded(datagram[0])
        let kept = cut.notes.count
        XCTAssertEqual(cut.notes, Array(full.notes.prefix(kept)), "the first notes")
        XCTAssertEqual(cut.score, full.score)
        XCTAssertEqual(cut.tips, full.tips)
        XCTAssertEqual(datagram[1].args, [.int(3), .int(2), .int(Int32(600 - kept))])
        // As many as fit: one more would not.
        var more = full
        more.notes = Array(full.notes.prefix(kept + 1))
        let (oneMore, _) = LiveTakeScores.reportMessages(more, track: 3, take: 2, limit: .max)
        XCTAssertGreaterThan(OSCCodec.encode(oneMore[0]).count, UDPEndpoint.largestMessage)
    }
}
