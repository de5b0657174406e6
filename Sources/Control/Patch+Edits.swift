import DSP

/// The project model's edits: a strip's settings by reference, and a strip change
/// validated and written in. Pure values: the session decides when and where they
/// apply (now, or at a scheduled time).
extension Patch {
    /// Validate `change` and write it in; throws and changes nothing if refused.
    mutating func apply(_ change: StripChange) throws {
        let ref = change.strip
        var s = try strip(ref)
        switch change {
        case .control(let control, _, let value):
            switch control {
            case .gain: s.gain = try Validate.gain(value)
            case .fader: s.gain = FaderLaw.db(forPosition: try Validate.unit(value, "fader"))
            case .pan: s.pan = try Validate.pan(value)
            case .mute: s.mute = try Validate.flag(value, "mute")
            case .solo, .solosafe:
                if ref == .master { throw ControlError("the master has no \(control.rawValue)") }
                if control == .solo { s.solo = try Validate.flag(value, "solo") } else { s.soloSafe = try Validate.flag(value, "solosafe") }
            case .invert: s.invert = try Validate.flag(value, "invert")
            }
        case .sendGain(_, let bus, let dB):
            guard let i = s.sends.firstIndex(where: { $0.bus == bus }) else {
                throw ControlError("strip \(ref) has no send to bus \(bus)")
            }
            s.sends[i].gain = try Validate.gain(dB, "send gain")
        }
        try setStrip(s, ref)
    }

    func strip(_ ref: StripRef) throws -> StripSettings {
        switch ref {
        case .master: return master
        case .track(let id):
            guard let t = tracks.first(where: { $0.id == id }) else { throw ControlError.unknownTrack(id) }
            return t.strip
        case .bus(let id):
            guard let b = buses.first(where: { $0.id == id }) else { throw ControlError.unknownBus(id) }
            return b.strip
        }
    }

    mutating func setStrip(_ s: StripSettings, _ ref: StripRef) throws {
        switch ref {
        case .master: master = s
        case .track(let id):
            guard let i = tracks.firstIndex(where: { $0.id == id }) else { throw ControlError.unknownTrack(id) }
            tracks[i].strip = s
        case .bus(let id):
            guard let i = buses.firstIndex(where: { $0.id == id }) else { throw ControlError.unknownBus(id) }
            buses[i].strip = s
        }
    }

    /// Drop every send to `bus`, from tracks and buses alike; returns the strips that
    /// had one.
    mutating func removeSends(to bus: Int) -> [StripRef] {
        var changed: [StripRef] = []
        for ref in tracks.map({ StripRef.track($0.id) }) + buses.map({ StripRef.bus($0.id) }) {
            guard var s = try? strip(ref), s.sends.contains(where: { $0.bus == bus }) else { continue }
            s.sends.removeAll { $0.bus == bus }
            try? setStrip(s, ref)
            changed.append(ref)
        }
        return changed
    }
}
