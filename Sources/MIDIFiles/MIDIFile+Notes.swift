extension MIDIFile {
    /// Every note of the file, in start order, timed through the tempo map. A note-on
    /// ends at the next note-off of its key and channel (first on, first off); a note
    /// never switched off ends at its track's last event.
    public func notes() -> [MIDINote] {
        let seconds = tempoMap()
        var notes: [MIDINote] = []
        for (index, track) in tracks.enumerated() {
            var open: [Int: [(tick: Int, velocity: Int)]] = [:]
            func close(_ channel: Int, _ key: Int, at tick: Int) {
                guard var started = open[channel << 8 | key], !started.isEmpty else { return }
                let on = started.removeFirst()
                open[channel << 8 | key] = started
                let start = seconds(on.tick, index)
                notes.append(MIDINote(start: start, duration: max(0, seconds(tick, index) - start), key: key,
                                      velocity: on.velocity, channel: channel, track: index))
            }
            for event in track {
                switch event.kind {
                case .noteOn(let channel, let key, let velocity): open[channel << 8 | key, default: []].append((event.tick, velocity))
                case .noteOff(let channel, let key, _): close(channel, key, at: event.tick)
                default: break
                }
            }
            let last = track.last?.tick ?? 0
            for (code, started) in open { for _ in started { close(code >> 8, code & 0xFF, at: last) } }
        }
        return notes.sorted { ($0.start, $0.track, $0.key) < ($1.start, $1.track, $1.key) }
    }

    /// The track names, `""` where a track has none.
    public var trackNames: [String] {
        tracks.map { track in
            for e in track { if case .trackName(let name) = e.kind { return name } }
            return ""
        }
    }

    /// Ticks to seconds. Metrical files follow the tempo events (of every track in
    /// formats 0 and 1; of the track itself in format 2), 120 BPM until the first.
    func tempoMap() -> (Int, Int) -> Double {
        switch division {
        case .smpte(let fps, let ticksPerFrame):
            let rate = (fps == 29 ? 29.97 : Double(fps)) * Double(ticksPerFrame)
            return { tick, _ in Double(tick) / rate }
        case .ticksPerQuarter(let ppq):
            func changes(_ events: [Event]) -> [(tick: Int, micros: Int)] {
                events.compactMap { if case .tempo(let m) = $0.kind { (tick: $0.tick, micros: m) } else { nil } }
            }
            let shared = format == 2 ? [] : tracks.flatMap(changes).sorted { $0.tick < $1.tick }
            let perTrack = format == 2 ? tracks.map(changes) : []
            return { tick, track in
                let map = format == 2 ? perTrack[track] : shared
                var seconds = 0.0, at = 0, micros = 500_000
                for change in map where change.tick < tick {
                    seconds += Double(change.tick - at) * Double(micros) / 1e6 / Double(ppq)
                    at = change.tick
                    micros = change.micros
                }
                return seconds + Double(tick - at) * Double(micros) / 1e6 / Double(ppq)
            }
        }
    }
}

/// A channel message of a file, timed through its tempo map.
public struct TimedMIDIMessage: Sendable, Equatable {
    public var seconds: Double
    public var status: UInt8
    public var data1: UInt8
    public var data2: UInt8
}

extension MIDIFile {
    /// Every channel message of every track (notes, controllers, programs, bends,
    /// pressure), in seconds from the start: what a player sends. Note-ons of velocity
    /// 0 are note-offs already (the reader makes them so).
    public func channelMessages() -> [TimedMIDIMessage] {
        let seconds = tempoMap()
        var out: [TimedMIDIMessage] = []
        for (index, track) in tracks.enumerated() {
            for e in track {
                let t = seconds(e.tick, index)
                switch e.kind {
                case .noteOn(let c, let k, let v):
                    out.append(TimedMIDIMessage(seconds: t, status: 0x90 | UInt8(c & 15), data1: UInt8(k & 127), data2: UInt8(v & 127)))
                case .noteOff(let c, let k, let v):
                    out.append(TimedMIDIMessage(seconds: t, status: 0x80 | UInt8(c & 15), data1: UInt8(k & 127), data2: UInt8(v & 127)))
                case .channel(let status, let data):
                    out.append(TimedMIDIMessage(seconds: t, status: status, data1: data.first ?? 0, data2: data.count > 1 ? data[1] : 0))
                default: break
                }
            }
        }
        return out
    }

    /// Seconds from the start to the last event of any track.
    public var duration: Double {
        let seconds = tempoMap()
        return tracks.enumerated().map { i, t in t.last.map { seconds($0.tick, i) } ?? 0 }.max() ?? 0
    }
}
