import Foundation

/// The long-term average spectrum in third-octave bands (IEC 61260-1 base-ten centres,
/// 25 Hz to 20 kHz, those below Nyquist): each band's mean power over the file, in dB
/// where a full-scale sine inside the band reads 0.
public struct ThirdOctaveSpectrum: Codable, Equatable, Sendable {
    public var centresHz: [Double]
    /// nil where the band held nothing (digital silence there).
    public var levelsDB: [Double?]

    enum CodingKeys: String, CodingKey { case centresHz = "centres_hz", levelsDB = "levels_db" }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(centresHz, forKey: .centresHz)
        try c.encode(levelsDB, forKey: .levelsDB)
    }
}

/// Sums each frame's power spectrum into third-octave bands.
struct ThirdOctaveAccumulator {
    let centres: [Double]
    /// Bins [first, end) of each band.
    private let ranges: [Range<Int>]
    private var sums: [Double]
    private var frames = 0
    /// Turns a bin power sum into the mean square of the signal in the band.
    private let scale: Double

    init(sampleRate: Double, frameSize: Int, windowSquares: Double) {
        let binHz = sampleRate / Double(frameSize)
        let bins = frameSize / 2 + 1
        var centres: [Double] = [], ranges: [Range<Int>] = []
        for n in 14...43 {
            let fc = 1000 * pow(10, Double(n - 30) / 10)
            let low = fc * pow(10, -0.05), high = fc * pow(10, 0.05)
            guard high < sampleRate / 2 else { break }
            let first = Int((low / binHz).rounded(.up)), end = min(bins, Int((high / binHz).rounded(.up)))
            centres.append((fc * 10).rounded() / 10)
            ranges.append(first..<max(first, end))
        }
        self.centres = centres
        self.ranges = ranges
        sums = [Double](repeating: 0, count: centres.count)
        scale = 2 / (Double(frameSize) * windowSquares)
    }

    mutating func add(power: UnsafeBufferPointer<Float>) {
        for (b, r) in ranges.enumerated() {
            var s: Float = 0
            for k in r { s += power[k] }
            sums[b] += Double(s)
        }
        frames += 1
    }

    func result() -> ThirdOctaveSpectrum {
        let levels: [Double?] = sums.map { sum in
            let meanSquare = frames > 0 ? sum * scale / Double(frames) : 0
            return meanSquare > 0 ? 10 * log10(2 * meanSquare) : nil
        }
        return ThirdOctaveSpectrum(centresHz: centres, levelsDB: levels)
    }
}
