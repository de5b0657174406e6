import Foundation
import XCTest
@testable import Store

final class ProjectStoreTests: XCTestCase {
    var dir: String!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("dawg-store-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: dir) }

    func testANewStoreIsInWALModeAtTheLatestSchemaVersion() throws {
        let store = try ProjectStore(directory: dir, name: "demo")
        XCTAssertEqual(try store.database.query("PRAGMA journal_mode").first?.first, .text("wal"))
        XCTAssertEqual(try store.database.query("PRAGMA user_version").first?.first, .integer(Int64(ProjectStore.migrations.count)))
        XCTAssertEqual(try store.database.query("PRAGMA synchronous").first?.first, .integer(2), "FULL")
    }

    func testTheAuditLogKeepsEntriesInOrderAndReadsBackTheNewest() throws {
        let store = try ProjectStore(directory: dir, name: "demo")
        for i in 0..<5 {
            try store.append(AuditEntry(at: "2026-11-29T00:00:0\(i).000Z", service: "engine", action: i == 4 ? "escalate" : "restart",
                                        result: "ok", durationMs: Double(i), detail: "try \(i)"))
        }
        let newest = try store.auditLog(limit: 2)
        XCTAssertEqual(newest.map(\.detail), ["try 3", "try 4"])
        XCTAssertEqual(newest.last, AuditEntry(at: "2026-11-29T00:00:04.000Z", service: "engine", action: "escalate", result: "ok", durationMs: 4, detail: "try 4"))
        XCTAssertEqual(try store.auditLog().count, 5)
    }

    func testJobsGoFromQueuedToTheirEndAndUnfinishedOnesAreInterrupted() throws {
        let store = try ProjectStore(directory: dir, name: "demo")
        let a = try store.queueJob(kind: "load", arguments: "track 1: a.wav")
        let b = try store.queueJob(kind: "patch/save", arguments: "p.json")
        let c = try store.queueJob(kind: "load", arguments: "track 2: b.wav")
        try store.startJob(a)
        try store.finishJob(a, failed: false, result: "")
        try store.startJob(b)
        try store.finishJob(b, failed: true, result: "disk full")
        try store.startJob(c)
        XCTAssertEqual(try store.jobs().map(\.state), [.done, .failed, .running])
        XCTAssertEqual(try store.interruptUnfinishedJobs(), 1)
        let all = try store.jobs()
        XCTAssertEqual(all.map(\.state), [.done, .failed, .interrupted])
        XCTAssertEqual(all[1].result, "disk full")
        XCTAssertNotNil(all[0].startedAt)
        XCTAssertNotNil(all[2].finishedAt)
        XCTAssertEqual(try store.jobs(limit: 1).map(\.id), [c])
        XCTAssertEqual(try store.interruptUnfinishedJobs(), 0)
    }

    func testTakesAreNumberedPerSourceAndReadBackInOrder() throws {
        let store = try ProjectStore(directory: dir, name: "demo")
        try store.saveTrack(3, name: "vox")
        for _ in 0..<3 {
            let n = try store.nextTakeNumber(.track(3))
            let t = try store.begin(TakeRecord(source: .track(3), number: n, file: "takes/3/\(n).wav", timelineFrame: 480, sampleRate: 48000, format: "wav-float", channels: 1))
            try store.finish(id: t.id, lengthFrames: 96000, checksum: "ab", overrunFrames: 0, state: .complete)
        }
        XCTAssertEqual(try store.nextTakeNumber(.track(4)), 1, "numbering is per track")
        XCTAssertEqual(try store.nextTakeNumber(.master), 1)
        let takes = try store.takes(.track(3))
        XCTAssertEqual(takes.map(\.number), [1, 2, 3])
        XCTAssertEqual(takes[1].lengthSeconds, 2)
        XCTAssertEqual(takes[1].timelineSeconds, 0.01)
        XCTAssertEqual(takes[1].state, .complete)
        XCTAssertFalse(takes[1].createdAt.isEmpty)
    }

    func testReopeningKeepsRowsAndDoesNotMigrateTwice() throws {
        do {
            let store = try ProjectStore(directory: dir, name: "demo")
            _ = try store.begin(TakeRecord(source: .bus(2), number: 1, file: "takes/bus-2/1.wav", timelineFrame: 0, sampleRate: 44100, format: "flac-24", channels: 2))
        }
        let again = try ProjectStore(directory: dir, name: "demo")
        XCTAssertEqual(try again.unfinishedTakes().map(\.file), ["takes/bus-2/1.wav"])
        XCTAssertEqual(try again.database.query("SELECT COUNT(*) FROM projects").first?.first, .integer(1))
    }

    func testADatabaseFromANewerDawgIsRefused() throws {
        let path = dir + "/newer.sqlite"
        _ = try Database(path: path, migrations: ProjectStore.migrations + [Migration("future", "CREATE TABLE future (x)")])
        XCTAssertThrowsError(try ProjectStore(directory: dir, name: "demo", path: path)) { error in
            XCTAssertTrue("\(error)".contains("schema version \(ProjectStore.migrations.count + 1)"), "\(error)")
        }
    }

    func testAFailingMigrationLeavesTheDatabaseAtTheStepBefore() throws {
        let path = dir + "/broken.sqlite"
        let steps = ProjectStore.migrations + [Migration("broken", "CREATE TABLE ok (x); CREATE TABLE takes (x)")]
        XCTAssertThrowsError(try Database(path: path, migrations: steps)) { error in
            XCTAssertTrue("\(error)".contains("migration \(ProjectStore.migrations.count + 1) (broken)"), "\(error)")
        }
        let db = try Database(path: path, migrations: ProjectStore.migrations)
        XCTAssertEqual(try db.query("PRAGMA user_version").first?.first, .integer(Int64(ProjectStore.migrations.count)))
        XCTAssertEqual(try db.query("SELECT COUNT(*) FROM sqlite_master WHERE name = 'ok'").first?.first, .integer(0), "rolled back whole")
    }

    func testConstraintsRefuseBadRows() throws {
        let store = try ProjectStore(directory: dir, name: "demo")
        let take = TakeRecord(source: .track(1), number: 1, file: "takes/1/1.wav", timelineFrame: 0, sampleRate: 48000, format: "wav-float", channels: 1)
        _ = try store.begin(take)
        XCTAssertThrowsError(try store.begin(take), "the same number twice")
        var zero = take
        zero.number = 0
        XCTAssertThrowsError(try store.begin(zero))
    }

    func testCoachResultsStayWithTheirTakeAndGoWithIt() throws {
        let store = try ProjectStore(directory: dir, name: "demo")
        let t = try store.begin(TakeRecord(source: .track(1), number: 1, file: "takes/1/1.wav", timelineFrame: 0, sampleRate: 48000, format: "wav-float", channels: 1))
        XCTAssertEqual(try store.take(file: "takes/1/1.wav")?.id, t.id)
        XCTAssertNil(try store.take(file: "takes/1/2.wav"))
        let r = CoachResult(takeID: t.id, target: "melody.mid", mode: "reference", folded: true, score: 91.5, pitch: 88,
                            rhythm: 97, consistency: nil, vibrato: nil, report: "{}", source: "offline")
        try store.save(r)
        try store.save(CoachResult(takeID: t.id, target: "C major", mode: "scale", folded: false, score: 80, pitch: 80,
                                   rhythm: nil, consistency: 70, vibrato: 60, report: "{}", source: "live"))
        let back = try store.coachResults(take: t.id)
        XCTAssertEqual(back.count, 2)
        XCTAssertEqual(back[0].score, 91.5)
        XCTAssertEqual(back[0].rhythm, 97)
        XCTAssertNil(back[0].consistency)
        XCTAssertEqual(back[1].mode, "scale")
        XCTAssertFalse(back[1].folded)
        XCTAssertFalse(back[1].createdAt.isEmpty)
        // A result must name a take that exists and a known mode.
        XCTAssertThrowsError(try store.save(CoachResult(takeID: 999, target: "x", mode: "reference", folded: true, score: 1, pitch: 1,
                                                        rhythm: nil, consistency: nil, vibrato: nil, report: "{}", source: "offline")))
        XCTAssertThrowsError(try store.save(CoachResult(takeID: t.id, target: "x", mode: "guess", folded: true, score: 1, pitch: 1,
                                                        rhythm: nil, consistency: nil, vibrato: nil, report: "{}", source: "offline")))
        try store.database.execute("DELETE FROM takes WHERE id = ?", [.integer(t.id)])
        XCTAssertEqual(try store.coachResults(take: t.id), [], "results go with their take")
    }

    func testAStoreOfTheFirstSchemaGainsCoachResults() throws {
        let path = dir + "/old.sqlite"
        _ = try Database(path: path, migrations: Array(ProjectStore.migrations.prefix(1)))
        let store = try ProjectStore(directory: dir, name: "demo", path: path)
        XCTAssertEqual(try store.database.query("PRAGMA user_version").first?.first, .integer(Int64(ProjectStore.migrations.count)))
        XCTAssertEqual(try store.database.query("SELECT COUNT(*) FROM coach_results").first?.first, .integer(0))
    }

    func testMetricSamplesAreKeptForTheRetentionPeriodOnly() throws {
        let store = try ProjectStore(directory: dir, name: "demo")
        try store.record([MetricSample(takenAt: 1000, name: "dawg_xruns_total", value: 0),
                          MetricSample(takenAt: 1000, name: "dawg_recorder_ring_fill_ratio", labels: "source=track 1", value: 0.25)],
                         keepSeconds: 60)
        try store.record([MetricSample(takenAt: 1030, name: "dawg_xruns_total", value: 2)], keepSeconds: 60)
        XCTAssertEqual(try store.metricSamples(since: 0).count, 3)
        XCTAssertEqual(try store.metricSamples(since: 0, name: "dawg_xruns_total").map(\.value), [0, 2])
        XCTAssertEqual(try store.metricSamples(since: 1001).map(\.takenAt), [1030])
        XCTAssertEqual(try store.metricSamples(since: 0, name: "dawg_recorder_ring_fill_ratio").first?.labels, "source=track 1")
        try store.record([MetricSample(takenAt: 1070, name: "dawg_xruns_total", value: 3)], keepSeconds: 60)
        XCTAssertEqual(try store.metricSamples(since: 0).map(\.takenAt), [1030, 1070], "older than 60 s are forgotten")
    }
}
