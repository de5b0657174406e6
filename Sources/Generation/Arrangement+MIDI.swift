import MIDIFiles

extension Arrangement {
    public static let ticksPerQuarter = 480

    /// A Standard MIDI File, type 1: a conductor track (name, tempo, time and key
    /// signature, section markers), then one track per part with its name, its GM
    /// program and its notes on its channel — drums on channel 10.
    public func midiFile(title: String) -> MIDIFile {
        let ppq = Self.ticksPerQuarter
        func ticks(_ beats: Double) -> Int { max(0, Int((beats * Double(ppq)).rounded())) }
        let end = ticks(beats)
        let signature = key.signature
        var conductor: [MIDIFile.Event] = [
            .init(tick: 0, .trackName(title)),
            .init(tick: 0, .tempo(Int((60_000_000 / bpm).rounded()))),
            .init(tick: 0, .meta(type: 0x58, data: [UInt8(meter.beatsPerBar), 2, 24, 8])),
            .init(tick: 0, .meta(type: 0x59, data: [UInt8(bitPattern: Int8(signature.accidentals)), signature.minor ? 1 : 0])),
        ]
        for s in sections { conductor.append(.init(tick: ticks(Double(s.bar * meter.beatsPerBar)), .meta(type: 0x06, data: Array(s.name.utf8)))) }
        conductor.append(.init(tick: end, .endOfTrack))
        var tracks = [conductor]
        for part in parts {
            var events: [MIDIFile.Event] = [
                .init(tick: 0, .trackName(part.name)),
                .init(tick: 0, .channel(status: 0xC0 | UInt8(part.channel), data: [UInt8(part.program & 127)])),
            ]
            var timed: [(tick: Int, rank: Int, event: MIDIFile.Event)] = []
            for n in part.notes {
                let on = ticks(n.start), off = max(on + 1, ticks(n.end))
                timed.append((on, 1, .init(tick: on, .noteOn(channel: part.channel, key: n.key, velocity: max(1, min(127, n.velocity))))))
                timed.append((off, 0, .init(tick: off, .noteOff(channel: part.channel, key: n.key, velocity: 0))))
            }
            // Offs before ons at one tick: a repeated key is not cut short.
            timed.sort { ($0.tick, $0.rank) < ($1.tick, $1.rank) }
            events += timed.map(\.event)
            events.append(.init(tick: max(end, timed.last?.tick ?? 0), .endOfTrack))
            tracks.append(events)
        }
        return MIDIFile(format: 1, division: .ticksPerQuarter(ppq), tracks: tracks)
    }
}
