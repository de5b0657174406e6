import Control

extension OSCRouter {
    /// `/strip/<id>/<control> [value]`, `/strip/<id>/send/<bus> [dB]`,
    /// `/strip/<id>/send/<bus>/pre [0|1]`; `/master/<control>` is the master's strip.
    /// With no value, each replies with the current one, on the address asked; changes
    /// are echoed to subscribers on the canonical address (`/master/…` for the master).
    func strip(_ ref: StripRef, _ rest: [String], _ m: OSCMessage, _ a: OSCArguments) throws -> [OSCMessage] {
        let base = ref == .master ? "/master" : "/strip/\(ref)"
        if let replies = try insert(ref, rest, m, a) { return replies }
        if rest.count == 1, let control = StripControl(rawValue: rest[0]) {
            try a.expect(0...1, "a value, or none to ask")
            if a.count == 0 {
                return [OSCMessage(m.path, [.float(try session.get(control, of: ref))])]
            }
            let value = try a.float(0, control.rawValue)
            let applied = try session.set(control, of: ref, to: value, at: try clock.frame(for: m.time))
            return changed(OSCMessage("\(base)/\(control.rawValue)", [.float(applied)]))
        }
        if rest == ["loudness"] {
            try a.expect(0...1, "0 or 1, or none to ask")
            if a.count == 0 { return [OSCMessage(m.path, [.int(try session.isLoudnessMetered(ref) ? 1 : 0)])] }
            let on = try Validate.flag(try a.float(0, "loudness"), "loudness")
            try session.setLoudness(ref, on)
            return changed(OSCMessage("\(base)/loudness", [.int(on ? 1 : 0)]))
        }
        if rest == ["loudness", "reset"] {
            try a.expect(0...0, "no arguments")
            try session.resetLoudness(ref)
            return changed(OSCMessage("\(base)/loudness/reset", []))
        }
        if rest.count >= 2, rest.count <= 3, rest[0] == "send" {
            guard let bus = Int(rest[1]) else { throw ControlError("no bus with id \(rest[1])") }
            let time = try clock.frame(for: m.time)
            if rest.count == 3 {
                guard rest[2] == "pre" else { throw ControlError("unknown address") }
                try a.expect(0...1, "0 (post-fader) or 1 (pre-fader), or none to ask")
                if a.count == 0 { return [sendState(ref, bus, try session.send(from: ref, to: bus))] }
                let pre = try a.float(0, "pre")
                guard pre == 0 || pre == 1 else { throw ControlError("pre must be 0 or 1, not \(pre)") }
                return changed(sendState(ref, bus, try session.setSend(from: ref, to: bus, preFader: pre == 1, at: time)))
            }
            try a.expect(0...1, "a gain in dB, or none to ask")
            if a.count == 0 { return [sendState(ref, bus, try session.send(from: ref, to: bus))] }
            return changed(sendState(ref, bus, try session.setSend(from: ref, to: bus, gain: try a.float(0, "send gain"), at: time)))
        }
        throw ControlError("unknown address")
    }

    func sendState(_ ref: StripRef, _ bus: Int, _ send: (Float, Bool)) -> OSCMessage {
        OSCMessage("/strip/\(ref)/send/\(bus)", [.float(send.0), .int(send.1 ? 1 : 0)])
    }
}
