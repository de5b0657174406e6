import Engine

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
    func state(at time: UInt64) -> Patch { scheduler.state(at: time, from: patch) }

    /// What queries report: the model with everything scheduled applied.
    var latest: Patch { scheduler.isEmpty ? patch : state(at: .max) }

    /// Schedule `change` for engine time `time` and queue its commands. Changes at
    /// later times whose queued commands carried the strips it reaches are re-sent.
    func schedule(_ change: StripChange, at time: UInt64) {
        foldDue()
        scheduler.insert(change, at: time)
        let reach: Set<StripRef>? = change.reachesEveryStrip ? nil : [change.strip]
        sendStrips(reach, of: state(at: time), at: time)
        resendScheduled(after: time, reaching: reach)
    }

    /// After an immediate change to the strips in `reach` (nil: all), re-send every
    /// scheduled time whose queued commands carried them, so they keep the change.
    func resendScheduled(after time: UInt64, reaching reach: Set<StripRef>?) {
        for (t, carried) in scheduler.times(after: time) {
            let stale = StripChange.overlap(carried, reach)
            if stale?.isEmpty == true { continue }
            sendStrips(stale, of: state(at: t), at: t)
        }
    }

    /// Fold into `patch` every change due before a command sent now can reach the
    /// realtime side, that is before the end of the cycle that may be running, and
    /// forget folded ones a second old. What the realtime side then holds (or is about
    /// to) becomes what immediate commands compare against.
    func foldDue() {
        guard !scheduler.isEmpty else { return }
        let end = engine.published.clock.load(ordering: .relaxed)  // end of the latest cycle
        let start = engine.published.anchorClock.load(ordering: .relaxed)
        let horizon = end &+ (end &- min(start, end))
        let second = UInt64(engine.config.sampleRate)
        if scheduler.fold(before: horizon, into: &patch, forgetBefore: end &- min(end, second)) { rememberSent(patch) }
    }
}
