import Analysis
import DSP
import Foundation
import XCTest

/// The file tracker on signals whose pitch is known exactly: harmonic tones (with and
/// without their fundamental), a glide, silence and noise.
final class FilePitchTrackerTests: XCTestCase {
    let rate = 48000.0

    /// Harmonics 1…`harmonics` of the f0 contour `hz(t)`, amplitude 1/k, fundamental
    /// scaled by `fundamental`; silence where `hz` is 0.
    func tone(seconds: Double, harmonics: Int = 12, fundamental: Float = 1, _ hz: (Double) -> Double) -> [Float] {
        var phase = 0.0
        return (0..<Int(seconds * rate)).map { i in
            let f = hz(Double(i) / rate)
            guard f > 0 else { phase = 0; return 0 }
            phase += 2 * Double.pi * f / rate
            var x: Float = 0
            for k in 1...harmonics where Double(k) * f < 20000 {
                x += (k == 1 ? fundamental : 1) * Float(sin(Double(k) * phase + Double(k))) / Float(k)
            }
            return 0.2 * x
        }
    }

    func track(_ x: [Float]) -> [PitchFrame] {
        x.withUnsafeBufferPointer { FilePitchTracker().track($0, sampleRate: rate) }
    }

    func cents(_ a: Double, _ b: Double) -> Double { 1200 * log2(a / b) }

    func testSteadyTonesAcrossTheRangeAreWithinTwoCentsOfTheirPitch() {
        for hz in [55.0, 98.0, 220.0, 440.0, 880.0, 1396.9] {
            let frames = track(tone(seconds: 1) { _ in hz })
            let inner = frames.filter { $0.time > 0.1 && $0.time < 0.9 }
            XCTAssertEqual(inner.filter { $0.hz == 0 }.count, 0, "\(hz) Hz: voiced throughout")
            let worst = inner.map { abs(cents($0.hz, hz)) }.max() ?? .infinity
            XCTAssertLessThan(worst, hz < 1000 ? 1 : 2, "\(hz) Hz: worst error \(worst) cents")
        }
    }

    func testAMissingFundamentalIsStillTheFundamental() {
        for hz in [110.0, 196.0, 330.0] {
            let frames = track(tone(seconds: 1, fundamental: 0) { _ in hz })
            let inner = frames.filter { $0.time > 0.1 && $0.time < 0.9 }
            let off = inner.filter { abs(cents($0.hz, hz)) > 10 }
            XCTAssertEqual(off.count, 0, "\(hz) Hz without its fundamental: \(off.prefix(3))")
        }
    }

    /// Noise lifts every dip of d′ alike: at 10 dB SNR a note without its fundamental,
    /// odd harmonics 14 dB down, has d′ 0.10 at half its period and 0.07 at the period.
    /// It is still read at its period.
    func testAMissingFundamentalInNoiseIsStillTheFundamental() {
        for hz in [138.8, 196.0] {
            var seed: UInt64 = 7
            var x = (0..<Int(rate)).map { i -> Float in
                let w = 2 * Double.pi * hz * Double(i) / rate
                var v = 0.0
                for k in 2...8 { v += (k % 2 == 1 ? 0.2 : 1) * sin(Double(k) * w + Double(k)) / Double(k) }
                return Float(0.2 * v)
            }
            let power = x.reduce(0) { $0 + $1 * $1 } / Float(x.count)
            let noise = (power / 10).squareRoot()  // its RMS: 10 dB under the note
            for i in x.indices {
                seed = seed &* 6364136223846793005 &+ 1442695040888963407
                x[i] += 2 * noise * (Float(seed >> 40) / Float(1 << 24) - 0.5) * Float(3).squareRoot()
            }
            let inner = track(x).filter { $0.time > 0.1 && $0.time < 0.9 }
            let octave = inner.filter { abs(cents($0.hz, 2 * hz)) < 50 }
            XCTAssertLessThan(Double(octave.count), 0.05 * Double(inner.count), "\(hz) Hz in noise read an octave up")
        }
    }

    /// A guitar sample's note with a sympathetic string's partial a twelfth below it, as
    /// in FluidR3's nylon guitar: the partial 5 dB under the note's fundamental and 12 dB
    /// under its second harmonic, the strongest. The sum repeats exactly only every three
    /// periods, far better than at one, yet it is heard (and labelled) at the note.
    func testAPartialATwelfthBelowDoesNotPullTheNoteDown() {
        for hz in [392.0, 622.3] {
            let x = (0..<Int(rate)).map { i -> Float in
                let w = 2 * Double.pi * hz * Double(i) / rate
                return Float(0.1 * (sin(w) + 2.4 * sin(2 * w + 1) + 0.18 * sin(3 * w + 2) + 0.56 * sin(w / 3 + 0.5)))
            }
            let inner = track(x).filter { $0.time > 0.1 && $0.time < 0.9 }
            let off = inner.filter { abs(cents($0.hz, hz)) > 10 }
            XCTAssertEqual(off.count, 0, "\(hz) Hz with a partial at \(hz / 3) Hz: \(off.prefix(3).map(\.hz))")
        }
    }

    /// FluidR3's nylon guitar: many notes carry a lone tone an octave under them, 10 dB
    /// under the fundamental, nothing at 3/2 or 5/2 of the note (d′ 0.04 at the note's
    /// period, 0 at twice it). The sum repeats far better
    /// at two periods than at one, yet it is heard (and labelled) at the note, whose
    /// harmonics stand well over the tone. A voice whose second harmonic sits on a formant
    /// over a weak fundamental and weaker odd harmonics is its fundamental's, though.
    func testALoneToneAnOctaveUnderANoteDoesNotPullItDown() {
        func read(_ x: [Float], share: Double) -> [PitchFrame] {
            var options = FilePitchTracker.Options()
            options.loneSubOctaveShare = share
            return x.withUnsafeBufferPointer { FilePitchTracker(options: options).track($0, sampleRate: rate) }
                .filter { $0.time > 0.1 && $0.time < 0.9 }
        }
        for hz in [261.6, 349.2] {
            let guitar = (0..<Int(rate)).map { i -> Float in
                let w = 2 * Double.pi * hz * Double(i) / rate
                // The levels of FluidR3's E4 (dB under the strongest, the third harmonic):
                // the tone 14.5, harmonics 1 … 5 at 4.4, 7.3, 0, 10, 20.
                var v = 0.31 * sin(w / 2 + 0.3)
                for (k, a) in [1, 0.72, 1.66, 0.52, 0.16].enumerated() { v += a * sin(Double(k + 1) * w + Double(k)) }
                return Float(0.05 * v)
            }
            let off = read(guitar, share: FilePitchTracker.Options().loneSubOctaveShare).filter { abs(cents($0.hz, hz)) > 10 }
            XCTAssertEqual(off.count, 0, "\(hz) Hz over a tone at \(hz / 2) Hz: \(off.prefix(3).map(\.hz))")
            let without = read(guitar, share: 0).filter { abs(cents($0.hz, hz / 2)) < 50 }
            XCTAssertGreaterThan(without.count, 10, "without the rule the tone an octave under wins (else this shows nothing)")

            let f0 = hz / 2
            let voice = (0..<Int(rate)).map { i -> Float in
                let w = 2 * Double.pi * f0 * Double(i) / rate
                return Float(0.1 * (0.2 * sin(w) + sin(2 * w + 1) + 0.04 * sin(3 * w + 2) + 0.02 * sin(4 * w + 3)))
            }
            let up = read(voice, share: FilePitchTracker.Options().loneSubOctaveShare).filter { abs(cents($0.hz, f0)) > 10 }
            XCTAssertEqual(up.count, 0, "\(f0) Hz with its second harmonic 14 dB over it: \(up.prefix(3).map(\.hz))")
        }
    }

    /// A bowed note change: the old note (233 Hz) rings on, fading, under the new one
    /// (156 Hz, a fifth down) as it swells in. Together they repeat at 78 Hz, which
    /// neither plays; the change is read as the new note from its start.
    func testAnOldNotesTailUnderANewNoteIsNotTheirCommonPeriod() {
        let old = 233.08, new = 155.56, change = 0.5
        func partials(_ hz: Double, _ t: Double) -> Double {
            (1...10).reduce(0.0) { $0 + sin(2 * Double.pi * Double($1) * hz * t + Double($1)) / Double($1) }
        }
        let x = (0..<Int(1.2 * rate)).map { i -> Float in
            let t = Double(i) / rate, since = t - change
            let tail = since < 0 ? 1 : exp(-since / 0.06)
            let swell = since < 0 ? 0 : min(1, since / 0.12)
            return Float(0.1 * (tail * partials(old, t) + swell * partials(new, t)))
        }
        for overlapFrames in [0, PitchDecoder.Options().overlapFrames] {
            var options = FilePitchTracker.Options()
            options.decoder.overlapFrames = overlapFrames
            let frames = x.withUnsafeBufferPointer { FilePitchTracker(options: options).track($0, sampleRate: rate) }
            let after = frames.filter { $0.time > change + 0.03 && $0.time < 1.1 }
            let common = after.filter { abs(cents($0.hz, new / 2)) < 50 }
            let wrong = after.filter { abs(cents($0.hz, new)) > 50 }
            if overlapFrames == 0 {
                XCTAssertGreaterThan(common.count, 3, "without the rule the overlap reads as the common period (else this test shows nothing)")
            } else {
                XCTAssertEqual(wrong.count, 0, "frames off the new note: \(wrong.prefix(5).map { ($0.time, $0.hz) })")
            }
        }
    }

    func testAGlideIsFollowedWithinTenCents() {
        // One octave up over a second, log-linear: 220 · 2^t.
        let frames = track(tone(seconds: 1.2) { t in 220 * pow(2, min(1, max(0, t - 0.1))) })
        let inner = frames.filter { $0.time > 0.15 && $0.time < 1.05 }
        let worst = inner.map { abs(cents($0.hz, 220 * pow(2, min(1, max(0, $0.time - 0.1))))) }.max() ?? .infinity
        XCTAssertLessThan(worst, 10, "worst \(worst) cents")
    }

    func testSilenceAndNoiseAreUnvoicedAndTheNoteBetweenThemIsNot() {
        var x = tone(seconds: 1.5) { t in t > 0.5 && t < 1.0 ? 262 : 0 }
        var seed: UInt64 = 42
        for i in Int(1.0 * rate)..<x.count {  // noise after the note
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            x[i] = 0.05 * (Float(seed >> 40) / Float(1 << 24) - 0.5)
        }
        let frames = track(x)
        let silence = frames.filter { $0.time < 0.45 }, note = frames.filter { $0.time > 0.55 && $0.time < 0.95 }
        let noise = frames.filter { $0.time > 1.05 }
        XCTAssertEqual(silence.filter { $0.hz != 0 }.count, 0)
        XCTAssertEqual(note.filter { $0.hz == 0 }.count, 0)
        XCTAssertLessThan(Double(noise.filter { $0.hz != 0 }.count), 0.05 * Double(noise.count), "noise is not a note")
    }

    func testFramesComeEveryHopFromZeroToTheEnd() {
        let frames = track([Float](repeating: 0, count: 48000))
        XCTAssertEqual(frames.count, 101)
        XCTAssertEqual(frames.last?.time ?? 0, 1.0, accuracy: 1e-9)
        XCTAssertTrue(frames.allSatisfy { $0.hz == 0 })
    }
}
