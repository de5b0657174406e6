import Control

extension OSCRouter {
    func transport(_ rest: [String], _ m: OSCMessage, _ a: OSCArguments) throws -> [OSCMessage] {
        let time = try clock.frame(for: m.time)
        switch rest {
        case []:
            try a.expect(0...0, "none")
            return [transportState()]
        case ["play"]:
            try a.expect(0...0, "none")
            session.play(at: time)
            return []
        case ["stop"]:
            try a.expect(0...0, "none")
            session.stop(at: time)
            return []
        case ["locate", "marker"]:
            try a.expect(1...1, "a marker id")
            try session.locate(marker: try a.int(0, "marker"))
            return []
        case ["locate"]:
            try a.expect(1...1, "seconds")
            try session.locate(seconds: try a.double(0, "position"), at: time)
            return []
        case ["loop"]:
            try a.expect(0...2, "start and end seconds, or none to ask")
            if a.count == 0 { return [loopState()] }
            try a.expect(2...2, "start and end seconds")
            try session.setLoop(start: try a.double(0, "loop start"), end: try a.double(1, "loop end"))
            return changed(loopState())
        case ["tempo"]:
            try a.expect(0...1, "beats per minute, or none to ask")
            if a.count == 0 { return [OSCMessage("/transport/tempo", [.float(Float(session.tempo))])] }
            let bpm = try session.setTempo(try a.double(0, "tempo"), at: time)
            return changed(OSCMessage("/transport/tempo", [.float(Float(bpm))]))
        case ["loop", "off"]:
            try a.expect(0...0, "none")
            session.clearLoop()
            return changed(loopState())
        default:
            throw ControlError("unknown address")
        }
    }

    func transportState() -> OSCMessage {
        let t = session.transportState
        return OSCMessage("/transport/state", [.int(t.playing ? 1 : 0), .float(Float(t.seconds))])
    }

    func loopState() -> OSCMessage {
        let l = session.loop
        return OSCMessage("/transport/loop", [.float(Float(l.start)), .float(Float(l.end)), .int(l.enabled ? 1 : 0)])
    }
}
