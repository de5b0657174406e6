import Control
import Store

extension OSCRouter {
    /// `/record/…`: record enable, start and stop, the punch range, the state.
    func record(_ rest: [String], _ m: OSCMessage, _ a: OSCArguments, _ client: OSCClient) throws -> [OSCMessage] {
        switch rest {
        case []:
            try a.expect(0...0, "none")
            return [recordState()]
        case ["start"]:
            try a.expect(0...0, "none")
            try session.startRecording()
            recorder?.recordingClient(client)
            return changed(recordState())
        case ["stop"]:
            try a.expect(0...0, "none")
            try session.enableRecording(false)
            return changed(recordState())
        case ["enable"]:
            try a.expect(0...1, "0 or 1, or none to ask")
            if a.count == 0 { return [recordState()] }
            let on = try Validate.flag(try a.float(0, "enable"), "enable")
            try session.enableRecording(on)
            if on { recorder?.recordingClient(client) }
            return changed(recordState())
        case ["punch"]:
            try a.expect(0...2, "punch in and out seconds, or none to ask")
            if a.count == 0 { return [punchState()] }
            try a.expect(2...2, "punch in and out seconds")
            try session.punch(from: try a.double(0, "punch in"), to: try a.double(1, "punch out"))
            return changed(punchState())
        case ["punch", "off"]:
            try a.expect(0...0, "none")
            session.clearPunch()
            return changed(punchState())
        case ["folder"]:
            try a.expect(0...1, "a folder inside the project directory, or none to ask")
            guard let writer = session.recorder else { throw ControlError("recording needs the project store (this engine runs without one)") }
            if a.count == 0 { return [OSCMessage(m.path, [.string(writer.takesFolder)])] }
            try writer.setFolder(try a.string(0, "folder"))
            return changed(OSCMessage(m.path, [.string(writer.takesFolder)]))
        case ["master"], ["master", "takes"]:
            return try bounce(.master, rest.count == 2, m, a)
        case _ where rest.count >= 2 && rest.count <= 3 && rest[0] == "bus" && (rest.count == 2 || rest[2] == "takes"):
            guard let id = Int(rest[1]), case .bus = try session.stripRef(rest[1]) else { throw ControlError("no bus with id \(rest[1])") }
            return try bounce(.bus(id), rest.count == 3, m, a)
        default:
            throw ControlError("unknown address")
        }
    }

    /// `/record/master`, `/record/bus/<id>` (bounce on or off) and their `/takes`.
    private func bounce(_ ref: StripRef, _ listTakes: Bool, _ m: OSCMessage, _ a: OSCArguments) throws -> [OSCMessage] {
        let name = RecorderFeedback.id(Session.takeSource(ref))
        if listTakes {
            try a.expect(0...0, "none")
            return try session.takes(bounce: ref).map { t in
                OSCMessage("/takes", [name, .int(Int32(t.number)), .string(t.file), .float(Float(t.timelineSeconds)), .float(Float(t.lengthSeconds))])
            } + [OSCMessage("/takes.end", [name])]
        }
        try a.expect(0...1, "0 or 1, or none to ask")
        if a.count == 0 { return [OSCMessage(m.path, [.int(session.isBounced(ref) ? 1 : 0)])] }
        let on = try Validate.flag(try a.float(0, "bounce"), "bounce")
        try session.bounce(ref, on)
        return changed(OSCMessage(m.path, [.int(on ? 1 : 0)]))
    }

    /// `/track/<id>/arm`, `/track/<id>/take` and `/track/<id>/takes`.
    func trackRecording(_ id: Int, _ control: String, _ m: OSCMessage, _ a: OSCArguments, _ client: OSCClient) throws -> [OSCMessage] {
        switch control {
        case "take":
            try a.expect(0...1, "a take number, 0 for the live input, or none to ask")
            if a.count == 0 { return [OSCMessage(m.path, [.int(Int32(try session.activeTake(track: id)))])] }
            let number = try a.int(0, "take")
            guard number >= 0 else { throw ControlError("take must be a take number from 1, or 0 for none, not \(number)") }
            if number > 0, !(try session.takes(track: id).contains { $0.number == number }) {
                throw ControlError("track \(id) has no take \(number)")
            }
            let session = self.session, feedback = self.feedback, address = m.path
            return jobs.run(for: client, kind: "take", arguments: "track \(id): take \(number)") {  // decoding the take is slow
                do {
                    try session.selectTake(track: id, number: number)
                    feedback.broadcast([OSCMessage(address, [.int(Int32(number))])])
                    return [OSCMessage("/done", [.string(address)])]
                } catch {
                    return [OSCMessage("/fail", [.string(address), .string("\(error)")])]
                }
            }
        case "arm":
            try a.expect(0...1, "0 or 1, or none to ask")
            if a.count == 0 { return [OSCMessage(m.path, [.int(try session.isArmed(track: id) ? 1 : 0)])] }
            let on = try Validate.flag(try a.float(0, "arm"), "arm")
            try session.arm(track: id, on)
            return changed(OSCMessage(m.path, [.int(on ? 1 : 0)]))
        default:  // "takes"
            try a.expect(0...0, "none")
            let takes = try session.takes(track: id)
            return takes.map { t in
                OSCMessage("/takes", [.int(Int32(id)), .int(Int32(t.number)), .string(t.file),
                                      .float(Float(t.timelineSeconds)), .float(Float(t.lengthSeconds))])
            } + [OSCMessage("/takes.end", [.int(Int32(id))])]
        }
    }

    /// `/record/state <enabled 0|1> <punch in s> <punch out s> <punch on 0|1>`.
    func recordState() -> OSCMessage {
        OSCMessage("/record/state", [.int(session.isRecordEnabled ? 1 : 0)])
    }

    func punchState() -> OSCMessage {
        guard let (a, b) = session.punch else { return OSCMessage("/record/punch", [.float(0), .float(0), .int(0)]) }
        let rate = session.sampleRate
        return OSCMessage("/record/punch", [.float(Float(Double(a) / rate)), .float(Float(Double(b) / rate)), .int(1)])
    }
}
