/// A file's waveform for drawing: the lowest and highest sample over every channel in
/// each block of `framesPerPeak` frames, as signed bytes (−127 … 127 for −1 … 1,
/// clipped beyond). Read front to back in bounded memory; never on the audio thread.
public struct WaveformOverview: Sendable {
    public let sampleRate: Double
    public let frames: Int64
    public let framesPerPeak: Int
    /// min, max, min, max, … one pair per block.
    public let peaks: [Int8]

    public static func read(path: String, framesPerPeak: Int = 256) throws -> WaveformOverview {
        precondition(framesPerPeak > 0)
        let reader = try SequentialFileReader(path: path)
        let channels = reader.channels
        var block = [Float](repeating: 0, count: framesPerPeak * channels)
        var peaks: [Int8] = []
        peaks.reserveCapacity(2 * Int((reader.frames + Int64(framesPerPeak) - 1) / Int64(framesPerPeak)))
        var total: Int64 = 0
        while true {
            // A block may arrive in pieces; fill it before taking its extremes.
            var got = 0
            while got < framesPerPeak {
                let n = block.withUnsafeMutableBufferPointer { reader.read(into: $0.baseAddress! + got * channels, frames: framesPerPeak - got) }
                if n == 0 { break }
                got += n
            }
            if got == 0 { break }
            total += Int64(got)
            var lo: Float = 0, hi: Float = 0
            for s in block[0..<(got * channels)] {
                lo = min(lo, s)
                hi = max(hi, s)
            }
            peaks.append(Self.byte(lo))
            peaks.append(Self.byte(hi))
            if got < framesPerPeak { break }
        }
        return WaveformOverview(sampleRate: reader.sampleRate, frames: total, framesPerPeak: framesPerPeak, peaks: peaks)
    }

    static func byte(_ x: Float) -> Int8 {
        guard x.isFinite else { return 0 }
        return Int8((max(-1, min(1, x)) * 127).rounded())
    }
}
