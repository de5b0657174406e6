import DSP
import Foundation

/// Everything `dawg analyze` measures besides loudness, from the mono mix as it streams
/// by: two short-time spectra (a short Hann frame for spectral features and onsets, a
/// long Blackman-Harris frame for pitch classes and the third-octave spectrum), then
/// tempo, beats and key from what they gathered. Memory grows with the file only by a
/// few numbers per frame.
final class MusicAnalyzer {
    let sampleRate: Double
    private var short: FrameSlicer
    private var long: FrameSlicer
    private let shortFFT: RealFFT
    private let longFFT: RealFFT
    private let shortWindow: [Float]
    private let longWindow: [Float]
    private var shortPower: [Float]
    private var longPower: [Float]
    private var features: SpectralFeatureTracker
    private var envelope: OnsetEnvelope
    private var chroma: Chromagram
    private var bands: ThirdOctaveAccumulator

    init(sampleRate: Double) {
        self.sampleRate = sampleRate
        // 2048 and 8192 samples at 44.1 and 48 kHz: 46 ms and 170 ms, whatever the rate.
        let shortSize = Self.powerOfTwo(0.046 * sampleRate), longSize = Self.powerOfTwo(0.17 * sampleRate)
        short = FrameSlicer(size: shortSize, hop: shortSize / 4)
        long = FrameSlicer(size: longSize, hop: longSize / 2)
        shortFFT = RealFFT(size: shortSize)
        longFFT = RealFFT(size: longSize)
        shortWindow = Windows.hann(shortSize)
        longWindow = Windows.blackmanHarris(longSize)
        shortPower = [Float](repeating: 0, count: shortSize / 2 + 1)
        longPower = [Float](repeating: 0, count: longSize / 2 + 1)
        features = SpectralFeatureTracker(sampleRate: sampleRate, frameSize: shortSize, hop: shortSize / 4)
        envelope = OnsetEnvelope(sampleRate: sampleRate, frameSize: shortSize, hop: shortSize / 4,
                                 windowSum: Double(shortWindow.reduce(0, +)))
        chroma = Chromagram(sampleRate: sampleRate, frameSize: longSize)
        bands = ThirdOctaveAccumulator(sampleRate: sampleRate, frameSize: longSize,
                                       windowSquares: Double(longWindow.reduce(0) { $0 + $1 * $1 }))
    }

    static func powerOfTwo(_ samples: Double) -> Int {
        var n = 256
        while Double(n) * 1.5 < samples { n *= 2 }
        return n
    }

    func push(_ mono: UnsafeBufferPointer<Float>) {
        short.push(mono, shortFrame)
        long.push(mono, longFrame)
    }

    private func shortFrame(_ frame: UnsafeBufferPointer<Float>) {
        spectrum(frame, shortFFT, shortWindow, &shortPower)
        shortPower.withUnsafeBufferPointer { p in
            features.add(frame: frame, power: p)
            envelope.add(power: p)
        }
    }

    private func longFrame(_ frame: UnsafeBufferPointer<Float>) {
        spectrum(frame, longFFT, longWindow, &longPower)
        longPower.withUnsafeBufferPointer { p in
            chroma.add(power: p)
            bands.add(power: p)
        }
    }

    private func spectrum(_ frame: UnsafeBufferPointer<Float>, _ fft: RealFFT, _ window: [Float], _ power: inout [Float]) {
        for i in 0..<frame.count { fft.input[i] = frame[i] * window[i] }
        fft.forward()
        power.withUnsafeMutableBufferPointer { fft.power(into: $0.baseAddress!) }
    }

    struct Result {
        var spectral: SpectralFeatures
        var thirdOctaves: ThirdOctaveSpectrum
        var rhythm: Rhythm
        var key: MusicalKey?
    }

    func finish() -> Result {
        short.finish(shortFrame)
        long.finish(longFrame)
        let fps = envelope.framesPerSecond
        let full = (0..<envelope.count).map { envelope.low[$0] + envelope.mid[$0] + envelope.high[$0] }
        let beatEnvelope = (0..<envelope.count).map { envelope.low[$0] + envelope.mid[$0] + 0.5 * envelope.high[$0] }
        let onsets = OnsetPicker.pick(full, framesPerSecond: fps)
        var rhythm = Rhythm(tempo: nil, tempoConfidence: 0, beats: [], downbeats: [], meter: nil, onsets: onsets)
        if onsets.count >= 4, let tempo = TempoEstimator.estimate(beatEnvelope, framesPerSecond: fps) {
            rhythm.tempo = (tempo.bpm * 100).rounded() / 100
            rhythm.tempoConfidence = tempo.confidence
            rhythm.beats = BeatTracker.track(beatEnvelope, period: tempo.period, framesPerSecond: fps)
        }
        let (sequence, firstBeat) = chords(beats: rhythm.beats)
        if let bars = bars(beats: rhythm.beats, sequence: sequence, firstBeat: firstBeat) {
            rhythm.meter = bars.meter
            rhythm.downbeats = stride(from: bars.phase, to: rhythm.beats.count, by: bars.meter).map { rhythm.beats[$0] }
        }
        return Result(spectral: features.result(), thirdOctaves: bands.result(), rhythm: rhythm,
                      key: KeyEstimator.estimate(chroma, chords: sequence))
    }

    /// Meter and the first downbeat, from harmony changing and the bass drum landing on
    /// each beat. `firstBeat`: the segment of `sequence` that begins at the first beat.
    private func bars(beats: [Double], sequence: ChordSequence, firstBeat: Int) -> BarFinder.Bars? {
        guard beats.count >= 8, firstBeat + beats.count <= sequence.profiles.count else { return nil }
        let p = sequence.profiles
        let novelty = beats.indices.map { j in j == 0 ? 0 : 1 - cosine(p[firstBeat + j], p[firstBeat + j - 1]) }
        let low = TempoEstimator.normalised(envelope.low, framesPerSecond: envelope.framesPerSecond)
        let strength = beats.map { t -> Double in
            let i = Int((t * envelope.framesPerSecond).rounded())
            var m: Float = 0
            for j in max(0, i - 2)...max(0, min(low.count - 1, i + 2)) where j < low.count { m = max(m, low[j]) }
            return Double(m)
        }
        return BarFinder.find(novelty: novelty, low: strength)
    }

    private func cosine(_ a: [Double], _ b: [Double]) -> Double {
        var ab = 0.0, aa = 0.0, bb = 0.0
        for i in a.indices {
            ab += a[i] * b[i]
            aa += a[i] * a[i]
            bb += b[i] * b[i]
        }
        return aa > 0 && bb > 0 ? ab / (aa * bb).squareRoot() : 1
    }

    /// Chords per beat (per half second before the first beat, after the last, and
    /// everywhere when there are no beats), and the segment the first beat begins.
    private func chords(beats: [Double]) -> (ChordSequence, Int) {
        let hop = Double(long.hop) / sampleRate
        let times = (0..<chroma.treble.count).map { Double($0) * hop }
        let end = Double(chroma.treble.count) * hop
        var edges: [Double] = []
        var t = 0.0
        let firstBeat = beats.first ?? end
        while t < firstBeat - 0.25 { edges.append(t); t += 0.5 }
        let first = edges.count
        edges += beats
        t = (beats.last ?? 0) + 0.5
        while t < end { edges.append(t); t += 0.5 }
        edges.append(end + hop)
        return (ChordSequence.find(chroma: chroma, frameTimes: times, boundaries: edges), first)
    }
}
