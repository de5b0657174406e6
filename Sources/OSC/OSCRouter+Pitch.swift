import Control

extension OSCRouter {
    /// `/pitch/enable <track> [0|1]`: switch a track's live pitch tracker, or ask.
    func pitch(_ rest: [String], _ m: OSCMessage, _ a: OSCArguments) throws -> [OSCMessage] {
        guard rest == ["enable"] else { throw ControlError("unknown address") }
        try a.expect(1...2, "a track id, and 0 or 1 (none to ask)")
        let id = try a.int(0, "track")
        if a.count == 1 { return [OSCMessage(m.path, [.int(Int32(id)), .int(try session.isPitchTracked(track: id) ? 1 : 0)])] }
        let on = try Validate.flag(try a.float(1, "enable"), "enable")
        try session.setPitch(track: id, on)
        return changed(OSCMessage(m.path, [.int(Int32(id)), .int(on ? 1 : 0)]))
    }
}
