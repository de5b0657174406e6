import Analysis
import Control
import Engine
import Foundation
import Store

/// Scores of takes as they are sung: the live tracker's readings are kept while the
/// transport rolls with recording on, and when a track's take is finished they are
/// scored (`TakeScorer`, against the track's coach target) and the summary goes to
/// subscribers — `/coach/summary i:track i:take f:score f:pitch f:rhythm
/// f:consistency f:vibrato s:tips` (−1 for a dimension the take has nothing for), then
/// `/coach/report i:track i:take s:json` with the per-note report (over UDP cut to one
/// datagram: see `reportMessages`) — and into the project store with the take (source
/// `live`).
public final class LiveTakeScores: @unchecked Sendable {
    // @unchecked Sendable: `contours` is touched only under `lock`.
    private let lock = ControlLock()
    /// Each track's readings while recording, on the timeline (seconds).
    private var contours: [Int: [PitchFrame]] = [:]
    /// An hour of readings at 5 ms per track at most.
    static let maxReadings = 720_000

    /// The pitch feedback thread: a reading of `track` at timeline `seconds`.
    func add(track: Int, seconds: Double, hz: Double, confidence: Double) {
        lock.withLock {
            var c = contours[track] ?? []
            // The transport jumped back (a locate, a loop): the take's contour starts again.
            if let last = c.last, seconds < last.time { c.removeAll(keepingCapacity: true) }
            if c.count < Self.maxReadings { c.append(PitchFrame(time: seconds, hz: hz, confidence: confidence)) }
            contours[track] = c
        }
    }

    /// Any control thread, after the disk writer finished `take`: score it, tell the
    /// subscribers, keep it with the take. Nothing when the track was not tracked.
    public func finished(_ take: TakeRecord, session: Session, hub: FeedbackHub) {
        guard case .track(let track) = take.source else { return }
        let start = take.timelineSeconds, end = start + take.lengthSeconds
        let all = lock.withLock { contours.removeValue(forKey: track) ?? [] }
        let readings = all.filter { $0.time >= start && $0.time < end }
        guard readings.count >= 20 else { return }
        let coach = session.liveCoach(track: track)
        var options = TakeScorer.Options()
        options.tuning = coach.tuning
        options.tolerance = coach.tolerance
        let folded: Bool
        if case .melody(_, let f) = coach.target { folded = f } else { folded = true }
        options.folded = folded
        let name: String
        switch coach.target {
        case .equalTemperament: name = "equal temperament"
        case .scale(let s): name = s.description
        case .melody: name = ((try? session.coach(track: track))?.reference).map { ($0 as NSString).lastPathComponent } ?? "melody"
        }
        let report = TakeScorer(options: options).score(readings, against: coach.target, targetName: name)
        // Kept first, so a subscriber who reads the store on hearing the summary finds it.
        let json = Self.json(report)
        if let store = session.recorder?.store, take.id > 0 {
            do {
                try store.save(CoachResult(
                    takeID: take.id, target: name, mode: report.mode, folded: report.folded, score: report.score, pitch: report.pitch,
                    rhythm: report.rhythm, consistency: report.consistency, vibrato: report.vibrato, report: json, source: "live"))
            } catch {
                session.logger.warning("take \(take.number) of track \(track): its live score was not stored: \(error)")
            }
        }
        func value(_ v: Double?) -> OSCValue { .float(Float(v ?? -1)) }
        let summary = OSCMessage("/coach/summary", [
            .int(Int32(track)), .int(Int32(take.number)), .float(Float(report.score)), value(report.pitch),
            value(report.rhythm), value(report.consistency), value(report.vibrato), .string(report.tips.joined(separator: "\n")),
        ])
        let messages = Self.reportMessages(report, track: track, take: take.number)
        hub.broadcast([summary] + messages.whole, datagram: [summary] + messages.datagram)
    }

    static func json(_ report: CoachReport) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(report)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    /// `/coach/report` with the whole report (for TCP and WebSocket subscribers), and
    /// what a UDP subscriber gets: the same when it fits in one datagram (`limit` bytes);
    /// else the report with as many of its first notes as fit, then
    /// `/coach/report.omitted i:track i:take i:notes` saying how many were left out (a
    /// take of 200 notes or more; the whole report is in the store).
    static func reportMessages(_ report: CoachReport, track: Int, take: Int, limit: Int = UDPEndpoint.largestMessage)
        -> (whole: [OSCMessage], datagram: [OSCMessage]) {
        func message(_ r: CoachReport) -> OSCMessage {
            OSCMessage("/coach/report", [.int(Int32(track)), .int(Int32(take)), .string(json(r))])
        }
        func cut(_ kept: Int) -> OSCMessage {
            var r = report
            r.notes = Array(report.notes.prefix(kept))
            return message(r)
        }
        let whole = message(report)
        guard OSCCodec.encode(whole).count > limit else { return ([whole], [whole]) }
        // The most notes that fit: a binary search (each try encodes the report once).
        var fits = 0, fails = report.notes.count
        while fails - fits > 1 {
            let mid = (fits + fails) / 2
            if OSCCodec.encode(cut(mid)).count <= limit { fits = mid } else { fails = mid }
        }
        let omitted = OSCMessage("/coach/report.omitted", [.int(Int32(track)), .int(Int32(take)), .int(Int32(report.notes.count - fits))])
        return ([whole], [cut(fits), omitted])
    }
}
