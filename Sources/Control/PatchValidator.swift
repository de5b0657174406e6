import Analysis

/// Checks a whole patch before any of it is applied, with the same rules as OSC.
enum PatchValidator {
    static func validate(_ p: Patch, inputs: Int, maxStrips: Int, maxBuses: Int) throws {
        guard p.schema == Patch.schemaName else { throw ControlError("not a dawg patch: schema is \"\(p.schema)\", expected \"\(Patch.schemaName)\"") }
        guard p.version >= 1, p.version <= Patch.currentVersion else {
            throw ControlError("patch version \(p.version) is not supported (this dawg reads 1 to \(Patch.currentVersion))")
        }
        _ = try Validate.name(p.name)
        guard p.tracks.count + p.buses.count < maxStrips else { throw ControlError("too many strips: the limit is \(maxStrips - 1)") }
        guard p.buses.count <= maxBuses else { throw ControlError("too many buses: the limit is \(maxBuses)") }
        var ids = Set<Int>()
        for id in p.tracks.map(\.id) + p.buses.map(\.id) {
            guard id > 0, id < 1_000_000 else { throw ControlError("ids must be from 1 to 999999, not \(id)") }
            guard ids.insert(id).inserted else { throw ControlError("id \(id) is used twice") }
        }
        let busIDs = Set(p.buses.map(\.id))
        let stripIDs = Set(p.tracks.map(\.id)).union(busIDs)
        for (what, s, own) in [("master", p.master, 0)] + p.buses.map({ ("bus \($0.id)", $0.strip, $0.id) })
            + p.tracks.map({ ("track \($0.id)", $0.strip, $0.id) }) {
            if let key = s.comp.sidechain, !stripIDs.contains(key) || key == own {
                throw ControlError("\(what): the compressor's sidechain \(key) is not another track or bus")
            }
        }
        try strip(p.master, "master", busIDs: [], isMaster: true)
        for b in p.buses {
            _ = try Validate.name(b.name)
            if b.strip.sends.contains(where: { $0.bus == b.id }) { throw ControlError("bus \(b.id) cannot send to itself") }
            try strip(b.strip, "bus \(b.id)", busIDs: busIDs, isMaster: false, onBus: true)
            if let o = b.output {
                guard busIDs.contains(o), o != b.id else { throw ControlError("bus \(b.id): output to bus \(o), which is not another bus") }
            }
        }
        for t in p.tracks {
            _ = try Validate.name(t.name)
            try strip(t.strip, "track \(t.id)", busIDs: busIDs, isMaster: false)
            if [t.file != nil, t.input != nil, t.midi != nil].filter({ $0 }).count > 1 {
                throw ControlError("track \(t.id) has more than one of a file, an input and a MIDI file")
            }
            if let program = t.program, !(0...127).contains(program) || t.midi == nil {
                throw ControlError("track \(t.id): program must be a GM program from 0 to 127, on a MIDI track")
            }
            if let role = t.role, MixRole(rawValue: role) == nil {
                throw ControlError("track \(t.id): role \"\(role)\" is not one of \(MixRole.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            if let take = t.take, take < 1 || t.input == nil {
                throw ControlError("track \(t.id): take must be a take number from 1, on an input track")
            }
            if t.armed && t.input == nil { throw ControlError("track \(t.id) is armed but has no input; only input tracks record") }
            if let input = t.input, !(1...inputs).contains(input) {
                throw ControlError("track \(t.id): input must be from 1 to \(inputs), not \(input)")
            }
            if let position = t.position { _ = try Validate.seconds(position, "track \(t.id) position") }
            if let c = t.clip {
                guard t.file != nil || t.take != nil else { throw ControlError("track \(t.id): a clip belongs to a file track, or to the take an input track plays") }
                _ = try Validate.gain(c.gain, "track \(t.id) clip gain")
                for (v, what) in [(c.fadeIn, "fade-in"), (c.fadeOut, "fade-out"), (c.trim, "trim")] { _ = try Validate.seconds(v, "track \(t.id) clip \(what)") }
                if let l = c.length, !(l.isFinite && l > 0) { throw ControlError("track \(t.id): clip length must be more than 0 s") }
            }
        }
        var markerIDs = Set<Int>()
        for m in p.markers {
            guard m.id > 0, m.id < 1_000_000, markerIDs.insert(m.id).inserted else { throw ControlError("marker ids must be distinct, from 1 to 999999; \(m.id) is not") }
            _ = try Validate.name(m.name)
            _ = try Validate.seconds(m.seconds, "marker \(m.id) position")
        }
        let t = p.transport
        _ = try Validate.tempo(t.tempo)
        _ = try Validate.seconds(t.loopStart, "loop start")
        _ = try Validate.seconds(t.loopEnd, "loop end")
        if t.loop && t.loopEnd <= t.loopStart { throw ControlError("loop end must be after loop start") }
    }

    static func strip(_ s: StripSettings, _ what: String, busIDs: Set<Int>, isMaster: Bool, onBus: Bool = false) throws {
        do {
            _ = try Validate.gain(s.gain)
            _ = try Validate.pan(s.pan)
            if isMaster && (s.solo || s.soloSafe || !s.sends.isEmpty) { throw ControlError("the master has no solo or sends") }
            try InsertTable.validate(s)
            if !onBus && (s.reverb.on || s.delay.on || s.inserts.contains(.reverb) || s.inserts.contains(.delay)) {
                throw ControlError("only buses have a reverb and a delay")
            }
            var seen = Set<Int>()
            for send in s.sends {
                guard busIDs.contains(send.bus) else { throw ControlError("send to bus \(send.bus), which does not exist") }
                guard seen.insert(send.bus).inserted else { throw ControlError("two sends to bus \(send.bus)") }
                _ = try Validate.gain(send.gain, "send gain")
            }
        } catch let e as ControlError {
            throw ControlError("\(what): \(e.message)")
        }
    }
}
