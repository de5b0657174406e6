import CShim
import Engine

/// Runs the engine for one cycle with silent inputs and its outputs going nowhere,
/// from a control thread while no JACK process callback runs: the warm-up before
/// activation, and the stand-in that keeps applying commands while no server is there.
final class SilentCycle {
    private let engine: EngineHandle
    private let frames: Int
    private let scratch: UnsafeMutablePointer<Float>
    private let inputs: UnsafeMutablePointer<UnsafePointer<Float>?>

    init(engine: EngineHandle, frames: Int) {
        self.engine = engine
        self.frames = frames
        scratch = .allocate(capacity: 2 * frames)
        scratch.initialize(repeating: 0, count: 2 * frames)
        inputs = .allocate(capacity: max(1, engine.config.inputs))
        inputs.initialize(repeating: nil, count: max(1, engine.config.inputs))
    }

    deinit {
        scratch.deallocate()
        inputs.deallocate()
    }

    /// A control thread, never alongside the process callback.
    func run() {
        engine.core.pointee.process(frames: frames, inputs: inputs, left: scratch, right: scratch + frames, nanos: dawg_monotonic_ns())
    }
}
