import ArgumentParser
import Foundation
import Store

/// `dawg store-writer --store PATH` (hidden): writes to a project store as the engine
/// and the supervisor do — takes begun and finished, metric samples, audit entries,
/// patch versions — and prints one line per committed write, until killed. The kill -9
/// loop test and benchmark kill it at random moments and check that every printed row
/// is in the database and the database is whole.
struct StoreWriter: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "store-writer", shouldDisplay: false)

    @Option(help: "The store to write to.")
    var store: String

    @Option(help: "Stop after this many rounds (0: until killed).")
    var rounds = 0

    func run() throws {
        let directory = (store as NSString).deletingLastPathComponent
        let db = try ProjectStore(directory: directory, name: "kill-loop", path: store)
        let me = Int64(getpid()) * 1_000_000
        var round: Int64 = 0
        func say(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }  // one write: whole lines
        say("ready")
        while rounds == 0 || round < rounds {
            let key = me + round
            let take = try db.begin(TakeRecord(source: .track(1), number: Int(try db.nextTakeNumber(.track(1))), file: "takes/\(key).wav",
                                               timelineFrame: key, sampleRate: 48000, format: "wav-float", channels: 1))
            say("take \(take.id) recording")
            try db.finish(id: take.id, lengthFrames: key % 48000, checksum: "sha256:\(key)", overrunFrames: 0, state: .complete)
            say("take \(take.id) complete")
            try db.record((0..<20).map { MetricSample(takenAt: Double(key), name: "dawg_kill_loop", labels: "i=\($0)", value: Double(key)) },
                          keepSeconds: 1e12)
            say("metrics \(key)")
            try db.append(AuditEntry(at: "2026-11-29T00:00:00.000Z", service: "kill-loop", action: "write", result: "ok", durationMs: 0, detail: "\(key)"))
            say("audit \(key)")
            let version = try db.savePatchVersion(path: "patches/p.json", content: "{\"key\": \(key)}")
            say("version \(version) \(key)")
            round += 1
        }
    }
}
