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
    private let session: Session
    private var engine: EngineHandle { session.engine }
    private let lock = ControlLock()
    private var base: (wall: UInt64, frame: Double)?
    /// Time tags further ahead than this are refused (the pending table is finite).
    static let horizon = 3600.0

    init(session: Session) { self.session = session }

    /// NTP 32.32 fixed point now.
    static func wallNow() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        let seconds = UInt64(ts.tv_sec) + 2_208_988_800
        return seconds << 32 | (UInt64(ts.tv_nsec) << 32) / 1_000_000_000
    }

    /// Seconds from `a` to `b`, both NTP fixed point. The difference is taken in
    /// integers, so two tags an exact number of frames apart stay exactly that apart.
    static func seconds(from a: UInt64, to b: UInt64) -> Double {
        b >= a ? Double(b - a) / 4_294_967_296 : -Double(a - b) / 4_294_967_296
    }

    /// The engine's frame clock now (fractional), from the latest cycle's anchor.
    static func frameNow(_ engine: EngineHandle) -> Double {
        let anchor = engine.published.anchor()
        return Double(anchor.clock) + Double(Int64(dawg_monotonic_ns()) - Int64(anchor.nanos)) * engine.config.sampleRate / 1e9
    }

    /// The frame-clock time for `time` (NTP fixed point), or 0 ("now") when it is due.
    func frame(for time: UInt64?) throws -> UInt64 {
        guard let time else { return 0 }
        let wall = Self.wallNow()
        if time <= wall { return 0 }
        let ahead = Self.seconds(from: wall, to: time)
        if ahead > Self.horizon { throw ControlError("time tag is \(Int(ahead)) s ahead; the limit is \(Int(Self.horizon)) s") }
        let rate = engine.config.sampleRate
        let now = Self.frameNow(engine)
        return lock.withLock {
            if let b = base, abs(b.frame + Self.seconds(from: b.wall, to: wall) * rate - now) <= 0.002 * rate {
                return Self.frame(of: time, base: b, rate: rate)
            }
            base = (wall, now)
            return Self.frame(of: time, base: (wall, now), rate: rate)
        }
    }

    /// The frame at `time` on the mapping that puts wall-clock `base.wall` at frame
    /// `base.frame` (never 0, which means "now").
    static func frame(of time: UInt64, base: (wall: UInt64, frame: Double), rate: Double) -> UInt64 {
        UInt64(max(1, (base.frame + seconds(from: base.wall, to: time) * rate).rounded()))
    }
}
