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

extension StripChange {
    /// The strips in both sets, where nil stands for every strip.
    static func overlap(_ a: Set<StripRef>?, _ b: Set<StripRef>?) -> Set<StripRef>? {
        guard let a else { return b }
        guard let b else { return a }
        return a.intersection(b)
    }
}

/// Strip changes from time-tagged bundles waiting for their engine time, in time order
/// then arrival order, and which of them the model already holds (folded). Pure
/// bookkeeping: the session decides what to send and when to fold.
struct ParameterScheduler {
    private var changes: [ScheduledChange] = []

    var isEmpty: Bool { changes.isEmpty }

    /// `patch` plus every change not yet folded into it that is due by `time`.
    func state(at time: UInt64, from patch: Patch) -> Patch {
        var p = patch
        for s in changes where !s.folded && s.time <= time { try? p.apply(s.change) }
        return p
    }

    /// Keep `change` for `time`, after any already kept for the same time.
    mutating func insert(_ change: StripChange, at time: UInt64) {
        let index = changes.firstIndex { $0.time > time } ?? changes.endIndex
        changes.insert(ScheduledChange(time: time, change: change), at: index)
    }

    /// Every kept time after `time`, in order, with the strips its changes reach (nil:
    /// every strip), whose queued commands carry those strips' whole state.
    func times(after time: UInt64) -> [(time: UInt64, reach: Set<StripRef>?)] {
        Set(changes.map(\.time).filter { $0 > time }).sorted().map { t in
            let here = changes.filter { $0.time == t }.map(\.change)
            return (t, here.contains { $0.reachesEveryStrip } ? nil : Set(here.map(\.strip)))
        }
    }

    /// Write into `patch` every change due before `horizon` not written yet, and forget
    /// written ones due before `forgetBefore`. True if any was written.
    mutating func fold(before horizon: UInt64, into patch: inout Patch, forgetBefore: UInt64) -> Bool {
        var folded = false
        for i in changes.indices where !changes[i].folded && changes[i].time < horizon {
            try? patch.apply(changes[i].change)
            changes[i].folded = true
            folded = true
        }
        changes.removeAll { $0.folded && $0.time < forgetBefore }
        return folded
    }

    mutating func removeAll() { changes.removeAll() }
}
