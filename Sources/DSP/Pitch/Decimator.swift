#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A low-pass FIR and keep-every-`factor`th-sample decimator: the pitch analysis runs
/// at about 16 kHz (voice fundamentals and the harmonics that identify them lie well
/// below 8 kHz), a third of the work per lag and a third of the lags at 48 kHz.
///
/// Windowed sinc (Blackman), cut-off at 0.45 of the output rate. Memory is allocated in
/// `init` and freed by `free()`; `push` is realtime-safe.
public struct Decimator {
    public let factor: Int
    public let taps: Int
    @usableFromInline let coefficients: UnsafeMutablePointer<Float>
    /// The last `taps` inputs, twice over, so a window is always contiguous.
    @usableFromInline let history: UnsafeMutablePointer<Float>
    @usableFromInline var head = 0
    @usableFromInline var phase = 0

    /// The factor that brings `sampleRate` nearest the 16 kHz the pitch analysis runs at.
    public static func factor(for sampleRate: Double) -> Int { max(1, Int((sampleRate / 16000).rounded())) }

    /// Control side. `factor` 1 passes samples through.
    public init(factor: Int, tapsPerPhase: Int = 16) {
        self.factor = max(1, factor)
        taps = self.factor == 1 ? 1 : tapsPerPhase * self.factor
        coefficients = .allocate(capacity: taps)
        history = .allocate(capacity: 2 * taps)
        history.initialize(repeating: 0, count: 2 * taps)
        if self.factor == 1 {
            coefficients[0] = 1
            return
        }
        let cutoff = 0.45 / Double(self.factor)  // of the input rate
        let centre = Double(taps - 1) / 2
        var sum = 0.0
        var h = [Double](repeating: 0, count: taps)
        for i in 0..<taps {
            let t = Double(i) - centre
            let sinc = t == 0 ? 2 * cutoff : sin(2 * Double.pi * cutoff * t) / (Double.pi * t)
            let w = 0.42 - 0.5 * cos(2 * Double.pi * Double(i) / Double(taps - 1)) + 0.08 * cos(4 * Double.pi * Double(i) / Double(taps - 1))
            h[i] = sinc * w
            sum += h[i]
        }
        for i in 0..<taps { coefficients[i] = Float(h[i] / sum) }
    }

    /// Control side.
    public func free() {
        coefficients.deallocate()
        history.deallocate()
    }

    /// Realtime-safe: take `count` input samples, write the outputs they complete to
    /// `out` and return how many (at most `count / factor + 1`).
    @inlinable @_noLocks
    public mutating func push(_ input: UnsafePointer<Float>, _ count: Int, into out: UnsafeMutablePointer<Float>) -> Int {
        var made = 0
        for i in 0..<count {
            history[head] = input[i]
            history[head + taps] = input[i]
            head += 1
            if head == taps { head = 0 }
            phase += 1
            if phase == factor {
                phase = 0
                // history[head ..< head + taps] is oldest … newest.
                out[made] = Kernels.dot(history + head, coefficients, taps)
                made += 1
            }
        }
        return made
    }
}
