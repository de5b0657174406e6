import Atomics
import Engine
import Foundation

/// While no JACK server runs, a plain thread runs the engine silently at the pace of
/// its last period, so every command, plan and parameter change sent meanwhile is
/// applied and handed back as usual, and the state the session shows is the engine's.
/// Nothing is heard (there is nowhere to play it) and inputs are silent.
final class EngineStandIn: @unchecked Sendable {
    // @unchecked Sendable: `cycle` is only used by the thread; the flags are atomics.
    private let cycle: SilentCycle
    private let periodMicros: UInt32
    private let stopping = ManagedAtomic(false)
    private let finished = DispatchSemaphore(value: 0)

    /// Starts at once.
    init(engine: EngineHandle, frames: Int) {
        let frames = min(engine.config.maxFrames, max(frames, 1))
        cycle = SilentCycle(engine: engine, frames: frames)
        periodMicros = UInt32(1_000_000 * Double(frames) / engine.config.sampleRate)
        let thread = Thread { [self] in
            while !stopping.load(ordering: .relaxed) {
                cycle.run()
                usleep(periodMicros)
            }
            finished.signal()
        }
        thread.name = "dawg-standin"
        thread.start()
    }

    /// Control thread: returns once the thread has run its last cycle.
    func stop() {
        guard !stopping.exchange(true, ordering: .relaxed) else { return }
        finished.wait()
    }
}
