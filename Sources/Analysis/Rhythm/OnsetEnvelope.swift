import Foundation

/// How much new sound each frame brings, in three registers: the positive change of a
/// log-compressed, sixth-octave spectrum from the previous frame, where the previous
/// frame is taken at its loudest over neighbouring bands (SuperFlux's trick, so that
/// vibrato and glides are not onsets). `low` is below 200 Hz (kick, bass), `mid` up to
/// 5 kHz (snare, chords, voices), `high` above (hats, cymbals).
struct OnsetEnvelope {
    let framesPerSecond: Double
    private(set) var low: [Float] = []
    private(set) var mid: [Float] = []
    private(set) var high: [Float] = []
    /// Bins [first, end) of each band, and which register each band counts in.
    private let bands: [Range<Int>]
    private let register: [Int]
    /// Magnitude of a full-scale sine's bin: bands are measured against it.
    private let fullScale: Float
    private var previous: [Float]
    private var current: [Float]
    private var first = true
    /// log(1 + λ·magnitude), magnitudes against full scale: λ sets how quiet a change
    /// still counts (near −60 dBFS here). Strong compression makes soft hits count
    /// nearly as much as loud ones, which is what beat tracking wants; the onset picker
    /// copes with what it also lets through (window leakage as a sound fades).
    static let compression: Float = 1000

    init(sampleRate: Double, frameSize: Int, hop: Int, windowSum: Double) {
        framesPerSecond = sampleRate / Double(hop)
        let binHz = sampleRate / Double(frameSize)
        var bands: [Range<Int>] = [], register: [Int] = []
        var lowEdge = 30.0
        var start = Int((lowEdge / binHz).rounded(.up))
        let top = min(16000, sampleRate / 2 * 0.95)
        while lowEdge < top {
            let highEdge = lowEdge * pow(2, 1.0 / 6)
            let end = Int((highEdge / binHz).rounded(.up))
            if end > start {
                bands.append(start..<end)
                let centre = (lowEdge * highEdge).squareRoot()
                register.append(centre < 200 ? 0 : centre < 5000 ? 1 : 2)
                start = end
            }
            lowEdge = highEdge
        }
        self.bands = bands
        self.register = register
        fullScale = Float(windowSum / 2)
        previous = [Float](repeating: 0, count: bands.count)
        current = previous
    }

    /// One frame's power spectrum.
    mutating func add(power: UnsafeBufferPointer<Float>) {
        for (b, r) in bands.enumerated() {
            var s: Float = 0
            for k in r { s += power[k].squareRoot() }
            current[b] = log10(1 + Self.compression * s / fullScale)
        }
        var flux: (Float, Float, Float) = (0, 0, 0)
        if !first {
            let n = bands.count
            for b in 0..<n {
                let before = max(previous[b], max(previous[max(0, b - 1)], previous[min(n - 1, b + 1)]))
                let rise = max(0, current[b] - before)
                switch register[b] {
                case 0: flux.0 += rise
                case 1: flux.1 += rise
                default: flux.2 += rise
                }
            }
        }
        first = false
        low.append(flux.0)
        mid.append(flux.1)
        high.append(flux.2)
        swap(&previous, &current)
    }

    var count: Int { low.count }
}
