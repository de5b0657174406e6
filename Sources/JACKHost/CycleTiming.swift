/// One process cycle as the process thread saw it: how late it started, how long it
/// ran, and whether cycles went by without it. Start plus run time is how close the
/// cycle came to its deadline (the period).
public struct CycleTiming: BitwiseCopyable, Sendable {
    /// Callback duration, nanoseconds.
    public var busyNanos: UInt32
    /// Callback start minus the server's cycle start, microseconds.
    public var wakeMicros: UInt32
    /// Server cycles since the previous callback that ran without this one.
    public var missed: UInt32

    public init(busyNanos: UInt32, wakeMicros: UInt32, missed: UInt32 = 0) {
        self.busyNanos = busyNanos
        self.wakeMicros = wakeMicros
        self.missed = missed
    }

    /// Callback end minus the server's cycle start, microseconds.
    public var finishMicros: UInt32 { wakeMicros &+ busyNanos / 1000 }
}
