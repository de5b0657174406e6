/// Basslines that follow the chords and lock to the kick, in the genre's manner:
/// `kick` (a note on every kick hit, the chord's root, held to the next), `root` (roots
/// on the strong beats), `root8` (driving eighths), `walking` (quarter notes through
/// chord and scale tones, stepping into the next root), `offbeat` (between the beats),
/// `pedal` (long roots).
public enum BassGenerator {
    public static func part(_ slots: [ChordSlot], key: Key, voice: Genre.Voice, kicks: [Double], complexity: Complexity, rng: inout SeededRandom) -> Part {
        var notes: [Note] = []
        let harmonic = Key(tonic: key.tonic, scale: key.scale.harmonic)
        for (i, slot) in slots.enumerated() {
            let root = slot.chord.root(in: key, near: voice.register)
            let fifth = harmonic.key(degree: slot.chord.degree + 4, base: key.tonicKey(near: voice.register - 6))
            let fifthNear = fifth + 12 * Int(((Double(root) - Double(fifth)) / 12).rounded())
            let end = slot.start + slot.length
            let nextRoot = i + 1 < slots.count ? slots[i + 1].chord.root(in: key, near: voice.register) : root
            func add(_ at: Double, _ length: Double, _ key: Int, _ velocity: Int = 100) {
                guard at >= slot.start - 1e-9, at < end - 1e-9 else { return }
                notes.append(Note(start: at, length: max(0.1, min(length, end - at)), key: key, velocity: velocity))
            }
            switch voice.style {
            case "kick":
                let hits = kicks.filter { $0 >= slot.start - 0.06 && $0 < end - 0.06 }
                let times = hits.isEmpty ? [slot.start] : hits
                for (j, t) in times.enumerated() {
                    let next = j + 1 < times.count ? times[j + 1] : end
                    let at = max(slot.start, t)
                    // Later hits of a chord may move to the fifth or the octave.
                    var k = root
                    if j > 0 && complexity != .simple && rng.chance(complexity == .complex ? 0.4 : 0.2) { k = rng.chance(0.5) ? fifthNear : root + 12 }
                    add(at, (next - at) * 0.9, k, j == 0 ? 110 : 96)
                }
            case "root8":
                var t = slot.start
                while t < end - 1e-9 {
                    add(t, 0.45, complexity == .complex && rng.chance(0.15) ? fifthNear : root, t == slot.start ? 108 : 92)
                    t += 0.5
                }
            case "walking":
                // Four quarter notes a bar: root, chord tones or scale steps, then a note
                // a step from the next root.
                let beats = Int(slot.length.rounded())
                var k = root
                for b in 0..<beats {
                    let at = slot.start + Double(b)
                    if b == 0 {
                        k = root
                    } else if b == beats - 1 {
                        k = rng.chance(0.5) ? nextRoot + 1 : nextRoot - 1
                        if !key.contains(k) && !rng.chance(0.5) { k = key.snap(k) }  // a chromatic approach, or a diatonic one
                    } else {
                        let choices = [fifthNear, root + 12 > voice.register + 9 ? root : root + 12, key.snap(k + 2), key.snap(k - 2)]
                        k = choices[Int(rng.next() % UInt64(choices.count))]
                    }
                    add(at, 0.9, k, b == 0 ? 104 : 92)
                }
            case "offbeat":
                var t = slot.start + 0.5
                while t < end - 1e-9 {
                    let k = complexity == .complex && rng.chance(0.3) ? root + 12 : root
                    add(t, 0.4, k, 100)
                    t += 1
                }
                if complexity != .simple { add(slot.start, 0.25, root, 90) }
            case "pedal":
                add(slot.start, slot.length, slots.isEmpty ? root : key.tonicKey(near: voice.register), 80)
            default:  // root
                add(slot.start, min(slot.length, 2) * 0.95, root, 104)
                if slot.length >= 4 { add(slot.start + 2, 1.9, complexity == .simple ? root : fifthNear, 96) }
                if complexity == .complex { add(slot.start + slot.length - 0.5, 0.45, key.snap(nextRoot - 2), 88) }
            }
        }
        return Part(name: "bass", program: voice.program, channel: 2, notes: notes.sorted { $0.start < $1.start })
    }
}
