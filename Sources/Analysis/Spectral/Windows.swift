import Foundation

/// Analysis windows, as arrays made once per analyser.
enum Windows {
    /// Periodic Hann (the STFT convention: overlapped at a quarter of its length it sums flat).
    static func hann(_ n: Int) -> [Float] {
        (0..<n).map { Float(0.5 - 0.5 * cos(2 * Double.pi * Double($0) / Double(n))) }
    }

    /// Four-term Blackman-Harris (92 dB side lobes): for spectral peaks whose small
    /// neighbours must not be drowned by leakage.
    static func blackmanHarris(_ n: Int) -> [Float] {
        (0..<n).map {
            let x = 2 * Double.pi * Double($0) / Double(n)
            return Float(0.35875 - 0.48829 * cos(x) + 0.14128 * cos(2 * x) - 0.01168 * cos(3 * x))
        }
    }
}
