/// Something the process thread tells the control side, through `RealtimeCore`'s event
/// ring (drained by `EngineHandle.drainEvents`): plain values, pushed without waiting;
/// a full ring drops the event and counts it (`Published.droppedEvents`).
public enum RealtimeEvent: BitwiseCopyable, Sendable, Equatable {
    /// A timed command arrived after its time (applied at once).
    case lateCommand(time: UInt64, clock: UInt64)
    /// The pending table was full: a timed command was applied early.
    case pendingOverflow(time: UInt64)
    /// A cycle was longer than the engine accepts, and was silenced.
    case oversizedCycle(frames: Int32)
    /// A processor (a recording tap, a disk stream) found its ring full or empty.
    case overrun(meterSlot: Int32, samples: Int32)
}
