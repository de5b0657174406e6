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
/// `/coach/report i:track i:take s:json` with the per-note report — and
/// into the project store with the take (source `live`).
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
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = (try? encoder.encode(report)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
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
        hub.broadcast([OSCMessage("/coach/summary", [
            .int(Int32(track)), .int(Int32(take.number)), .float(Float(report.score)), value(report.pitch),
            value(report.rhythm), value(report.consistency), value(report.vibrato), .string(report.tips.joined(separator: "\n")),
        ]), OSCMessage("/coach/report", [.int(Int32(track)), .int(Int32(take.number)), .string(json)])])
    }
}
