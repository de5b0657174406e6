import XCTest
import Engine
import DSP
import Foundation

/// The EQ against the RBJ cookbook's analog prototypes, mapped to the digital domain
/// by the bilinear transform (Ω = tan(πf/fs) / tan(πf₀/fs)), which is the response an
/// SVF or cookbook biquad is designed to have. Written out here, apart from the code
/// under test, so a wrong coefficient shows.
enum Prototype {
    typealias Complex = (re: Double, im: Double)

    static func div(_ a: Complex, _ b: Complex) -> Complex {
        let d = b.re * b.re + b.im * b.im
        return ((a.re * b.re + a.im * b.im) / d, (a.im * b.re - a.re * b.im) / d)
    }

    /// (a s² + b s + c) at s = jΩ.
    static func poly(_ a: Double, _ b: Double, _ c: Double, _ o: Double) -> Complex { (c - a * o * o, b * o) }

    static func db(_ h: Complex) -> Double { 10 * log10(h.re * h.re + h.im * h.im) }

    static func response(_ band: EqualizerDesign.Band, _ s: EqualizerDesign.BandSettings, f: Double, fs: Double) -> Double {
        let o = tan(Double.pi * f / fs) / tan(Double.pi * min(s.frequency, fs * 0.49) / fs)
        let a = pow(10, s.gainDb / 40), q = s.q
        func lp(_ q: Double) -> Complex { div(poly(0, 0, 1, o), poly(1, 1 / q, 1, o)) }
        func hp(_ q: Double) -> Complex { div(poly(1, 0, 0, o), poly(1, 1 / q, 1, o)) }
        switch band {
        case .lpf, .hpf:
            let section = band == .lpf ? lp : hp
            if s.slope == 24 {
                let (q1, q2) = FilterDesign.butterworth4
                return db(section(q1)) + db(section(q2))
            }
            return db(section(q))
        case .lowshelf:
            return 20 * log10(a) + db(div(poly(1, a.squareRoot() / q, a, o), poly(a, a.squareRoot() / q, 1, o)))
        case .highshelf:
            return 20 * log10(a) + db(div(poly(a, a.squareRoot() / q, 1, o), poly(1, a.squareRoot() / q, a, o)))
        default:
            return db(div(poly(1, a / q, 1, o), poly(1, 1 / (a * q), 1, o)))
        }
    }
}

final class EqualizerTests: XCTestCase {
    typealias Settings = EqualizerDesign.BandSettings

    let cases: [(EqualizerDesign.Band, Settings)] = [
        (.hpf, Settings(frequency: 100, q: 0.7071, slope: 12, on: true)),
        (.hpf, Settings(frequency: 60, slope: 24, on: true)),
        (.lpf, Settings(frequency: 5000, q: 1.2, slope: 12, on: true)),
        (.lpf, Settings(frequency: 9000, slope: 24, on: true)),
        (.lowshelf, Settings(frequency: 200, gainDb: 6, q: 0.7071, on: true)),
        (.highshelf, Settings(frequency: 6000, gainDb: -8, q: 0.9, on: true)),
        (.peak1, Settings(frequency: 1000, gainDb: 9, q: 2, on: true)),
        (.peak4, Settings(frequency: 12000, gainDb: -6, q: 1, on: true)),
        (.peak2, Settings(frequency: 40, gainDb: 12, q: 4, on: true)),
    ]

    func testEveryBandMatchesItsAnalyticResponseWithinATenthOfADecibel() {
        for fs in [44100.0, 48000, 96000] {
            let impulse = TestAudio([1] + [Float](repeating: 0, count: Int(fs / 2)))
            for (band, s) in cases {
                var settings = [EqualizerProcessor.BandSetting](
                    repeating: .init(section: .identity, on: false), count: EqualizerProcessor.bandCount
                )
                settings[Int(band.index)] = EqualizerDesign.setting(band, s, sampleRate: fs)
                let ir = renderThrough([EqualizerProcessor.node(settings, rampFrames: 480)], impulse, sampleRate: fs, frames: impulse.count)
                var worst = 0.0, at = 0.0
                var f = 20.0
                while f <= 20000 {
                    let expected = Prototype.response(band, s, f: f, fs: fs)
                    if expected > -60 {
                        let error = abs(magnitudeDb(ir, at: f, sampleRate: fs) - expected)
                        if error > worst { (worst, at) = (error, f) }
                    }
                    f *= pow(2, 1.0 / 6)
                }
                XCTAssertLessThan(worst, 0.1, "\(band) \(s) at \(fs) Hz: \(worst) dB off at \(Int(at)) Hz")
            }
        }
    }

    func testAllBandsInSeriesAddUpInDecibels() {
        let fs = 48000.0
        let impulse = TestAudio([1] + [Float](repeating: 0, count: 24000))
        let chosen = [0, 4, 5, 6]  // hpf 12, low shelf, high shelf, bell
        var settings = [EqualizerProcessor.BandSetting](repeating: .init(section: .identity, on: false), count: 8)
        for i in chosen {
            let (band, s) = cases[i]
            settings[Int(band.index)] = EqualizerDesign.setting(band, s, sampleRate: fs)
        }
        let ir = renderThrough([EqualizerProcessor.node(settings, rampFrames: 480)], impulse, frames: impulse.count)
        for f in [50.0, 200, 1000, 3000, 10000] {
            let expected = chosen.map { Prototype.response(cases[$0].0, cases[$0].1, f: f, fs: fs) }.reduce(0, +)
            XCTAssertEqual(magnitudeDb(ir, at: f, sampleRate: fs), expected, accuracy: 0.1, "at \(f) Hz")
        }
    }

    /// A bell swept from 200 Hz to 5 kHz in 64-sample steps, and switched on and off,
    /// while a 1 kHz sine plays: no sample-to-sample step beyond what the loudest
    /// steady response could make plus what a 10 ms crossfade adds. Jumping a band in
    /// or out without the crossfade breaks the bound several times over.
    func testSweepingAndSwitchingABandNeverClicks() {
        let fs = 48000.0, amplitude: Float = 0.5
        let sine = TestAudio((0..<48000).map { amplitude * sinf(2 * .pi * 1000 * Float($0) / 48000) })
        let bell = Settings(frequency: 200, gainDb: 12, q: 1, on: true)
        var settings = [EqualizerProcessor.BandSetting](repeating: .init(section: .identity, on: false), count: 8)
        settings[2] = EqualizerDesign.setting(.peak1, bell, sampleRate: fs)
        let eq = EqualizerProcessor.node(settings, rampFrames: 480)
        let out = renderThrough([eq], sine, frames: 48000) { engine, frame in
            var s = bell
            s.frequency = frame < 24000 ? 200 * pow(25, Double(frame) / 24000) : 1000  // then sit on the sine
            s.on = !(frame >= 30000 && frame < 36000) && !(frame >= 40000 && frame < 44000)
            engine.set(eq, 2, EqualizerDesign.setting(.peak1, s, sampleRate: fs).parameter)
        }
        let gMax = Float(pow(10, 12.0 / 20))
        let bound = 1.1 * amplitude * gMax * 2 * .pi * 1000 / 48000 + amplitude * gMax / 480
        var worst: Float = 0
        for i in 1..<out.count { worst = max(worst, abs(out[i] - out[i - 1])) }
        XCTAssertLessThan(worst, bound)
        // And the band really moved: the sine is boosted near 1 kHz, and plain when off.
        XCTAssertGreaterThan(out[11500..<12500].map(abs).max()!, 1.9)  // the bell crosses 1 kHz at frame 12000: +12 dB
        XCTAssertEqual(out[34000..<35000].map(abs).max()!, amplitude, accuracy: 0.01)
    }
}
