import MIDIFiles

/// A second voice for a melody: a diatonic third or sixth below it, or the nearest
/// chord tone below (the chords given, or found from the melody bar by bar).
public enum HarmonyGenerator {
    public enum Interval: String, CaseIterable, Sendable {
        case third, sixth, chord, thirdAbove = "third-above"

        public static func named(_ text: String) throws -> Interval {
            guard let i = Interval(rawValue: text.lowercased()) else {
                throw GenerationError("unknown harmony \"\(text)\"; allowed: \(allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return i
        }
    }

    public static func part(for melody: [Note], key: Key, interval: Interval, chords: [ChordSlot]? = nil, meter: Meter, program: Int) -> Part {
        let harmonic = Key(tonic: key.tonic, scale: key.scale.harmonic)
        let slots = chords ?? inferChords(melody, key: key, meter: meter)
        var notes: [Note] = []
        for n in melody {
            let step = nearestStep(n.key, in: harmonic)
            var k: Int
            switch interval {
            case .third: k = harmonic.key(degree: step - 2, base: key.tonic)
            case .thirdAbove: k = harmonic.key(degree: step + 2, base: key.tonic)
            case .sixth: k = harmonic.key(degree: step - 5, base: key.tonic)
            case .chord:
                let tones = slots.last { $0.start <= n.start + 1e-9 }?.chord.pitchClasses(in: key) ?? [key.tonic]
                k = n.key - 3
                while !tones.contains(((k % 12) + 12) % 12) && k > n.key - 12 { k -= 1 }
            }
            // Into the scale asked for (a pentatonic melody gets a pentatonic second voice).
            k = key.snap(k)
            if k == n.key { k = key.snap(k - 3) }
            notes.append(Note(start: n.start, length: n.length, key: k, velocity: max(1, n.velocity - 12)))
        }
        return Part(name: "harmony", program: program, channel: 4, notes: notes)
    }

    /// The scale step (from the tonic at MIDI 0) nearest `midi`.
    static func nearestStep(_ midi: Int, in key: Key) -> Int {
        let snapped = key.snap(midi)
        let octave = Int((Double(snapped - key.tonic) / 12).rounded(.down))
        let pc = ((snapped - key.tonic) % 12 + 12) % 12
        return octave * key.scale.intervals.count + (key.scale.intervals.firstIndex(of: pc) ?? 0)
    }

    /// A chord a bar: the diatonic triad whose tones the bar's melody sounds longest.
    public static func inferChords(_ melody: [Note], key: Key, meter: Meter) -> [ChordSlot] {
        let beats = Double(meter.beatsPerBar)
        let bars = Int(((melody.map(\.end).max() ?? 0) / beats).rounded(.up))
        return (0..<max(1, bars)).map { bar in
            let from = Double(bar) * beats, to = from + beats
            let best = (0..<7).max { a, b in
                score(Chord(degree: a), melody, key, from, to) + (a == 0 ? 0.01 : 0) < score(Chord(degree: b), melody, key, from, to) + (b == 0 ? 0.01 : 0)
            } ?? 0
            return ChordSlot(start: from, length: beats, chord: Chord(degree: best))
        }
    }

    static func score(_ chord: Chord, _ melody: [Note], _ key: Key, _ from: Double, _ to: Double) -> Double {
        let tones = chord.pitchClasses(in: key)
        return melody.reduce(0) { sum, n in
            let overlap = max(0, min(n.end, to) - max(n.start, from))
            return sum + (tones.contains(((n.key % 12) + 12) % 12) ? overlap : -overlap / 2)
        }
    }
}

extension HarmonyGenerator {
    /// A harmony voice for the melody of `file` — the notes of its first track with notes
    /// off channel 10, in beats at the file's first tempo (120 BPM without one) — as an
    /// arrangement at that tempo, with the melody itself first when `withMelody`.
    /// `source` names the file in the error when it holds no melody.
    public static func arrangement(
        harmonising file: MIDIFile, source: String, key: Key, interval: Interval, program: Int, withMelody: Bool
    ) throws -> Arrangement {
        let notes = file.notes()
        guard let track = notes.first(where: { $0.channel != 9 })?.track else {
            throw GenerationError("\(source) has no melody (no notes off channel 10)")
        }
        let bpm = file.tracks.joined().lazy.compactMap { if case .tempo(let m) = $0.kind { 60_000_000 / Double(m) } else { nil } }.first ?? 120
        let melody = notes.filter { $0.track == track && $0.channel != 9 }.map {
            Note(start: $0.start * bpm / 60, length: $0.duration * bpm / 60, key: $0.key, velocity: $0.velocity)
        }
        let harmony = part(for: melody, key: key, interval: interval, meter: .common, program: program)
        let bars = Int(((melody.map(\.end).max() ?? 4) / 4).rounded(.up))
        let parts = withMelody ? [Part(name: "melody", program: 0, channel: 3, notes: melody), harmony] : [harmony]
        return Arrangement(bpm: bpm, meter: .common, key: key, bars: max(1, bars), parts: parts)
    }
}
