import Control
import DSP

extension OSCRouter {
    func track(_ rest: [String], _ m: OSCMessage, _ a: OSCArguments, _ client: OSCClient) throws -> [OSCMessage] {
        if rest == ["add"] {
            return try add("/track/added", a, client, defaultName: "track", session.addTrack)
        }
        if rest.count == 4, rest[1] == "clip", let id = Int(rest[0]), let n = Int(rest[2]) {
            guard case .track = try session.stripRef(rest[0]) else { throw ControlError("no track with id \(rest[0])") }
            return try clip(id, n, rest[3], a)
        }
        guard rest.count == 2, let id = Int(rest[0]) else { throw ControlError("unknown address") }
        guard case .track = try session.stripRef(rest[0]) else { throw ControlError("no track with id \(rest[0])") }
        switch rest[1] {
        case "arm", "take", "takes":
            return try trackRecording(id, rest[1], m, a, client)
        case "load":
            try a.expect(1...2, "a path and an optional position in seconds")
            let path = try a.string(0, "path")
            let position = try Validate.seconds(a.count == 2 ? try a.double(1, "position") : 0, "position")
            // Refuse a bad path now; only decoding is left for the job.
            _ = try session.paths.resolve(path, mustExist: true)
            let session = self.session, feedback = self.feedback, address = m.path
            return jobs.run(for: client, kind: "load", arguments: "track \(id): \(path) at \(position) s") {
                do {
                    try session.loadFile(track: id, path: path, position: position)
                    feedback.broadcast([OSCMessage("/track/\(id)/file", [.string(path), .float(Float(position))])])
                    return [OSCMessage("/done", [.string(address)])]
                } catch {
                    return [OSCMessage("/fail", [.string(address), .string("\(error)")])]
                }
            }
        case "midi":
            try a.expect(1...2, "a Standard MIDI File's path and an optional position in seconds")
            let path = try a.string(0, "path")
            let position = try Validate.seconds(a.count == 2 ? try a.double(1, "position") : 0, "position")
            _ = try session.paths.resolve(path, mustExist: true)
            let session = self.session, feedback = self.feedback, address = m.path
            return jobs.run(for: client, kind: "midi", arguments: "track \(id): \(path) at \(position) s") {
                do {
                    try session.loadMIDI(track: id, path: path, position: position)
                    feedback.broadcast([OSCMessage("/track/\(id)/midi", [.string(path), .float(Float(position))])])
                    return [OSCMessage("/done", [.string(address)])]
                } catch {
                    return [OSCMessage("/fail", [.string(address), .string("\(error)")])]
                }
            }
        case "program":
            try a.expect(1...1, "a General MIDI program number from 0 to 127")
            let program = try a.int(0, "program")
            try session.setProgram(track: id, program: program)
            return changed(OSCMessage("/track/\(id)/program", [.int(Int32(program))]))
        case "input":
            try a.expect(1...1, "a capture port number from 1")
            let port = try a.int(0, "input")
            try session.setInput(track: id, port: port)
            return changed(OSCMessage("/track/\(id)/input", [.int(Int32(port))]))
        case "remove":
            try a.expect(0...0, "none")
            try session.removeTrack(id)
            let removed = OSCMessage("/track/removed", [.int(Int32(id))])
            feedback.broadcast([removed], except: client)
            return [removed]
        default:
            throw ControlError("unknown address")
        }
    }

    /// `/track/<id>/clip/<n>/gain f:dB`, `/fadein f:s [s:shape]`, `/fadeout f:s
    /// [s:shape]`, `/trim f:start [f:length]`, `/move f:position`: echoed as the same
    /// address with the clip's values now.
    func clip(_ id: Int, _ n: Int, _ what: String, _ a: OSCArguments) throws -> [OSCMessage] {
        func shape(_ i: Int) throws -> FadeShape? {
            guard a.count > i else { return nil }
            let name = try a.string(i, "shape")
            guard let s = FadeShape(name: name) else { throw ControlError("shape must be \(FadeShape.allCases.map(\.name).joined(separator: ", ")), not \(name)") }
            return s
        }
        let edit: ClipEdit
        switch what {
        case "gain":
            try a.expect(1...1, "a gain in dB")
            edit = .gain(try a.float(0, "gain"))
        case "fadein", "fadeout":
            try a.expect(1...2, "a length in seconds and an optional shape (linear, equal-power, s-curve)")
            let seconds = try a.double(0, "fade"), s = try shape(1)
            edit = what == "fadein" ? .fadeIn(seconds, s) : .fadeOut(seconds, s)
        case "trim":
            try a.expect(1...2, "a start in seconds into the file and an optional length in seconds")
            edit = .trim(start: try a.double(0, "trim start"), length: a.count == 2 ? try a.double(1, "trim length") : nil)
        case "move":
            try a.expect(1...1, "a position in seconds")
            edit = .move(try a.double(0, "position"))
        default:
            throw ControlError("unknown address")
        }
        let t = try session.editClip(track: id, clip: n, edit)
        let c = t.clip ?? ClipSettings()
        let base = "/track/\(id)/clip/\(n)/\(what)"
        switch what {
        case "gain": return changed(OSCMessage(base, [.float(c.gain)]))
        case "fadein": return changed(OSCMessage(base, [.float(Float(c.fadeIn)), .string(c.fadeInShape)]))
        case "fadeout": return changed(OSCMessage(base, [.float(Float(c.fadeOut)), .string(c.fadeOutShape)]))
        case "trim": return changed(OSCMessage(base, [.float(Float(c.trim))] + (c.length.map { [.float(Float($0))] } ?? [])))
        default: return changed(OSCMessage(base, [.float(Float(t.position ?? 0))]))
        }
    }

    func bus(_ rest: [String], _ m: OSCMessage, _ a: OSCArguments, _ client: OSCClient) throws -> [OSCMessage] {
        if rest == ["add"] {
            return try add("/bus/added", a, client, defaultName: "bus", session.addBus)
        }
        if rest.count == 3, rest[1] == "reverb" || rest[1] == "delay", let id = Int(rest[0]) {
            guard case .bus = try session.stripRef(rest[0]) else { throw ControlError("no bus with id \(rest[0])") }
            return try insert(.bus(id), Array(rest.dropFirst()), m, a) ?? []
        }
        guard rest.count == 2, let id = Int(rest[0]) else { throw ControlError("unknown address") }
        if rest[1] == "output" {
            try a.expect(0...1, "a bus id, or 0 for the master; none to ask")
            if a.count == 0 { return [OSCMessage(m.path, [.int(Int32(try session.busOutput(id) ?? 0))])] }
            let target = try a.int(0, "output")
            guard target >= 0 else { throw ControlError("output must be a bus id, or 0 for the master, not \(target)") }
            try session.setBusOutput(id, to: target == 0 ? nil : target)
            return changed(OSCMessage("/bus/\(id)/output", [.int(Int32(target))]))
        }
        guard rest[1] == "remove" else { throw ControlError("unknown address") }
        try a.expect(0...0, "none")
        try session.removeBus(id)
        let removed = OSCMessage("/bus/removed", [.int(Int32(id))])
        feedback.broadcast([removed], except: client)
        return [removed]
    }

    /// `/track/add` and `/bus/add`: reply to the sender, echo to everyone else.
    private func add(
        _ reply: String, _ a: OSCArguments, _ client: OSCClient, defaultName: String, _ make: (String) throws -> Int
    ) throws -> [OSCMessage] {
        try a.expect(0...1, "a name")
        let name = a.count == 1 ? try a.string(0, "name") : defaultName
        let added = OSCMessage(reply, [.int(Int32(try make(name))), .string(name)])
        feedback.broadcast([added], except: client)
        return [added]
    }

    func patch(_ rest: [String], _ m: OSCMessage, _ a: OSCArguments, _ client: OSCClient) throws -> [OSCMessage] {
        if rest == ["versions"] || rest == ["checkout"] { return try patchVersions(rest[0], m, a, client) }
        guard rest.count == 1, rest[0] == "save" || rest[0] == "load" else { throw ControlError("unknown address") }
        try a.expect(1...1, "a path inside the project directory")
        let path = try a.string(0, "path")
        let session = self.session, feedback = self.feedback, address = m.path, isLoad = rest[0] == "load"
        // Refuse a hostile path now, before queueing.
        _ = try session.paths.resolve(path, mustExist: isLoad)
        return jobs.run(for: client, kind: "patch/\(rest[0])", arguments: path) {
            do {
                if isLoad {
                    let warnings = try session.loadPatch(from: path)
                    // Everything may have changed: surfaces re-read the state.
                    feedback.broadcast([OSCMessage("/patch/loaded", [.string(path)])])
                    return warnings.map { OSCMessage("/warning", [.string(address), .string($0)]) } + [OSCMessage("/done", [.string(address)])]
                }
                try session.savePatch(to: path)
                return [OSCMessage("/done", [.string(address)])]
            } catch {
                return [OSCMessage("/fail", [.string(address), .string("\(error)")])]
            }
        }
    }

    /// `/patch/versions`: `/patch/version i:n s:path s:saved-at` for each saved version
    /// (the newest 200), then `/patch/versions.end i:count`. `/patch/checkout i:n`: the
    /// engine takes saved version n's state (no file changes); `/done` or `/fail`.
    func patchVersions(_ what: String, _ m: OSCMessage, _ a: OSCArguments, _ client: OSCClient) throws -> [OSCMessage] {
        if what == "versions" {
            try a.expect(0...0, "none")
            let all = try session.patchVersions()
            return all.suffix(200).map { OSCMessage("/patch/version", [.int(Int32(clamping: $0.number)), .string($0.path), .string($0.savedAt)]) }
                + [OSCMessage("/patch/versions.end", [.int(Int32(clamping: all.count))])]
        }
        try a.expect(1...1, "a version number (see /patch/versions)")
        let number = try a.int(0, "version")
        let session = self.session, feedback = self.feedback, address = m.path
        return jobs.run(for: client, kind: "patch/checkout", arguments: "version \(number)") {
            do {
                let warnings = try session.checkoutPatch(version: Int64(number))
                feedback.broadcast([OSCMessage("/patch/loaded", [.string("version \(number)")])])
                return warnings.map { OSCMessage("/warning", [.string(address), .string($0)]) } + [OSCMessage("/done", [.string(address)])]
            } catch {
                return [OSCMessage("/fail", [.string(address), .string("\(error)")])]
            }
        }
    }

    func feedbackRequest(_ rest: [String], _ a: OSCArguments, _ client: OSCClient) throws -> [OSCMessage] {
        switch rest {
        case ["subscribe"]:
            try a.expect(0...1, "an optional rate in Hz")
            let rate = a.count == 1 ? try a.double(0, "rate") : FeedbackHub.defaultRate
            guard rate.isFinite, rate >= 1, rate <= 200 else { throw ControlError("rate must be from 1 to 200 Hz, not \(rate)") }
            try feedback.subscribe(client, rate: rate)
            return [OSCMessage("/feedback/subscribed", [.float(Float(rate))])]
        case ["unsubscribe"]:
            try a.expect(0...0, "none")
            feedback.unsubscribe(client)
            return [OSCMessage("/feedback/unsubscribed")]
        default:
            throw ControlError("unknown address")
        }
    }
}
