import Control
import Foundation
import JACKHost

/// `GET /health`: how the engine is, and in `problems` what is wrong when something is.
struct HealthReport: Codable {
    var status: String
    var client: String
    var sampleRate: Int
    var period: Int
    var xruns: Int
    var lateCycles: Int
    var dspLoad: Double
    var tracks: Int
    var playing: Bool
    var recording: Bool
    var droppedCommands: Int
    var uptimeSeconds: Int
    var problems: [String]

    enum CodingKeys: String, CodingKey {
        case status, client, sampleRate = "sample_rate", period, xruns, lateCycles = "late_cycles", dspLoad = "dsp_load"
        case tracks, playing, recording, droppedCommands = "dropped_commands", uptimeSeconds = "uptime_s", problems
    }

    /// The HTTP thread.
    static func make(jack: JackHost, monitor: JackMonitor, session: Session) -> HealthReport {
        let gone = jack.shutdown
        let s = monitor.status()
        let published = session.engine.published
        var problems: [String] = []
        if let gone { problems.append("no audio: the JACK server went away (\(gone)); reconnecting when one is back") }
        let dropped = session.droppedCommandCount + published.pendingOverflows.load(ordering: .relaxed)
        if dropped > 0 { problems.append("\(dropped) parameter commands were dropped or applied early (a ring or table was full)") }
        for (source, frames) in session.recorder?.overruns() ?? [] where frames > 0 {
            problems.append("\(source.label): the disk fell behind; \(frames) frames of the open take lost")
        }
        return HealthReport(
            status: gone == nil ? "ok" : "audio-down", client: jack.clientName, sampleRate: jack.sampleRate, period: s.period,
            xruns: s.xruns, lateCycles: monitor.lateCyclesTotal(), dspLoad: Double(s.dspLoad), tracks: session.trackCount,
            playing: published.playing.load(ordering: .relaxed), recording: published.recording.load(ordering: .relaxed),
            droppedCommands: dropped, uptimeSeconds: Int(s.uptime), problems: problems)
    }

    var json: String {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return (try? e.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}
