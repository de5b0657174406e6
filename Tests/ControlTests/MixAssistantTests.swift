import Analysis
import AudioFiles
import Engine
import Foundation
import MIDIFiles
import Synth
import XCTest
@testable import Control

/// The mix assistant on a multitrack made here with known problems: a bass masking
/// the kick, a vocal 10 dB too quiet, a synth clipping, everything in the centre. Each
/// problem is found; applied, the mix measured again no longer has it; undo puts the
/// controls back; auto-level reaches −14 LUFS without going over −1 dBTP.
final class MixAssistantTests: XCTestCase {
    var root: URL!
    var session: Session!
    let rate = 48000.0
    let seconds = 8.0
    var ids: [String: Int] = [:]

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("dawg-mix-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let engine = EngineHandle(config: EngineConfig(sampleRate: rate, maxFrames: 1024, maxStrips: 16, maxBuses: 4, inputs: 2))
        session = Session(engine: engine, paths: try ProjectPaths(directory: root.path))
        let n = Int(seconds * rate)
        func tone(_ hz: (Double) -> Double, harmonics: Int, amplitude: Double, envelope: (Double) -> Double = { _ in 1 }) -> [Float] {
            var phase = 0.0
            return (0..<n).map { i in
                let t = Double(i) / rate
                phase += 2 * .pi * hz(t) / rate
                var s = 0.0
                for h in 1...harmonics { s += sin(Double(h) * phase) / Double(h) }
                return Float(amplitude * envelope(t) * s)
            }
        }
        let notes = [55.0, 65.41, 73.42, 82.41]
        let tracks: [(String, [Float], Float)] = [
            // Hits every half second: a sine gliding 110 → 50 Hz.
            ("kick", (0..<n).map { i in
                let t = Double(i) / rate, u = t.truncatingRemainder(dividingBy: 0.5)
                let phase = 2 * .pi * (50 * u + 60 * 0.03 * (1 - exp(-u / 0.03)))
                return Float(0.9 * sin(phase) * exp(-u / 0.15))
            }, 0),
            ("bass", tone({ notes[Int($0 / 0.5) % 4] }, harmonics: 3, amplitude: 0.45), 0),
            ("lead vox", tone({ [220.0, 247, 262, 294][Int($0) % 4] * (1 + 0.01 * sin(2 * .pi * 5.5 * $0)) }, harmonics: 10,
                              amplitude: 0.3 * pow(10, -10.0 / 20)), 0),
            ("gtr", tone({ [196.0, 247, 294][Int($0 * 4) % 3] }, harmonics: 6, amplitude: 0.2), 0),
            ("keys", tone({ [523.0, 659, 784][Int($0 * 2) % 3] }, harmonics: 5, amplitude: 0.15), 0),
            ("synth", tone({ _ in 440 }, harmonics: 8, amplitude: 0.35), 8),  // +8 dB on a hot file: clips
        ]
        for (name, samples, gain) in tracks {
            try AudioFileWriter.writeWAV(path: root.appendingPathComponent("\(name).wav").path, channels: [samples], sampleRate: Int(rate))
            let id = try session.addTrack(name: name)
            try session.loadFile(track: id, path: "\(name).wav")
            if gain != 0 { try session.set(.gain, of: .track(id), to: gain) }
            ids[name] = id
        }
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: root) }

    func suggestion(_ r: MixReport, _ kind: MixSuggestion.Kind, track: Int) -> MixSuggestion? {
        r.suggestions.first { $0.kind == kind && $0.tracks.first == track }
    }

    func testEachKnownProblemIsFoundAndGoneOnceItsSuggestionIsApplied() throws {
        let first = try session.suggestMix()
        XCTAssertEqual(Dictionary(uniqueKeysWithValues: first.tracks.map { ($0.name, $0.role) }),
                       ["kick": .kick, "bass": .bass, "lead vox": .vocal, "gtr": .guitar, "keys": .keys, "synth": .keys])
        // The vocal, 10 dB down.
        let vocal = try XCTUnwrap(suggestion(first, .level, track: ids["lead vox"]!), "\(first.suggestions.map(\.problem))")
        XCTAssertGreaterThan(vocal.moves[0].value, 6, "raised by about the 10 dB it lacks")
        // The synth over 0 dBTP.
        let clip = try XCTUnwrap(suggestion(first, .clipping, track: ids["synth"]!))
        XCTAssertGreaterThan(clip.measured["true_peak_dbtp"]!, 0)
        // The bass masking the kick: the bass gives way, with a bell where they collide.
        let mask = try XCTUnwrap(first.suggestions.first { $0.kind == .masking && Set($0.tracks) == [ids["kick"]!, ids["bass"]!] })
        XCTAssertEqual(mask.tracks.first, ids["bass"], "the kick keeps its space")
        XCTAssertTrue((40...125).contains(mask.measured["band_hz"]!), "\(mask.measured)")
        // Everything in the centre: spread what need not be there.
        let pan = try XCTUnwrap(first.suggestions.first { $0.kind == .pan })
        XCTAssertEqual(Set(pan.tracks), [ids["gtr"]!, ids["keys"]!, ids["synth"]!], "vocal, kick and bass stay in the middle")

        for s in [vocal, clip, mask, pan] { XCTAssertFalse(try session.applyMixSuggestion(s.id).isEmpty) }
        let again = try session.suggestMix()
        XCTAssertNil(suggestion(again, .level, track: ids["lead vox"]!), "the vocal sits in the balance")
        XCTAssertNil(suggestion(again, .clipping, track: ids["synth"]!))
        XCTAssertLessThanOrEqual(try XCTUnwrap(again.tracks.first { $0.name == "synth" }).measure.truePeak, -1)
        XCTAssertNil(again.suggestions.first { $0.kind == .pan })
        // Masking measured again through the bass's new EQ: less shared than before.
        let kick = try XCTUnwrap(again.tracks.first { $0.name == "kick" }), bass = try XCTUnwrap(again.tracks.first { $0.name == "bass" })
        let after = MixAdvisor.masking(kick.measure.bandPower, bass.measure.bandPower, centres: kick.measure.bandCentres).share
        XCTAssertLessThan(after, mask.measured["masking"]! * 0.8, "masking energy down")
        XCTAssertTrue(try session.strip(.track(ids["bass"]!)).eq.on)
    }

    func testUndoPutsBackWhatEachStepReplaced() throws {
        let report = try session.suggestMix()
        let vocal = try XCTUnwrap(suggestion(report, .level, track: ids["lead vox"]!))
        let pan = try XCTUnwrap(report.suggestions.first { $0.kind == .pan })
        _ = try session.applyMixSuggestion(vocal.id)
        _ = try session.applyMixSuggestion(pan.id)
        XCTAssertNotEqual(try session.get(.pan, of: .track(ids["gtr"]!)), 0)
        _ = try session.undoMix()
        XCTAssertEqual(try session.get(.pan, of: .track(ids["gtr"]!)), 0)
        XCTAssertEqual(Double(try session.get(.gain, of: .track(ids["lead vox"]!))), vocal.moves[0].value, accuracy: 0.01)
        _ = try session.undoMix()
        XCTAssertEqual(try session.get(.gain, of: .track(ids["lead vox"]!)), 0)
        XCTAssertThrowsError(try session.undoMix())
        XCTAssertThrowsError(try session.applyMixSuggestion(999))
    }

    func testAutoLevelReachesTheTargetWithoutGoingOverTheCeiling() throws {
        let report = try session.autoLevel()
        XCTAssertEqual(report.after["integrated_lufs"]!!, -14, accuracy: 0.2)
        XCTAssertLessThanOrEqual(report.after["true_peak_dbtp"]!!, -1)
        // Measured again from the session as it now stands.
        let mix = try XCTUnwrap(try session.suggestMix().mix)
        XCTAssertLessThanOrEqual(mix.integrated!, -13.8)
        XCTAssertLessThanOrEqual(mix.truePeak, -0.95)
        let balanced = MixAdvisor.balancedGains(try session.mixSources().map { session.mixTrack($0) })
        XCTAssertTrue(balanced.values.allSatisfy { abs($0.offset) < 1 }, "every track at its place: \(balanced)")
        XCTAssertThrowsError(try session.autoLevel(target: 3))
        _ = try session.undoMix()
        XCTAssertEqual(try session.get(.gain, of: .track(ids["synth"]!)), 8)
        XCTAssertEqual(try session.get(.gain, of: .master), 0)
    }

    func testADryVocalGetsASendToTheReverbAndUndoSilencesIt() throws {
        let bus = try session.addBus(name: "verb")
        try session.setInsert(.bus(bus), .reverb, "on", .number(1))
        let report = try session.suggestMix()
        let send = try XCTUnwrap(report.suggestions.first { $0.kind == .send }, "\(report.suggestions.map(\.problem))")
        XCTAssertEqual(send.tracks, [ids["lead vox"]!])
        _ = try session.applyMixSuggestion(send.id)
        XCTAssertEqual(try session.send(from: .track(ids["lead vox"]!), to: bus).0, -12)
        XCTAssertNil(try session.suggestMix().suggestions.first { $0.kind == .send })
        _ = try session.undoMix()
        XCTAssertEqual(try session.send(from: .track(ids["lead vox"]!), to: bus).0, -.infinity, "a send that was not there is silenced")
    }

    func testASilencedTrackIsLeftOutAndTheReportStillEncodes() throws {
        try session.set(.gain, of: .track(ids["keys"]!), to: -Float.infinity)
        let report = try session.suggestMix()
        XCTAssertFalse(report.suggestions.contains { $0.tracks.first == ids["keys"] })
        let json = FileAnalysis.json(report, summary: false)
        XCTAssertTrue(json.contains("\"gain_db\":null"), json.prefix(300).description)
    }

    func testASessionWithNothingToMeasureSaysSo() throws {
        let engine = EngineHandle(config: EngineConfig(sampleRate: rate, maxFrames: 1024, maxStrips: 16, maxBuses: 4, inputs: 2))
        let empty = Session(engine: engine, paths: try ProjectPaths(directory: root.path))
        _ = try empty.addTrack(name: "mic")
        XCTAssertTrue(try empty.suggestMix().suggestions.isEmpty)
        XCTAssertThrowsError(try empty.autoLevel())
    }

    /// A MIDI track is measured as the engine plays it: its own synth's render, with the
    /// program the track chose, measures as loud as the engine's offline render of the
    /// track alone; and auto-level sets its fader with the others.
    func testAMIDITrackIsMeasuredAsTheEnginePlaysIt() throws {
        guard (try? SoundFonts.generalMIDI()) != nil else { throw XCTSkip("no General MIDI SoundFont") }
        let chords = (0..<6).flatMap { bar in
            [48, 52, 55, 60].map { MIDINote(start: Double(bar), duration: 0.95, key: $0 + (bar % 2) * 5, velocity: 80) }
        }
        try MIDIFile(notes: chords).write(to: root.appendingPathComponent("pad.mid").path)
        func midiSession(_ dir: String) throws -> (Session, Int) {
            let engine = EngineHandle(config: EngineConfig(sampleRate: rate, maxFrames: 1024, maxStrips: 16, maxBuses: 4, inputs: 2))
            let s = Session(engine: engine, paths: try ProjectPaths(directory: dir))
            let id = try s.addTrack(name: "pad")
            try s.loadMIDI(track: id, path: "pad.mid")
            try s.setProgram(track: id, program: 48)  // strings
            return (s, id)
        }
        let (alone, id) = try midiSession(root.path)
        let measured = try XCTUnwrap(try alone.suggestMix().tracks.first { $0.id == id }, "the MIDI track is measured")
        let played = try alone.renderOffline(seconds: 8)
        let heard = alone.withBuffers([played.left, played.right]) { TrackMeasure.measure($0, sampleRate: rate) }
        let (m, e) = (try XCTUnwrap(measured.measure.integrated), try XCTUnwrap(heard.integrated))
        XCTAssertLessThan(m, -10, "a pad, not silence or a clip: \(m) LUFS")
        XCTAssertGreaterThan(m, -45)
        XCTAssertEqual(m, e, accuracy: 0.5, "the assistant's render against the engine's")

        // Beside the file tracks, auto-level moves its fader too.
        let id2 = try session.addTrack(name: "strings")
        try session.loadMIDI(track: id2, path: "pad.mid")
        let levelled = try session.autoLevel()
        XCTAssertNotNil(levelled.gains["\(id2)"], "\(levelled.gains)")
    }

    /// A track is measured as its clip plays it: 6 dB of clip gain is 6 LU less, and a
    /// trim to its first two seconds is measured over those alone.
    func testATracksClipEditsAreMeasured() throws {
        let keys = ids["keys"]!
        func measured() throws -> TrackMeasure { try XCTUnwrap(try session.suggestMix().tracks.first { $0.id == keys }).measure }
        let plain = try measured()
        _ = try session.editClip(track: keys, clip: 1, .gain(-6))
        let quieter = try measured()
        XCTAssertEqual(try XCTUnwrap(quieter.integrated), try XCTUnwrap(plain.integrated) - 6, accuracy: 0.05)
        _ = try session.editClip(track: keys, clip: 1, .trim(start: 0, length: 2))
        let sources = try session.mixSources()
        XCTAssertEqual(try XCTUnwrap(sources.first { $0.track.id == keys }).frames, Int(2 * rate), "the trimmed stretch alone")
    }
}
