import DSP

/// The controls every strip has, as addressed by `/strip/<id>/<control>`.
public enum StripControl: String, CaseIterable, Sendable {
    case gain, fader, pan, mute, solo, solosafe, invert
}

extension Session {
    /// Set one control. `time` is an engine frame-clock time (0: now); until then the
    /// change waits beside the model (Session+Schedule). Returns the control's value at
    /// that time as the address reports it.
    @discardableResult
    public func set(_ control: StripControl, of ref: StripRef, to value: Float, at time: UInt64 = 0) throws -> Float {
        try locked {
            let change = StripChange.control(control, ref, value)
            if time == 0 {
                try applyNow(change)
                return Self.value(control, try patch.strip(ref))
            }
            // Validate against everything already scheduled before keeping it.
            var probe = state(at: time)
            try probe.apply(change)
            schedule(change, at: time)
            return Self.value(control, try probe.strip(ref))
        }
    }

    /// A control's value once everything scheduled has happened.
    public func get(_ control: StripControl, of ref: StripRef) throws -> Float {
        try locked { Self.value(control, try latest.strip(ref)) }
    }

    static func value(_ control: StripControl, _ s: StripSettings) -> Float {
        switch control {
        case .gain: s.gain
        case .fader: FaderLaw.position(forDb: s.gain)
        case .pan: s.pan
        case .mute: s.mute ? 1 : 0
        case .solo: s.solo ? 1 : 0
        case .solosafe: s.soloSafe ? 1 : 0
        case .invert: s.invert ? 1 : 0
        }
    }

    /// Set the send from a track or bus to a bus, creating it (post-fader unless
    /// `preFader` says otherwise) if there was none. Returns (gain dB, pre-fader). Only
    /// a gain change to an existing send waits for `time`: creating a send or moving it
    /// before or after the fader changes the graph, which happens now. A send that
    /// would close a loop (through bus outputs, sends or side-chains) is refused and
    /// nothing changes.
    @discardableResult
    public func setSend(from ref: StripRef, to bus: Int, gain: Float? = nil, preFader: Bool? = nil, at time: UInt64 = 0) throws -> (Float, Bool) {
        try locked {
            if ref == .master { throw ControlError("the master has no sends") }
            if ref == .bus(bus) { throw ControlError("bus \(bus) cannot send to itself") }
            guard patch.buses.contains(where: { $0.id == bus }) else { throw ControlError.unknownBus(bus) }
            if let gain { _ = try Validate.gain(gain, "send gain") }
            var s = try patch.strip(ref)
            let existing = s.sends.firstIndex { $0.bus == bus }
            if let existing, preFader == nil || preFader == s.sends[existing].preFader, let gain {
                let change = StripChange.sendGain(ref, bus: bus, dB: gain)
                if time == 0 { try applyNow(change) } else { schedule(change, at: time) }
                return (gain, s.sends[existing].preFader)
            }
            if let i = existing {
                if let gain { s.sends[i].gain = gain }
                if let preFader { s.sends[i].preFader = preFader }
            } else {
                s.sends.append(SendSettings(bus: bus, gain: gain ?? 0, preFader: preFader ?? false))
            }
            var candidate = patch
            try candidate.setStrip(s, ref)
            try validateGraph(candidate)
            patch = candidate
            if let n = graph[ref] { syncSends(n, s) }
            pushMix()
            pushGraph()
            let send = s.sends.first { $0.bus == bus }!
            return (send.gain, send.preFader)
        }
    }

    public func send(from ref: StripRef, to bus: Int) throws -> (Float, Bool) {
        try locked {
            guard let send = try latest.strip(ref).sends.first(where: { $0.bus == bus }) else {
                throw ControlError("strip \(ref) has no send to bus \(bus)")
            }
            return (send.gain, send.preFader)
        }
    }

    /// Apply `change` to the model now and send what it changed.
    func applyNow(_ change: StripChange) throws {
        foldDue()
        try patch.apply(change)
        pushMix(change.reach, audibility: change.altersAudibility)
    }

}
