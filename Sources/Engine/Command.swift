/// A change the control side asks of the realtime side. Small, plain values: built
/// and validated on the control side, pushed into the command ring, applied by the
/// realtime side at the top of a cycle (or at their sample time).
public enum Command: BitwiseCopyable {
    /// Strip gains: `left`/`right` before the fader (polarity × audible × pan law),
    /// `fader` the fader's linear gain. Ramped unless `snap` (a strip that is new).
    case stripGains(strip: Int32, left: Float, right: Float, fader: Float, snap: Bool)
    /// Linear gain of the send from `strip` to bus number `bus`.
    case sendGain(strip: Int32, bus: Int32, gain: Float, snap: Bool)
    case play
    case stop
    /// Move the transport to a timeline frame.
    case locate(frame: Int64)
    case loop(start: Int64, end: Int64, enabled: Bool)
    /// Replace the running plan. Ownership of the pointee moves to the realtime side,
    /// which hands the previous plan back through the retired-plan ring.
    case installPlan(UnsafeMutablePointer<Plan>)
}

// The only pointer a command carries is a plan whose ownership moves with the
// command (see `installPlan`), so sending it to another thread is safe.
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
