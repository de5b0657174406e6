import XCTest
import MIDIFiles
@testable import Generation

/// Harmony, bass, melody and songs, measured: keys and scales, chords under the bass,
/// the bass on the kick, melody notes in the scale, motifs that come back, harmony
/// voices a third away, songs with their sections; all repeatable per seed.
final class MusicGeneratorTests: XCTestCase {
    static let library = try! GenreLibrary(folder: presets + "/genres")
    static let models = try! LearnedModels(folder: presets + "/models")

    func request(_ genre: String, key: String? = nil, scale: String? = nil, bars: Int = 8, complexity: Complexity = .medium, seed: UInt64 = 1) throws -> MusicRequest {
        try MusicRequest(genre: Self.library.genre(genre), key: key, scale: scale, bars: bars, complexity: complexity, seed: seed)
    }

    func testKeysAndScalesParseAndBadOnesSayWhatIsAllowed() throws {
        XCTAssertEqual(try Key.parse("F#", scale: "dorian"), Key(tonic: 6, scale: .dorian))
        XCTAssertEqual(try Key.parse("Am", scale: nil), Key(tonic: 9, scale: .minor))
        XCTAssertEqual(try Key.parse("Bb", scale: nil), Key(tonic: 10, scale: .major))
        XCTAssertThrowsError(try Key.parse("H", scale: nil)) { XCTAssertTrue("\($0)".contains("allowed: C, C#")) }
        XCTAssertThrowsError(try Key.parse("C", scale: "bebop")) { XCTAssertTrue("\($0)".contains("pentatonic-minor")) }
        XCTAssertEqual(Key(tonic: 2, scale: .major).signature.accidentals, 2)
        XCTAssertEqual(Key(tonic: 9, scale: .minor).signature.accidentals, 0)
        XCTAssertEqual(Key(tonic: 5, scale: .minor).signature.accidentals, -4)
        XCTAssertEqual(Key(tonic: 2, scale: .dorian).signature.accidentals, 0)
    }

    func testEveryMelodyNoteIsInTheScaleUnlessTheGenrePassesChromatically() throws {
        for genre in Self.library.names {
            for (key, scale) in [("C", "major"), ("A", "minor"), ("D", "dorian"), ("E", "pentatonic-minor"), ("G", "blues")] {
                let r = try request(genre, key: key, scale: scale, bars: 16, complexity: .complex, seed: 3)
                let (a, chromatic) = PartGenerator.generate("melody", r, models: Self.models)
                let outside = a.parts[0].notes.filter { !r.key.contains($0.key) }.count
                XCTAssertEqual(outside, chromatic, "\(genre) in \(key) \(scale)")
                if Self.library.genres[genre]!.melody.chromatic != true { XCTAssertEqual(outside, 0, genre) }
                XCTAssertGreaterThan(a.parts[0].notes.count, 16, genre)
            }
        }
    }

    func testTheMotifComesBackAndPhrasesEndOnTheTonic() throws {
        for genre in ["pop", "hip-hop", "reggae"] {
            let r = try request(genre, key: "G", bars: 8, seed: 11)
            let notes = PartGenerator.generate("melody", r, models: Self.models).arrangement.parts[0].notes
            func bar(_ b: Int) -> [Note] { notes.filter { $0.start >= Double(b * 4) - 1e-9 && $0.start < Double(b * 4 + 4) - 1e-9 } }
            // Bar 2 plays bar 1's rhythm and contour (its intervals), moved to fit its chord.
            let rhythm = { (ns: [Note]) in ns.map { $0.start.truncatingRemainder(dividingBy: 4) } }
            XCTAssertEqual(rhythm(bar(0)), rhythm(bar(1)), genre)
            XCTAssertEqual(rhythm(bar(0)), rhythm(bar(4)), genre)
            // Each four-bar phrase ends on the tonic.
            for phraseEnd in [3, 7] {
                XCTAssertEqual(((bar(phraseEnd).last!.key - 7) % 12 + 12) % 12, 0, "\(genre) bar \(phraseEnd + 1)")
            }
        }
    }

    func testTheBassPlaysTheChordRootsOnTheKick() throws {
        for genre in ["trap", "hip-hop", "lo-fi", "latin"] {
            let r = try request(genre, key: "D", scale: "minor", bars: 8, seed: 5)
            var rng = SeededRandom(seed: r.seed), chordRng = rng.fork(1)
            let slots = PartGenerator.chordSlots(r, models: Self.models, rng: &chordRng)
            let bass = PartGenerator.generate("bass", r, models: Self.models).arrangement.parts[0].notes
            let kicks = BeatGenerator.generate(r.beat).kicks
            let onKick = bass.filter { n in kicks.contains { abs($0 - n.start) < 0.07 } || n.start.truncatingRemainder(dividingBy: 4) == 0 }
            XCTAssertGreaterThan(Double(onKick.count) / Double(bass.count), 0.95, genre)
            // The first note under each chord is its root.
            for slot in slots {
                guard let first = bass.first(where: { $0.start >= slot.start - 1e-9 && $0.start < slot.start + slot.length }) else { continue }
                XCTAssertEqual(((first.key % 12) + 12) % 12, ((slot.chord.root(in: r.key, near: 40) % 12) + 12) % 12, genre)
            }
        }
    }

    func testChordsFollowTheGenreOrTheLearnedModelAndStayInKey() throws {
        let r = try request("pop", key: "E", bars: 8, seed: 2)
        let chords = PartGenerator.generate("chords", r, models: Self.models).arrangement.parts[0]
        XCTAssertTrue(chords.notes.allSatisfy { r.key.contains($0.key) })
        var rng = SeededRandom(seed: 9)
        var learned = 0
        for _ in 0..<50 {
            var g = Self.library.genres["pop"]!
            g.harmony.idiom = 0  // always the learned model
            let p = ChordGenerator.progression(genre: g, key: r.key, models: Self.models, rng: &rng)
            XCTAssertEqual(p.count, 4)
            XCTAssertEqual(p[0].degree, 0)
            XCTAssertTrue([4, 3, 6, 1].contains(p[3].degree))
            learned += 1
        }
        XCTAssertEqual(learned, 50)
    }

    func testHarmonyVoicesAThirdOrASixthBelow() throws {
        let key = Key(tonic: 0, scale: .major)
        let melody = [60, 62, 64, 65, 67, 69, 71, 72].enumerated().map { Note(start: Double($0.offset), length: 1, key: $0.element, velocity: 90) }
        let thirds = HarmonyGenerator.part(for: melody, key: key, interval: .third, meter: .common, program: 52).notes.map(\.key)
        XCTAssertEqual(thirds, [57, 59, 60, 62, 64, 65, 67, 69])
        let sixths = HarmonyGenerator.part(for: melody, key: key, interval: .sixth, meter: .common, program: 52).notes.map(\.key)
        XCTAssertEqual(sixths, [52, 53, 55, 57, 59, 60, 62, 64])
        let chordTones = HarmonyGenerator.part(for: melody, key: key, interval: .chord, meter: .common, program: 52)
        XCTAssertTrue(chordTones.notes.allSatisfy { key.contains($0.key) })
    }

    func testSongsHaveTheirSectionsAndAreRepeatable() throws {
        let r = try MusicRequest(genre: Self.library.genre("rock"), key: "A", bars: 32, seed: 4, allowedBars: [32])
        let sections = try SongGenerator.structure(bars: 32)
        XCTAssertEqual(sections.map(\.name), ["intro", "verse", "chorus", "bridge", "chorus", "outro"])
        XCTAssertEqual(sections.reduce(0) { $0 + $1.bars }, 32)
        let a = SongGenerator.generate(r, structure: sections, models: Self.models).arrangement
        let b = SongGenerator.generate(r, structure: sections, models: Self.models).arrangement
        XCTAssertEqual(a, b)
        XCTAssertEqual(a.parts.map(\.name), ["drums", "chords", "bass", "melody"])
        XCTAssertEqual(a.sections.map(\.bar), [0, 2, 10, 18, 22, 30])
        // No melody in the intro; the two choruses open with the same motif.
        let melody = a.parts[3].notes
        XCTAssertFalse(melody.contains { $0.start < 8 })
        let chorus1 = melody.filter { $0.start >= 40 && $0.start < 44 }.map { [$0.start - 40, Double($0.key)] }
        let chorus2 = melody.filter { $0.start >= 88 && $0.start < 92 }.map { [$0.start - 88, Double($0.key)] }
        XCTAssertEqual(chorus1.map { $0[0] }, chorus2.map { $0[0] })
        // A crash opens every section after the first; it ends on the tonic chord.
        for bar in [2, 10, 18, 22, 30] { XCTAssertTrue(a.parts[0].notes.contains { $0.key == 49 && abs($0.start - Double(bar * 4)) < 0.3 }, "bar \(bar)") }
        let lastChord = a.parts[1].notes.filter { $0.start >= 31 * 4 }.map { (($0.key - 9) % 12 + 12) % 12 }
        XCTAssertTrue(lastChord.contains(0))
        XCTAssertThrowsError(try SongGenerator.structure("intro:4,solo:8")) { XCTAssertTrue("\($0)".contains("intro, verse, chorus, bridge, outro")) }
        let other = SongGenerator.generate(try MusicRequest(genre: Self.library.genre("rock"), key: "A", bars: 32, seed: 5, allowedBars: [32]), structure: sections, models: Self.models).arrangement
        XCTAssertNotEqual(a.parts[3].notes, other.parts[3].notes)
    }

    func testAGenreFileWithBadDataSaysWhatIsWrong() throws {
        var g = Self.library.genres["pop"]!
        g.tempo = [50, 300]
        g.instruments![0].steps = [2]
        g.swing = 0.9
        let problems = g.problems().joined(separator: "; ")
        XCTAssertTrue(problems.contains("60 … 200"))
        XCTAssertTrue(problems.contains("16 probabilities"))
        XCTAssertTrue(problems.contains("swing"))
    }
}
