import DSP

/// The controls every strip has, as addressed by `/strip/<id>/<control>`.
public enum StripControl: String, CaseIterable, Sendable {
    case gain, fader, pan, mute, solo, solosafe, invert
}

extension Session {
    /// Set one control. `time` is an engine frame-clock time (0: now). Returns the
    /// control's new value as the address reports it.
    @discardableResult
    public func set(_ control: StripControl, of ref: StripRef, to value: Float, at time: UInt64 = 0) throws -> Float {
        try locked {
            var s = try stripSettings(ref)
            switch control {
            case .gain: s.gain = try Validate.gain(value)
            case .fader: s.gain = FaderLaw.db(forPosition: try Validate.unit(value, "fader"))
            case .pan: s.pan = try Validate.pan(value)
            case .mute: s.mute = try flag(value, "mute")
            case .solo, .solosafe:
                if ref == .master { throw ControlError("the master has no \(control.rawValue)") }
                if control == .solo { s.solo = try flag(value, "solo") } else { s.soloSafe = try flag(value, "solosafe") }
            case .invert: s.invert = try flag(value, "invert")
            }
            try store(s, ref)
            pushMix(at: time)
            return Self.value(control, s)
        }
    }

    /// A control's current value.
    public func get(_ control: StripControl, of ref: StripRef) throws -> Float {
        try locked { Self.value(control, try stripSettings(ref)) }
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

    /// Set the send from a track to a bus, creating it (post-fader unless `preFader`
    /// says otherwise) if there was none. Returns (gain dB, pre-fader).
    @discardableResult
    public func setSend(from ref: StripRef, to bus: Int, gain: Float? = nil, preFader: Bool? = nil, at time: UInt64 = 0) throws -> (Float, Bool) {
        try locked {
            guard case .track = ref else { throw ControlError("only tracks have sends; \(ref) is not a track") }
            guard patch.buses.contains(where: { $0.id == bus }) else { throw ControlError.unknownBus(bus) }
            if let gain { _ = try Validate.gain(gain, "send gain") }
            var s = try stripSettings(ref)
            let structural: Bool
            if let i = s.sends.firstIndex(where: { $0.bus == bus }) {
                structural = preFader != nil && preFader != s.sends[i].preFader
                if let gain { s.sends[i].gain = gain }
                if let preFader { s.sends[i].preFader = preFader }
            } else {
                structural = true
                s.sends.append(SendSettings(bus: bus, gain: gain ?? 0, preFader: preFader ?? false))
            }
            try store(s, ref)
            pushMix(at: time)
            if structural { pushGraph() }
            let send = s.sends.first { $0.bus == bus }!
            return (send.gain, send.preFader)
        }
    }

    public func send(from ref: StripRef, to bus: Int) throws -> (Float, Bool) {
        try locked {
            guard let send = try stripSettings(ref).sends.first(where: { $0.bus == bus }) else {
                throw ControlError("strip \(ref) has no send to bus \(bus)")
            }
            return (send.gain, send.preFader)
        }
    }

    func store(_ s: StripSettings, _ ref: StripRef) throws {
        switch ref {
        case .master: patch.master = s
        case .track(let id): patch.tracks[try trackIndex(id)].strip = s
        case .bus(let id):
            guard let i = patch.buses.firstIndex(where: { $0.id == id }) else { throw ControlError.unknownBus(id) }
            patch.buses[i].strip = s
        }
    }

    func flag(_ v: Float, _ what: String) throws -> Bool {
        guard v == 0 || v == 1 else { throw ControlError("\(what) must be 0 or 1, not \(v)") }
        return v == 1
    }
}
