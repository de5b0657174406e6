import DSP
import Engine

/// A strip change waiting for its engine time (from a time-tagged bundle).
struct ScheduledChange {
    let time: UInt64
    let change: StripChange
    /// Written into the state now: its time has come, or will have before a command
    /// sent now reaches the realtime side. Kept a while so that commands sent now can
    /// still override the one queued for its time.
    var folded = false
}

/// One change to one strip, as a value so it can wait and be replayed.
enum StripChange {
    case control(StripControl, StripRef, Float)
    case sendGain(StripRef, bus: Int, dB: Float)

    var strip: StripRef {
        switch self {
        case .control(_, let ref, _), .sendGain(let ref, _, _): ref
        }
    }

    /// A solo changes who else is heard; anything else only its own strip.
    var reachesEveryStrip: Bool {
        if case .control(.solo, _, _) = self { return true }
        return false
    }

    /// The strips whose realtime values it changes (nil: every strip).
    var reach: Set<StripRef>? { reachesEveryStrip ? nil : [strip] }

    /// Whether it can change who is heard (so audibility must be worked out again).
    var altersAudibility: Bool {
        switch self {
        case .control(let c, _, _): c == .mute || c == .solo || c == .solosafe
        case .sendGain: false
        }
    }
}

// Why the session keeps scheduled changes: a strip's realtime command carries its whole
// state (pan, polarity, audibility and fader together). Were a future change written
// into the model at once, any immediate command sent before its time would carry it in
// early; and the command queued for its time would carry stale values for whatever
// changed meanwhile. So `patch` is the state now, scheduled changes wait beside it, and
// every change re-sends the queued commands it makes stale. Folding a change into the
// state early is harmless (the queued command is re-sent with the state now); folding
// it late would let it override a newer change, so the horizon is generous.
extension Session {
    /// The model at engine time `time`: now, plus every change scheduled up to it.
    func state(at time: UInt64) -> Patch {
        var p = patch
        for s in scheduled where !s.folded && s.time <= time { try? apply(s.change, to: &p) }
        return p
    }

    /// What queries report: the model with everything scheduled applied.
    var latest: Patch { scheduled.isEmpty ? patch : state(at: .max) }

    /// Schedule `change` for engine time `time` and queue its commands. Changes at
    /// later times whose queued commands carried the strips it reaches are re-sent.
    func schedule(_ change: StripChange, at time: UInt64) {
        foldDue()
        let index = scheduled.firstIndex { $0.time > time } ?? scheduled.endIndex
        scheduled.insert(ScheduledChange(time: time, change: change), at: index)
        let reach: Set<StripRef>? = change.reachesEveryStrip ? nil : [change.strip]
        sendStrips(reach, of: state(at: time), at: time)
        resendScheduled(after: time, reaching: reach)
    }

    /// After an immediate change to the strips in `reach` (nil: all), re-send every
    /// scheduled time whose queued commands carried them, so they keep the change.
    func resendScheduled(after time: UInt64, reaching reach: Set<StripRef>?) {
        guard !scheduled.isEmpty else { return }
        for t in Set(scheduled.map(\.time).filter { $0 > time }).sorted() {
            let here = scheduled.filter { $0.time == t }.map(\.change)
            let carried: Set<StripRef>? = here.contains { $0.reachesEveryStrip } ? nil : Set(here.map(\.strip))
            let stale = overlap(carried, reach)
            if stale?.isEmpty == true { continue }
            sendStrips(stale, of: state(at: t), at: t)
        }
    }

    /// The strips in both sets, where nil stands for every strip.
    func overlap(_ a: Set<StripRef>?, _ b: Set<StripRef>?) -> Set<StripRef>? {
        guard let a else { return b }
        guard let b else { return a }
        return a.intersection(b)
    }

    /// Fold into `patch` every change due before a command sent now can reach the
    /// realtime side, that is before the end of the cycle that may be running, and
    /// forget folded ones a second old. What the realtime side then holds (or is about
    /// to) becomes what immediate commands compare against.
    func foldDue() {
        guard !scheduled.isEmpty else { return }
        let end = engine.published.clock.load(ordering: .relaxed)  // end of the latest cycle
        let start = engine.published.anchorClock.load(ordering: .relaxed)
        let horizon = end &+ (end &- min(start, end))
        var folded = false
        for i in scheduled.indices where !scheduled[i].folded && scheduled[i].time < horizon {
            try? apply(scheduled[i].change, to: &patch)
            scheduled[i].folded = true
            folded = true
        }
        let second = UInt64(engine.config.sampleRate)
        scheduled.removeAll { $0.folded && $0.time &+ second < end }
        if folded { rememberSent(patch) }
    }
}
