import Control
import DSP
import Engine

/// `/pitch` to feedback subscribers as the trackers' readings arrive: its own thread
/// looks every 2 ms (a tracker reads every 5 ms), not on the meter timer.
///
/// `/pitch i:track f:hz s:note f:cents f:confidence i:in-tune i:frame` for each voiced
/// reading, and one with hz 0 and note "-" when the voice stops. Cents are against
/// equal temperament at `a4` Hz; in tune within ±`tolerance` cents; the frame is the
/// JACK frame time of the audio the reading reaches (so a client can measure latency).
/// Every 100 ms of voice, `/vibrato i:track f:rate-Hz f:extent-cents` when the last
/// 500 ms of the contour swing regularly (`VibratoDetector`).
public final class PitchFeedback: @unchecked Sendable {
    // @unchecked Sendable: `voices` is touched only by the polling thread; the
    // settings are set before `start`.
    let session: Session
    let hub: FeedbackHub
    public var a4 = 440.0
    public var tolerance = 15.0
    private let thread = PollingThread()
    /// The tracks whose voice sounds now, each with its vibrato detector and the
    /// readings it has had.
    private var voices: [Int: (detector: VibratoDetector, count: Int)] = [:]

    public init(session: Session, hub: FeedbackHub) {
        self.session = session
        self.hub = hub
    }

    public func start() {
        thread.start(name: "dawg pitch feedback") { [self] in
            drain()
            return 2_000_000
        }
    }

    public func stop() { thread.stop() }

    /// One pass: every tracker's new readings, as messages.
    func drain() {
        let offset = session.engine.published.hostFrameOffset.load(ordering: .relaxed)
        for (track, stream) in session.pitchStreams() {
            var messages: [OSCMessage] = []
            while let e = stream.readings.pop() {
                let frame = OSCValue.int(Int32(bitPattern: UInt32(truncatingIfNeeded: e.frame &+ offset)))
                if e.reading.hz > 0 {
                    if let v = vibratoMessage(track, Double(e.reading.hz)) { messages.append(v) }
                    let (name, cents) = Self.note(Double(e.reading.hz), a4: a4)
                    messages.append(OSCMessage("/pitch", [
                        .int(Int32(track)), .float(e.reading.hz), .string(name), .float(Float(cents)),
                        .float(e.reading.confidence), .int(abs(cents) <= tolerance ? 1 : 0), frame,
                    ]))
                } else if voices.removeValue(forKey: track) != nil {
                    messages.append(OSCMessage("/pitch", [.int(Int32(track)), .float(0), .string("-"), .float(0), .float(0), .int(0), frame]))
                }
            }
            if !messages.isEmpty { hub.broadcast(messages) }
        }
    }

    /// The track's voice sounds: feed its vibrato detector; every 20 readings (100 ms),
    /// the detector's verdict.
    private func vibratoMessage(_ track: Int, _ hz: Double) -> OSCMessage? {
        var v = voices[track] ?? (VibratoDetector(hop: 0.005), 0)
        v.detector.add(cents: 1200 * log2(hz / a4))
        v.count += 1
        voices[track] = v
        guard v.count % 20 == 0, let found = v.detector.estimate() else { return nil }
        return OSCMessage("/vibrato", [.int(Int32(track)), .float(Float(found.rate)), .float(Float(found.extent))])
    }

    static let names = ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"]

    /// The nearest equal-tempered note (`A4`, `C#5`) and how far `hz` is from it, in cents.
    static func note(_ hz: Double, a4: Double) -> (String, Double) {
        let midi = 69 + 12 * log2(hz / a4)
        let n = Int(midi.rounded())
        let octave = Int((Double(n) / 12).rounded(.down)) - 1
        return (names[((n % 12) + 12) % 12] + String(octave), (midi - Double(n)) * 100)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
