import DSP
import Foundation
import XCTest
@testable import Analysis

/// Tempo, beats, bars, onsets, key and spectral features on signals made here with
/// exact answers: click tracks, synthetic drum patterns (swung too), additive chord
/// progressions in known keys, sines and noise at known levels.
final class MusicAnalysisTests: XCTestCase {
    let rate = 44100.0

    func analyse(_ x: [Float], rate: Double = 44100) -> MusicAnalyzer.Result {
        let a = MusicAnalyzer(sampleRate: rate)
        var i = 0
        while i < x.count {  // odd block sizes, as files arrive
            let n = min(3001, x.count - i)
            x[i..<(i + n)].withUnsafeBufferPointer { a.push($0) }
            i += n
        }
        return a.finish()
    }

    /// A deterministic noise source (xorshift), −1 … 1.
    struct Noise {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        mutating func next() -> Float {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return Float(Int64(bitPattern: state) >> 11) / Float(1 << 52)
        }
    }

    func silence(_ seconds: Double) -> [Float] { [Float](repeating: 0, count: Int(seconds * rate)) }

    func add(_ sound: [Float], at seconds: Double, into x: inout [Float], gain: Float = 1) {
        let start = Int((seconds * rate).rounded())
        for (i, s) in sound.enumerated() where start + i < x.count { x[start + i] += gain * s }
    }

    /// A wood-block-like click: 1.5 kHz, 20 ms decay.
    lazy var click: [Float] = (0..<Int(0.05 * rate)).map { i in
        let t = Double(i) / rate
        return Float(sin(2 * .pi * 1500 * t) * exp(-t / 0.02))
    }

    /// Kick: a sine gliding from 120 to 50 Hz over 150 ms.
    lazy var kick: [Float] = {
        var phase = 0.0
        return (0..<Int(0.2 * rate)).map { i in
            let t = Double(i) / rate
            phase += 2 * .pi * (50 + 70 * exp(-t / 0.03)) / rate
            return Float(sin(phase) * exp(-t / 0.08))
        }
    }()

    lazy var snare: [Float] = {
        var noise = Noise()
        return (0..<Int(0.15 * rate)).map { i in
            let t = Double(i) / rate
            return Float(exp(-t / 0.04)) * (0.6 * noise.next() + Float(0.4 * sin(2 * .pi * 190 * t)))
        }
    }()

    lazy var hat: [Float] = {
        var noise = Noise(state: 12345)
        var last: Float = 0
        return (0..<Int(0.04 * rate)).map { i in
            let n = noise.next(), y = n - last  // a first difference: mostly highs
            last = n
            return 0.4 * y * Float(exp(-Double(i) / rate / 0.01))
        }
    }()

    func clickTrack(bpm: Double, seconds: Double, accent: Bool = true) -> (x: [Float], beats: [Double]) {
        var x = silence(seconds)
        var beats: [Double] = []
        var t = 0.5, n = 0
        while t < seconds - 0.2 {
            add(click, at: t, into: &x, gain: accent && n % 4 == 0 ? 0.8 : 0.5)
            beats.append(t)
            t += 60 / bpm
            n += 1
        }
        return (x, beats)
    }

    /// Rock: kick on 1 and 3, snare on 2 and 4, hats on eighths (swung: late by `swing`
    /// of an eighth).
    func drums(bpm: Double, bars: Int, swing: Double = 0) -> (x: [Float], beats: [Double], downbeats: [Double]) {
        let beat = 60 / bpm
        var x = silence(Double(bars * 4) * beat + 1.5)
        var beats: [Double] = [], downbeats: [Double] = []
        for bar in 0..<bars {
            for b in 0..<4 {
                let t = 0.5 + Double(bar * 4 + b) * beat
                beats.append(t)
                if b == 0 { downbeats.append(t) }
                add(b % 2 == 0 ? kick : snare, at: t, into: &x, gain: b == 0 ? 0.9 : 0.7)
                add(hat, at: t, into: &x, gain: 0.5)
                add(hat, at: t + beat / 2 * (1 + swing), into: &x, gain: 0.35)
            }
        }
        return (x, beats, downbeats)
    }

    func assertBeats(_ found: [Double], _ expected: [Double], tolerance: Double = 0.035, file: StaticString = #filePath, line: UInt = #line) {
        let hits = expected.filter { e in found.contains { abs($0 - e) <= tolerance } }.count
        let recall = Double(hits) / Double(expected.count)
        let precision = found.isEmpty ? 0 : Double(found.filter { f in expected.contains { abs($0 - f) <= tolerance } }.count) / Double(found.count)
        XCTAssertGreaterThanOrEqual(recall, 0.9, "beats found: \(hits) of \(expected.count)", file: file, line: line)
        XCTAssertGreaterThanOrEqual(precision, 0.85, "beats right: \(precision)", file: file, line: line)
    }

    // MARK: tempo, beats, onsets

    func testClickTracksFrom60To200BPMGiveTheirTempoBeatsAndOnsets() {
        for bpm in [60.0, 75, 96, 120, 143, 170, 200] {
            let (x, beats) = clickTrack(bpm: bpm, seconds: 20)
            let r = analyse(x).rhythm
            guard let tempo = r.tempo else { XCTFail("\(bpm) BPM: no tempo"); continue }
            XCTAssertEqual(tempo, bpm, accuracy: bpm * 0.01, "tempo at \(bpm) BPM")
            assertBeats(r.beats, beats)
            // Every click is an onset, within 20 ms, and nothing else is.
            XCTAssertEqual(r.onsets.count, beats.count, "onsets at \(bpm) BPM")
            for (o, b) in zip(r.onsets, beats) { XCTAssertEqual(o, b, accuracy: 0.02, "onset at \(bpm) BPM") }
            XCTAssertGreaterThan(r.tempoConfidence, 0.3)
        }
    }

    func testDrumPatternsStraightAndSwungGiveTheQuarterNoteAndTheBars() {
        for (bpm, swing) in [(72.0, 0.0), (100, 0.33), (128, 0.0), (165, 0.0)] {
            let (x, beats, downbeats) = drums(bpm: bpm, bars: 10, swing: swing)
            let r = analyse(x).rhythm
            guard let tempo = r.tempo else { XCTFail("\(bpm) BPM: no tempo"); continue }
            XCTAssertEqual(tempo, bpm, accuracy: bpm * 0.02, "tempo at \(bpm) BPM, swing \(swing)")
            assertBeats(r.beats, beats)
            _ = downbeats  // drums alone: kick on 1 and 3 cannot say which is the bar's first
        }
    }

    // MARK: key and bars

    /// Additive tones (six harmonics, 1/h) for each chord, one bar of four beats each at
    /// `bpm`, the root an octave and more below; MIDI note numbers.
    func progression(_ chords: [[Int]], bpm: Double = 100, repeats: Int = 3) -> (x: [Float], downbeats: [Double]) {
        let bar = 4 * 60 / bpm
        var x = silence(Double(chords.count * repeats) * bar + 1)
        var downbeats: [Double] = []
        for r in 0..<repeats {
            for (i, chord) in chords.enumerated() {
                let start = Double(r * chords.count + i) * bar
                downbeats.append(start)
                let n = Int(bar * rate)
                for (k, note) in (chord + [chord[0] - 24]).enumerated() {
                    let f = 440 * pow(2, Double(note - 69) / 12)
                    let isBass = k == chord.count
                    // The bass plays each beat, the chord holds the bar.
                    let tone: [Float] = (0..<n).map { i in
                        let t = Double(i) / rate
                        let env = isBass ? exp(-(t.truncatingRemainder(dividingBy: bar / 4)) / 0.25) : exp(-t / 2.0)
                        var s = 0.0
                        for h in 1...6 where Double(h) * f < rate / 2 { s += sin(2 * .pi * Double(h) * f * t) / Double(h) }
                        return Float(0.08 * env * s)
                    }
                    add(tone, at: start, into: &x)
                }
            }
        }
        return (x, downbeats)
    }

    func triad(_ root: Int, minor: Bool = false) -> [Int] { [root, root + (minor ? 3 : 4), root + 7] }

    func testChordProgressionsInKnownKeysGiveTheKey() {
        let cases: [(String, [[Int]])] = [
            ("D major", [triad(62), triad(67), triad(69), triad(62)]),                                 // I IV V I
            ("F# minor", [triad(66, minor: true), triad(71, minor: true), triad(61), triad(66, minor: true)]),  // i iv V i
            ("Bb major", [triad(58), triad(65), triad(67, minor: true), triad(63)]),                  // I V vi IV
            ("A minor", [triad(57, minor: true), triad(65), triad(60), triad(67)]),                   // i VI III VII
            ("C major", [triad(60), triad(57, minor: true), triad(65), triad(67)]),                   // I vi IV V
            ("E minor", [triad(64, minor: true), triad(62), triad(60), triad(59)]),                   // i VII VI V
        ]
        for (key, chords) in cases {
            let result = analyse(progression(chords, repeats: 2).x)
            XCTAssertEqual(result.key?.name, key, "\(chords)")
            XCTAssertEqual(result.key?.tuningCents ?? 99, 0, accuracy: 5)
        }
    }

    func testATuningAQuarterToneSharpIsMeasuredAndTheKeyStillFound() {
        var (x, _) = progression([triad(62), triad(67), triad(69), triad(62)])
        // Resample by 2^(30/1200): the whole piece 30 cents sharp.
        let ratio = pow(2, 30.0 / 1200)
        x = (0..<Int(Double(x.count) / ratio)).map { i in
            let p = Double(i) * ratio, j = Int(p), f = Float(p - Double(j))
            return j + 1 < x.count ? x[j] * (1 - f) + x[j + 1] * f : 0
        }
        let key = analyse(x).key
        XCTAssertEqual(key?.name, "D major")
        XCTAssertEqual(key?.tuningCents ?? 0, 30, accuracy: 6)
    }

    func testBarsAreFoundWhereTheHarmonyChangesAndTheKickLands() {
        var (x, downbeats) = progression([triad(62), triad(67), triad(69), triad(62)], bpm: 110, repeats: 3)
        let beat = 60 / 110.0
        for (i, d) in downbeats.enumerated() {
            for b in 0..<4 {
                add(b % 2 == 0 ? kick : snare, at: d + Double(b) * beat, into: &x, gain: 0.5)
                _ = i
            }
        }
        let r = analyse(x).rhythm
        XCTAssertEqual(r.meter, 4)
        let hit = downbeats.dropFirst().filter { d in r.downbeats.contains { abs($0 - d) < 0.05 } }.count
        XCTAssertGreaterThanOrEqual(hit, downbeats.count - 2, "downbeats \(r.downbeats) against \(downbeats)")
        XCTAssertLessThanOrEqual(r.downbeats.count, downbeats.count + 1)
    }

    func testAWaltzHasThreeBeatsToTheBar() {
        let bpm = 150.0, beat = 60 / bpm
        let chords = [triad(60), triad(65), triad(67), triad(60)]
        var x = silence(Double(chords.count * 3 * 3) * beat + 1)
        var downbeats: [Double] = []
        for bar in 0..<(chords.count * 3) {
            let start = 0.5 + Double(bar * 3) * beat
            downbeats.append(start)
            for (k, note) in (chords[bar % 4] + [chords[bar % 4][0] - 24]).enumerated() {
                let f = 440 * pow(2, Double(note - 69) / 12)
                let tone: [Float] = (0..<Int(3 * beat * rate)).map { i in
                    let t = Double(i) / rate
                    return Float(0.08 * exp(-t / 1.5) * (sin(2 * .pi * f * t) + 0.5 * sin(4 * .pi * f * t)))
                }
                add(tone, at: start, into: &x, gain: k == 3 ? 1.5 : 1)
            }
            add(kick, at: start, into: &x, gain: 0.8)
            add(hat, at: start + beat, into: &x, gain: 0.6)
            add(hat, at: start + 2 * beat, into: &x, gain: 0.6)
        }
        let r = analyse(x).rhythm
        XCTAssertEqual(r.tempo ?? 0, bpm, accuracy: bpm * 0.02)
        XCTAssertEqual(r.meter, 3)
        let hit = downbeats.filter { d in r.downbeats.contains { abs($0 - d) < 0.05 } }.count
        XCTAssertGreaterThanOrEqual(hit, downbeats.count - 2)
    }

    // MARK: what has no tempo, key or spectrum

    func testSilenceHasNoTempoNoKeyAndNoSpectralMeans() {
        let r = analyse(silence(10))
        XCTAssertNil(r.rhythm.tempo)
        XCTAssertTrue(r.rhythm.beats.isEmpty && r.rhythm.onsets.isEmpty && r.rhythm.downbeats.isEmpty)
        XCTAssertNil(r.key)
        XCTAssertNil(r.spectral.centroidHz)
        XCTAssertNil(r.spectral.rmsDBFS)
        XCTAssertTrue(r.thirdOctaves.levelsDB.allSatisfy { $0 == nil })
    }

    func testSteadyNoiseHasNoTempoAndNoKey() {
        var noise = Noise()
        let r = analyse((0..<Int(10 * rate)).map { _ in 0.3 * noise.next() })
        XCTAssertNil(r.rhythm.tempo, "noise has no beat")
        XCTAssertNil(r.key, "noise has no key")
    }

    func testEmptyAndTinyInputsGiveWellDefinedResults() {
        let empty = analyse([])
        XCTAssertNil(empty.rhythm.tempo)
        XCTAssertNil(empty.key)
        let one = analyse([0.5])
        XCTAssertNil(one.rhythm.tempo)
    }

    // MARK: spectral features

    func testASineHasItsFrequencyAsCentroidAndNoFlatness() {
        let hz = 1000.0, a = 0.5
        let x = (0..<Int(5 * rate)).map { Float(a * sin(2 * .pi * hz * Double($0) / rate)) }
        let s = analyse(x).spectral
        XCTAssertEqual(s.centroidHz ?? 0, hz, accuracy: 15)
        XCTAssertEqual(s.rolloffHz ?? 0, hz, accuracy: 25)
        XCTAssertLessThan(s.flatness ?? 1, 0.01)
        XCTAssertEqual(s.zeroCrossingRate ?? 0, 2 * hz / rate, accuracy: 0.002)
        XCTAssertEqual(s.rmsDBFS ?? 0, 20 * log10(a / 2.squareRoot()), accuracy: 0.1)
        XCTAssertEqual(s.centroidSeries.count, Int(5 / s.seriesHopSeconds) + 1, accuracy: 2)
    }

    func testWhiteNoiseIsFlatAndCentredAtAQuarterOfTheRate() {
        var noise = Noise()
        let s = analyse((0..<Int(5 * rate)).map { _ in 0.5 * noise.next() }).spectral
        XCTAssertEqual(s.centroidHz ?? 0, rate / 4, accuracy: rate * 0.01)
        XCTAssertEqual(s.rolloffHz ?? 0, 0.85 * rate / 2, accuracy: rate * 0.01)
        XCTAssertGreaterThan(s.flatness ?? 0, 0.5, "white noise: near-flat power spectrum")
        XCTAssertEqual(s.zeroCrossingRate ?? 0, 0.5, accuracy: 0.02)
    }

    func testAFullScaleSineReadsZeroDecibelsInItsThirdOctaveBand() {
        for (hz, rate) in [(1000.0, 44100.0), (100.0, 48000.0), (5000.0, 96000.0)] {
            // Faded in and out over 50 ms: an abrupt start is a click, heard in every band.
            let n = Int(4 * rate), fade = Int(0.05 * rate)
            let x = (0..<n).map { i -> Float in
                let edge = min(1, Double(min(i, n - 1 - i)) / Double(fade))
                return Float(sin(2 * .pi * hz * Double(i) / rate) * (0.5 - 0.5 * cos(.pi * edge)))
            }
            let t = analyse(x, rate: rate).thirdOctaves
            guard let band = t.centresHz.firstIndex(where: { abs(log10($0 / hz)) < 0.05 }) else { return XCTFail("no band at \(hz)") }
            XCTAssertEqual(t.levelsDB[band] ?? -99, 0, accuracy: 0.3, "\(hz) Hz at \(rate)")
            for (i, level) in t.levelsDB.enumerated() where abs(i - band) > 2 {
                XCTAssertLessThan(level ?? -200, -60, "band \(t.centresHz[i]) Hz beside a \(hz) Hz sine")
            }
            XCTAssertEqual(t.centresHz.first, 25.1)
            XCTAssertLessThan(t.centresHz.last ?? 0, rate / 2)
        }
    }

    func testTheFFTPutsASineInItsBinAtItsAmplitude() {
        let fft = RealFFT(size: 1024)
        for i in 0..<1024 { fft.input[i] = Float(0.5 * cos(2 * .pi * 32 * Double(i) / 1024)) }
        fft.forward()
        var power = [Float](repeating: 0, count: fft.bins)
        power.withUnsafeMutableBufferPointer { fft.power(into: $0.baseAddress!) }
        XCTAssertEqual(power[32].squareRoot(), 0.5 * 512, accuracy: 0.01)
        XCTAssertEqual(power.indices.max { power[$0] < power[$1] }, 32)
        XCTAssertLessThan(power.enumerated().filter { $0.offset != 32 }.map(\.element).max() ?? 1, 1e-6)
    }
}
