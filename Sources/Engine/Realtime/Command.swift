/// A change the control side asks of the realtime side. Small, plain values: built
/// and validated on the control side, pushed into the command ring, applied by the
/// realtime side at the top of a cycle (or at their sample time).
public enum Command: BitwiseCopyable {
    /// Set parameter `index` of the node whose state is at `node` (of kind `kind`).
    /// The node's `NodeState` is kept alive by `EngineHandle` until the command's time
    /// has passed.
    case parameter(kind: ProcessorKind, node: UnsafeMutableRawPointer, index: Int32, value: ParameterValue)
    case play
    case stop
    /// Move the transport to a timeline frame.
    case locate(frame: Int64)
    case loop(start: Int64, end: Int64, enabled: Bool)
    case tempo(Float)
    /// Record enable on or off (armed taps write while the transport rolls).
    case record(Bool)
    /// Record only in [in, out) timeline frames; (.min, .max) for everywhere.
    case punch(in: Int64, out: Int64)
    /// Replace the running plan. Ownership of the pointee moves to the realtime side,
    /// which hands the previous plan back through the retired-plan ring.
    case installPlan(UnsafeMutablePointer<Plan>)
}

// The pointers a command carries are a plan whose ownership moves with the command
// (see `installPlan`) and node state that its owner keeps alive until the command has
// been applied (see `parameter`), so sending them to another thread is safe.
extension Command: @unchecked Sendable {}

/// A command with the engine frame-clock time at which it applies; 0 means "now"
/// (the start of the next cycle).
public struct TimedCommand: BitwiseCopyable, Sendable {
    public var time: UInt64
    public var command: Command
    public init(time: UInt64 = 0, command: Command) {
        self.time = time
        self.command = command
    }
}
