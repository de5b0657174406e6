import Control

extension OSCRouter {
    /// `/pitch/enable <track> [0|1]`: switch a track's live pitch tracker, or ask.
    /// `/pitch/a4 [hz]`: the reference A4 every track's cents use, or ask.
    /// `/pitch/tolerance <track> [cents]`: in tune within ± (0: the profile's), or ask.
    /// `/pitch/target <track> [equal | scale KEY SCALE | melody FILE [strict]]`: what a
    /// track's pitch is measured against, or ask.
    func pitch(_ rest: [String], _ m: OSCMessage, _ a: OSCArguments) throws -> [OSCMessage] {
        switch rest {
        case ["enable"]:
            try a.expect(1...2, "a track id, and 0 or 1 (none to ask)")
            let id = try a.int(0, "track")
            if a.count == 1 { return [OSCMessage(m.path, [.int(Int32(id)), .int(try session.isPitchTracked(track: id) ? 1 : 0)])] }
            let on = try Validate.flag(try a.float(1, "enable"), "enable")
            try session.setPitch(track: id, on)
            return changed(OSCMessage(m.path, [.int(Int32(id)), .int(on ? 1 : 0)]))
        case ["a4"]:
            try a.expect(0...1, "A4 in Hz, 400 … 480 (none to ask)")
            if a.count == 0 { return [OSCMessage(m.path, [.float(Float(session.a4))])] }
            try session.setA4(Double(try a.float(0, "A4")))
            return changed(OSCMessage(m.path, [.float(Float(session.a4))]))
        case ["tolerance"]:
            try a.expect(1...2, "a track id, and cents 1 … 50 (0: the profile's; none to ask)")
            let id = try a.int(0, "track")
            if a.count == 2 {
                let cents = Double(try a.float(1, "tolerance"))
                try session.editCoach(track: id) { $0.tolerance = cents == 0 ? nil : cents }
            }
            let reply = OSCMessage(m.path, [.int(Int32(id)), .float(Float(session.liveCoach(track: id).tolerance))])
            return a.count == 1 ? [reply] : changed(reply)
        case ["target"]:
            try a.expect(1...4, "a track id, then equal, scale KEY SCALE, or melody FILE [strict 0|1] (none to ask)")
            let id = try a.int(0, "track")
            if a.count > 1 { try session.editCoach(track: id) { try Self.setTarget(&$0, a) } }
            let reply = OSCMessage(m.path, [.int(Int32(id))] + Self.describeTarget(try session.coach(track: id)))
            return a.count == 1 ? [reply] : changed(reply)
        default:
            throw ControlError("unknown address")
        }
    }

    /// `equal`, `scale KEY SCALE` or `melody FILE [strict 0|1]` from arguments 1….
    static func setTarget(_ s: inout CoachSettings, _ a: OSCArguments) throws {
        let usage = "a track id, then equal, scale KEY SCALE, or melody FILE [strict 0|1]"
        switch try a.string(1, "target") {
        case "equal":
            try a.expect(2...2, usage)
            (s.key, s.scale, s.reference, s.melodyTrack) = (nil, nil, nil, nil)
        case "scale":
            try a.expect(4...4, usage)
            (s.key, s.scale, s.reference, s.melodyTrack) = (try a.string(2, "key"), try a.string(3, "scale"), nil, nil)
        case "melody":
            try a.expect(3...4, usage)
            (s.key, s.scale, s.reference, s.melodyTrack) = (nil, nil, try a.string(2, "file"), nil)
            s.strict = a.count == 4 ? try Validate.flag(try a.float(3, "strict"), "strict") : false
        default:
            throw ControlError("target is equal, scale or melody")
        }
    }

    static func describeTarget(_ s: CoachSettings) -> [OSCValue] {
        if let key = s.key, let scale = s.scale { return [.string("scale"), .string(key), .string(scale)] }
        if let file = s.reference { return [.string("melody"), .string(file), .int(s.strict ? 1 : 0)] }
        return [.string("equal")]
    }

    /// `/coach/profile <track> [name]`: a profile from presets/coach, or ask.
    /// `/coach/enable <track> [0|1]`: `/coach/feedback` messages for the track, or ask.
    func coach(_ rest: [String], _ m: OSCMessage, _ a: OSCArguments) throws -> [OSCMessage] {
        switch rest {
        case ["profile"]:
            try a.expect(1...2, "a track id, and a profile name (none to ask)")
            let id = try a.int(0, "track")
            if a.count == 2 {
                let name = try a.string(1, "profile")
                try session.editCoach(track: id) { $0.profile = name }
            }
            let reply = OSCMessage(m.path, [.int(Int32(id)), .string(try session.coach(track: id).profile)])
            return a.count == 1 ? [reply] : changed(reply)
        case ["enable"]:
            try a.expect(1...2, "a track id, and 0 or 1 (none to ask)")
            let id = try a.int(0, "track")
            if a.count == 2 {
                let on = try Validate.flag(try a.float(1, "enable"), "enable")
                try session.editCoach(track: id) { $0.messages = on }
            }
            let reply = OSCMessage(m.path, [.int(Int32(id)), .int(try session.coach(track: id).messages ? 1 : 0)])
            return a.count == 1 ? [reply] : changed(reply)
        default:
            throw ControlError("unknown address")
        }
    }
}
