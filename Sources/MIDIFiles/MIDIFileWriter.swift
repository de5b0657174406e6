import Foundation

extension MIDIFile {
    /// A format 0 file of `notes` at a steady `bpm` (480 ticks per quarter note), each
    /// note on its own channel as given.
    public init(notes: [MIDINote], bpm: Double = 120, name: String? = nil) {
        let ppq = 480, ticksPerSecond = Double(ppq) * bpm / 60
        var events: [Event] = [Event(tick: 0, .tempo(Int((60_000_000 / bpm).rounded())))]
        if let name { events.append(Event(tick: 0, .trackName(name))) }
        var timed: [Event] = []
        for n in notes {
            let on = Int((n.start * ticksPerSecond).rounded()), off = Int((n.end * ticksPerSecond).rounded())
            timed.append(Event(tick: on, .noteOn(channel: n.channel, key: n.key, velocity: max(1, n.velocity))))
            timed.append(Event(tick: off, .noteOff(channel: n.channel, key: n.key, velocity: 0)))
        }
        // Offs before ons at the same tick, so a repeated key is not cut short.
        func rank(_ e: Event) -> Int { if case .noteOff = e.kind { 0 } else { 1 } }
        timed.sort { ($0.tick, rank($0)) < ($1.tick, rank($1)) }
        events += timed
        events.append(Event(tick: (timed.last?.tick ?? 0), .endOfTrack))
        self.init(format: 0, division: .ticksPerQuarter(ppq), tracks: [events])
    }

    /// The file's bytes (running status is not used: every event has its status).
    public func bytes() -> [UInt8] {
        var out: [UInt8] = Array("MThd".utf8) + be(6, 4) + be(format, 2) + be(tracks.count, 2)
        switch division {
        case .ticksPerQuarter(let ppq): out += be(ppq, 2)
        case .smpte(let fps, let tpf): out += [UInt8(bitPattern: Int8(-fps)), UInt8(tpf)]
        }
        for track in tracks {
            var body: [UInt8] = []
            var last = 0
            for e in track {
                body += variableLength(max(0, e.tick - last))
                last = max(last, e.tick)
                switch e.kind {
                case .noteOn(let c, let k, let v): body += [0x90 | UInt8(c & 15), UInt8(k & 127), UInt8(v & 127)]
                case .noteOff(let c, let k, let v): body += [0x80 | UInt8(c & 15), UInt8(k & 127), UInt8(v & 127)]
                case .channel(let status, let data): body += [status] + data
                case .tempo(let m): body += [0xFF, 0x51, 3] + be(m, 3)
                case .trackName(let s): body += [0xFF, 0x03] + variableLength(s.utf8.count) + Array(s.utf8)
                case .endOfTrack: body += [0xFF, 0x2F, 0]
                case .meta(let type, let data): body += [0xFF, type] + variableLength(data.count) + data
                case .sysex(let data): body += [0xF0] + variableLength(data.count) + data
                }
            }
            out += Array("MTrk".utf8) + be(body.count, 4) + body
        }
        return out
    }

    public func write(to path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes())) else {
            throw MIDIFileError("\(path): cannot write it")
        }
    }
}

private func be(_ value: Int, _ count: Int) -> [UInt8] {
    (0..<count).reversed().map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
}

private func variableLength(_ value: Int) -> [UInt8] {
    var out = [UInt8(value & 0x7F)]
    var v = value >> 7
    while v > 0 {
        out.insert(UInt8(v & 0x7F) | 0x80, at: 0)
        v >>= 7
    }
    return out
}
