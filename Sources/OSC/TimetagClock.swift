import CShim
import Control
import Engine
#if canImport(Glibc)
import Glibc
#endif

/// Maps OSC time tags (wall-clock NTP seconds) to the engine's frame clock.
///
/// The mapping is held fixed while it stays within 2 ms of what the engine reports, so
/// two bundles stamped 100 ms apart land exactly 100 ms of frames apart; it is
/// re-anchored when the audio clock drifts further than that from the wall clock.
final class TimetagClock: @unchecked Sendable {
    // @unchecked Sendable: `base` is only touched under `lock`.
    private let engine: EngineHandle
    private let lock = ControlLock()
    private var base: (wall: Double, frame: Double)?
    /// Time tags further ahead than this are refused (the pending table is finite).
    static let horizon = 3600.0

    init(engine: EngineHandle) { self.engine = engine }

    /// NTP seconds now.
    static func wallNow() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Double(ts.tv_sec) + 2_208_988_800 + Double(ts.tv_nsec) / 1e9
    }

    /// The frame-clock time for `time` (NTP seconds), or 0 ("now") when it is due.
    func frame(for time: Double?) throws -> UInt64 {
        guard let time else { return 0 }
        let wall = Self.wallNow()
        if time <= wall { return 0 }
        if time - wall > Self.horizon { throw ControlError("time tag is \(Int(time - wall)) s ahead; the limit is \(Int(Self.horizon)) s") }
        let rate = engine.config.sampleRate
        let anchor = engine.published.anchor()
        let now = Double(anchor.clock) + Double(Int64(dawg_monotonic_ns()) - Int64(anchor.nanos)) * rate / 1e9
        return lock.withLock {
            if let b = base, abs(b.frame + (wall - b.wall) * rate - now) <= 0.002 * rate {
                return UInt64(max(1, (b.frame + (time - b.wall) * rate).rounded()))
            }
            base = (wall, now)
            return UInt64(max(1, (now + (time - wall) * rate).rounded()))
        }
    }
}
