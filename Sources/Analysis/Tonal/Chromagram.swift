import Foundation

/// Pitch-class profiles from spectral peaks, as essentia's HPCP builds them: every peak
/// of a long Blackman-Harris frame, its frequency refined by a parabola through the
/// log magnitudes, adds its magnitude to the pitch classes within two thirds of a
/// semitone, with a cosine² weight. Two registers are kept apart: the bass (40–250 Hz,
/// where the roots lie) and the rest up to 5 kHz. A global tuning offset is measured
/// from the same peaks, so a recording a little sharp or flat still lands on its notes.
struct Chromagram {
    static let bins = 36  // three per semitone, C first
    let sampleRate: Double
    let binHz: Double
    /// Every frame's treble and bass profiles (36 each), in order.
    private(set) var treble: [[Float]] = []
    private(set) var bass: [[Float]] = []
    /// Tuning: magnitude-weighted sums of each peak's deviation from the nearest
    /// tempered pitch as a phasor (so ±50 cents wrap).
    private var tuningRe = 0.0, tuningIm = 0.0

    init(sampleRate: Double, frameSize: Int) {
        self.sampleRate = sampleRate
        binHz = sampleRate / Double(frameSize)
    }

    /// One frame's power spectrum.
    mutating func add(power: UnsafeBufferPointer<Float>) {
        var t = [Float](repeating: 0, count: Self.bins), b = t
        var loudest: Float = 0
        let first = max(2, Int(40 / binHz)), last = min(power.count - 2, Int(5000 / binHz) + 1)
        for k in first...last { loudest = max(loudest, power[k]) }
        let floor = max(loudest * 1e-6, 1e-14)  // 60 dB under the loudest peak
        var k = first
        while k <= last {
            let p = power[k]
            guard p > floor, p > power[k - 1], p >= power[k + 1] else { k += 1; continue }
            let a = 0.5 * log(Double(power[k - 1])), m = 0.5 * log(Double(p)), c = 0.5 * log(Double(power[k + 1]))
            let d = a - 2 * m + c
            let shift = d < 0 ? 0.5 * (a - c) / d : 0
            let hz = (Double(k) + shift) * binHz
            let magnitude = exp(m - 0.25 * (a - c) * shift)
            if hz < 250 { add(hz: hz, magnitude: magnitude, into: &b) } else { add(hz: hz, magnitude: magnitude, into: &t) }
            k += 2
        }
        treble.append(t)
        bass.append(b)
    }

    private mutating func add(hz: Double, magnitude: Double, into profile: inout [Float]) {
        guard hz >= 40, hz <= 5000 else { return }
        let semitones = 12 * log2(hz / 440) + 9  // 0 = C
        let deviation = semitones - semitones.rounded()
        tuningRe += magnitude * cos(2 * .pi * deviation)
        tuningIm += magnitude * sin(2 * .pi * deviation)
        let position = semitones * 3  // in thirds of a semitone
        let centre = Int(position.rounded())
        for j in (centre - 2)...(centre + 2) {
            let distance = abs(Double(j) - position) / 3  // semitones
            guard distance < 2.0 / 3 else { continue }
            let w = cos(.pi / 2 * distance / (2.0 / 3))
            let bin = ((j % Self.bins) + Self.bins) % Self.bins
            profile[bin] += Float(magnitude * w * w)
        }
    }

    /// The tuning offset in cents from A4 = 440 Hz (−50 … 50).
    var tuningCents: Double {
        tuningRe == 0 && tuningIm == 0 ? 0 : 100 * atan2(tuningIm, tuningRe) / (2 * .pi)
    }

    /// Folds a 36-bin profile to 12 pitch classes around the measured tuning.
    func pitchClasses(_ profile: [Float]) -> [Double] {
        let offset = Int((tuningCents / 100 * 3).rounded())  // thirds of a semitone
        var out = [Double](repeating: 0, count: 12)
        for bin in 0..<Self.bins {
            let shifted = ((bin - offset) % Self.bins + Self.bins) % Self.bins
            let pc = ((shifted + 1) / 3) % 12  // bins 35, 0, 1 are C
            out[pc] += Double(profile[bin])
        }
        return out
    }
}
