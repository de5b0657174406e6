import Analysis
import Foundation
import Control
import DSP
import Engine

/// `/pitch` to feedback subscribers as the trackers' readings arrive: its own thread
/// looks every millisecond (a tracker reads every 5 ms), not on the meter timer.
///
/// `/pitch i:track f:hz s:note f:cents f:confidence i:in-tune i:frame` for each voiced
/// reading, and one with hz 0 and note "-" when the voice stops. The note and cents are
/// the track's coach's (`LiveCoach`: equal temperament, a scale, or the reference
/// melody's note at the transport position, at the session's A4); in tune within its
/// tolerance; the frame is the JACK frame time of the audio the reading reaches (so a
/// client can measure latency). Every 100 ms of voice, `/vibrato i:track f:rate-Hz
/// f:extent-cents` when the last 500 ms of the contour swing regularly
/// (`VibratoDetector`); now and then `/coach/feedback i:track s:message s:severity`.
public final class PitchFeedback: @unchecked Sendable {
    // @unchecked Sendable: `voices`, `coaches` and `generation` are touched only by the
    // polling thread.
    let session: Session
    let hub: FeedbackHub
    private let thread = PollingThread()
    /// The tracks whose voice sounds now, each with its vibrato detector and the
    /// readings it has had.
    private var voices: [Int: (detector: VibratoDetector, count: Int)] = [:]
    /// Each tracked track's coach, rebuilt when the session's coaching settings change.
    private var coaches: [Int: LiveCoach] = [:]
    private var generation = -1
    /// The readings of takes being recorded, scored when each take is finished.
    public let takeScores = LiveTakeScores()
    /// Told how long each voiced reading took from the end of its audio to its message,
    /// in nanoseconds (the metrics). Set before `start`.
    public var onLatency: (@Sendable (Int64) -> Void)?

    public init(session: Session, hub: FeedbackHub) {
        self.session = session
        self.hub = hub
    }

    public func start() {
        // Every millisecond while any track is tracked; otherwise a look every 20 ms
        // (a tracker switched on waits that long for its first pass).
        thread.start(name: "dawg pitch feedback") { [self] in
            drain() ? 1_000_000 : 20_000_000
        }
    }

    public func stop() { thread.stop() }

    /// One pass: every tracker's new readings, as messages. False when no track is tracked.
    @discardableResult
    func drain() -> Bool {
        let offset = session.engine.published.hostFrameOffset.load(ordering: .relaxed)
        let rate = session.sampleRate
        let recording = session.engine.published.recording.load(ordering: .relaxed)
        if session.coachChanges != generation {
            generation = session.coachChanges
            coaches = [:]
        }
        let streams = session.pitchStreams()
        for (track, stream) in streams {
            var messages: [OSCMessage] = []
            var coach = coaches[track] ?? LiveCoach(settings: session.liveCoach(track: track))
            while let e = stream.readings.pop() {
                let frame = OSCValue.int(Int32(bitPattern: UInt32(truncatingIfNeeded: e.frame &+ offset)))
                if recording && e.position != PitchEvent.stopped {
                    takeScores.add(track: track, seconds: Double(e.position) / rate, hz: Double(e.reading.hz), confidence: Double(e.reading.confidence))
                }
                if e.reading.hz > 0 {
                    let hz = Double(e.reading.hz)
                    if let v = vibratoMessage(track, hz, a4: coach.settings.tuning.a4) { messages.append(v) }
                    let position = e.position == PitchEvent.stopped ? nil : Double(e.position) / rate
                    let (verdict, advice) = coach.reading(hz: hz, position: position, now: Double(e.frame) / rate)
                    messages.append(OSCMessage("/pitch", [
                        .int(Int32(track)), .float(e.reading.hz), .string(verdict.note), .float(Float(verdict.cents)),
                        .float(e.reading.confidence), .int(verdict.inTune ? 1 : 0), frame,
                    ]))
                    if let onLatency { onLatency(latencyNanos(of: e.frame, rate: rate)) }
                    if let advice {
                        messages.append(OSCMessage("/coach/feedback", [.int(Int32(track)), .string(advice.text), .string(advice.severity.rawValue)]))
                    }
                } else if voices.removeValue(forKey: track) != nil {
                    coach.unvoiced()
                    messages.append(OSCMessage("/pitch", [.int(Int32(track)), .float(0), .string("-"), .float(0), .float(0), .int(0), frame]))
                }
            }
            coaches[track] = coach
            if !messages.isEmpty { hub.broadcast(messages) }
        }
        return !streams.isEmpty
    }

    /// How long ago (ns) the engine frame `frame` was, by the engine's clock anchor: a
    /// reading stamped inside the cycle that made it may be up to a period ahead (0).
    private func latencyNanos(of frame: UInt64, rate: Double) -> Int64 {
        let now = TimetagClock.frameNow(session.engine)
        return max(0, Int64((now - Double(frame)) / rate * 1e9))
    }

    /// The track's voice sounds: feed its vibrato detector; every 20 readings (100 ms),
    /// the detector's verdict.
    private func vibratoMessage(_ track: Int, _ hz: Double, a4: Double) -> OSCMessage? {
        var v = voices[track] ?? (VibratoDetector(hop: 0.005), 0)
        v.detector.add(cents: 1200 * log2(hz / a4))
        v.count += 1
        voices[track] = v
        guard v.count % 20 == 0, let found = v.detector.estimate() else { return nil }
        return OSCMessage("/vibrato", [.int(Int32(track)), .float(Float(found.rate)), .float(Float(found.extent))])
    }

}
