import CFFTW
import Synchronization

/// A forward real FFT of one size through FFTW (single precision): fill `input`, call
/// `forward()`, read `output` (`size / 2 + 1` bins, `re, im` interleaved).
///
/// Make one on a control or worker thread: FFTW's planner is not thread-safe, so plans
/// are made (and destroyed) under one lock. `forward()` touches only the object's own
/// buffers, so once made it may run on any single thread, the process thread included.
public final class RealFFT: @unchecked Sendable {
    // @unchecked Sendable: the buffers belong to whichever one thread calls `forward`.
    public let size: Int
    public let input: UnsafeMutablePointer<Float>
    /// `size / 2 + 1` complex bins, `[re0, im0, re1, im1, …]`.
    public let output: UnsafeMutablePointer<Float>
    private let plan: fftwf_plan

    private static let planner = Mutex(())

    /// `size`: even, at least 2. FFTW_ESTIMATE: the same plan (so the same rounding) on
    /// every run, and no timing of the machine while it is busy with audio.
    public init(size: Int) {
        precondition(size >= 2 && size % 2 == 0)
        self.size = size
        let real = fftwf_alloc_real(size)!
        real.initialize(repeating: 0, count: size)
        let bins = size / 2 + 1
        let complex = fftwf_alloc_complex(bins)!
        let floats = UnsafeMutableRawPointer(complex).bindMemory(to: Float.self, capacity: 2 * bins)
        floats.initialize(repeating: 0, count: 2 * bins)
        input = real
        output = floats
        nonisolated(unsafe) var made: fftwf_plan?
        RealFFT.planner.withLock { _ in
            made = fftwf_plan_dft_r2c_1d(Int32(size), real, complex, UInt32(FFTW_ESTIMATE | FFTW_DESTROY_INPUT))
        }
        plan = made!
    }

    deinit {
        Self.planner.withLock { _ in fftwf_destroy_plan(plan) }
        fftwf_free(input)
        fftwf_free(output)
    }

    public var bins: Int { size / 2 + 1 }

    /// Any one thread at a time. `input` may be overwritten.
    @inline(__always)
    public func forward() {
        fftwf_execute(plan)
    }

    /// |X[k]|² for every bin into `power` (`bins` long), after `forward()`.
    @inline(__always)
    public func power(into power: UnsafeMutablePointer<Float>) {
        for k in 0..<bins {
            let re = output[2 * k], im = output[2 * k + 1]
            power[k] = re * re + im * im
        }
    }
}
