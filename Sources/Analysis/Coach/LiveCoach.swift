/// The live side of the coach for one tracked voice: each reading's note and cents
/// against the target (equal temperament, a scale, or the reference melody's note at
/// the transport position), and now and then a coaching message judged over the last
/// `window` seconds of voice — rate-limited, so it helps rather than floods.
///
/// Control side (the pitch feedback thread); no allocation per reading after the
/// window has filled once.
public struct LiveCoach: Sendable {
    public struct Settings: Sendable, Equatable {
        public var tuning = Tuning()
        public var tolerance = 15.0
        public var target = PitchTarget.equalTemperament
        public var feedback = CoachProfile.Feedback()
        /// Send coaching messages at all.
        public var messages = true
        /// Where the tracker looks (the profile's voice), Hz.
        public var range: ClosedRange<Double> = 50...1500
        public init() {}
    }

    public enum Severity: String, Sendable { case success, info, warning }

    public struct Message: Sendable, Equatable {
        public var text: String
        public var severity: Severity
        public init(text: String, severity: Severity) {
            self.text = text
            self.severity = severity
        }
    }

    /// One reading judged: the note it is measured against, the distance in cents.
    public struct Verdict: Sendable, Equatable {
        public var note: String
        public var cents: Double
        public var inTune: Bool
        public init(note: String, cents: Double, inTune: Bool) {
            self.note = note
            self.cents = cents
            self.inTune = inTune
        }
    }

    public let settings: Settings
    /// (seconds, cents from target, target note) of the voice in the window.
    private var window: [(time: Double, cents: Double, note: Int)] = []
    private var lastMessage: (time: Double, text: String)?
    /// When the window was last judged: every 50 ms is often enough.
    private var lastJudged = -Double.infinity

    public init(settings: Settings) {
        self.settings = settings
        window.reserveCapacity(512)
    }

    /// A voiced reading at `now` (seconds, any steady clock); `position`: the
    /// transport's position in seconds when it rolls, nil when stopped (a melody then
    /// has no current note, and the nearest note is the target).
    public mutating func reading(hz: Double, position: Double?, now: Double) -> (Verdict, Message?) {
        let sung = settings.tuning.midi(hz)
        let goal: Int
        switch settings.target {
        case .melody where position == nil: goal = Int(sung.rounded())
        default: goal = settings.target.note(for: sung, at: position ?? 0) ?? Int(sung.rounded())
        }
        let cents = (sung - Double(goal)) * 100
        let verdict = Verdict(note: Tuning.name(goal), cents: cents, inTune: abs(cents) <= settings.tolerance)
        window.append((now, cents, goal))
        let span = settings.feedback.window
        if let first = window.first, now - first.time > span {
            window.removeFirst(window.firstIndex { now - $0.time <= span } ?? window.count)
        }
        return (verdict, messageIfDue(now))
    }

    /// The voice stopped: what was heard no longer counts.
    public mutating func unvoiced() { window.removeAll(keepingCapacity: true) }

    /// A message when the window holds enough voice and the last one is long enough ago.
    private mutating func messageIfDue(_ now: Double) -> Message? {
        guard settings.messages, let first = window.first, now - first.time >= 0.8 * settings.feedback.window,
              window.count >= 8 else { return nil }
        if let last = lastMessage, now - last.time < settings.feedback.minInterval { return nil }
        guard now - lastJudged >= 0.05 else { return nil }
        lastJudged = now
        guard let m = judge() else { return nil }
        if let last = lastMessage, last.text == m.text, now - last.time < settings.feedback.repeatAfter { return nil }
        lastMessage = (now, m.text)
        window.removeAll(keepingCapacity: true)
        return m
    }

    /// The window's verdict, worst first: a wrong note, out of tune, unsteady, a little
    /// off (information), or praise (encouraging style only). A window in which the
    /// voice steps to a new level (a correction, a new note) is cut at the step and
    /// judged later, when the new level has filled it.
    mutating func judge() -> Message? {
        let all = window.map(\.cents)
        // A step: two levels apart by the tolerance or more, each held steadily (a
        // wobble also splits in two, but leaves much spread about its two halves).
        if let step = ChangePoint.best(all, minSide: max(3, all.count / 8)),
           abs(step.left - step.right) >= settings.tolerance,
           ChangePoint.cost(all[...]) / Double(all.count) - step.gain < settings.tolerance / 3 {
            window.removeFirst(step.index)
            return nil
        }
        let cents = all
        let centre = median(cents)
        let tolerance = settings.tolerance
        let rounded = Int((abs(centre) / 5).rounded()) * 5
        if abs(centre) > 50, let note = window.last?.note {
            return Message(text: "wrong note: sing \(Tuning.name(note))", severity: .warning)
        }
        if abs(centre) > tolerance {
            return Message(text: "\(centre < 0 ? "flat" : "sharp") by \(max(rounded, 5)) cents", severity: .warning)
        }
        // Unsteady: the pitch around its centre through a 150 ms mean, which leaves
        // little of a 5–7 Hz vibrato and most of a drift or a wobble of 3 Hz and under.
        let hop = (window[window.count - 1].time - window[0].time) / Double(window.count - 1)
        let wandered = wander(cents.map { $0 - centre }, hop: hop, spans: [0.15])
        if wandered > max(CoachReport.unsteadyCents, tolerance) {
            return Message(text: "unsteady: hold the note", severity: .warning)
        }
        if abs(centre) > tolerance / 2 {
            return Message(text: "a little \(centre < 0 ? "flat" : "sharp") (\(max(rounded, 5)) cents)", severity: .info)
        }
        return settings.feedback.style == "encouraging" ? Message(text: "great pitch, keep it up", severity: .success) : nil
    }
}
