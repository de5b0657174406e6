import MIDIFiles

/// A reference melody: one line of notes, each ending where the next begins at the
/// latest, so "the note at time t" has one answer.
public struct Melody: Sendable, Equatable {
    public private(set) var notes: [MIDINote]

    /// The melody of a MIDI file: track `track` (a track chunk index) if given, else the
    /// first track whose notes are not drums (channel 10); chords are reduced to their
    /// top note.
    public init(file: MIDIFile, track: Int? = nil) throws {
        let all = file.notes()
        let chosen: [MIDINote]
        if let track {
            guard track >= 0 && track < file.tracks.count else {
                throw CoachError("the reference has tracks 0 … \(file.tracks.count - 1), not \(track)")
            }
            chosen = all.filter { $0.track == track }
        } else {
            let melodic = all.filter { $0.channel != 9 }
            let first = melodic.map(\.track).min()
            chosen = melodic.filter { $0.track == first }
        }
        guard !chosen.isEmpty else { throw CoachError("the reference has no notes to sing") }
        self.init(notes: chosen)
    }

    public init(notes: [MIDINote]) {
        // Top note of simultaneous starts; a note is cut where the next one begins.
        var line: [MIDINote] = []
        for n in notes.sorted(by: { ($0.start, -$0.key) < ($1.start, -$1.key) }) where n.duration > 0 {
            if let last = line.last, abs(last.start - n.start) < 0.005 { continue }
            if let last = line.last, last.end > n.start { line[line.count - 1].duration = n.start - last.start }
            line.append(n)
        }
        self.notes = line
    }

    /// The note sounding at `time` seconds, if any (binary search).
    public func note(at time: Double) -> MIDINote? {
        var lo = 0, hi = notes.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if notes[mid].start <= time { lo = mid + 1 } else { hi = mid }
        }
        guard lo > 0, time < notes[lo - 1].end else { return nil }
        return notes[lo - 1]
    }

    public var duration: Double { notes.last?.end ?? 0 }
}
