/// Transport state owned by the realtime side.
public struct Transport: Sendable {
    public var playing = false
    /// Timeline frame of the next sample rendered.
    public var position: Int64 = 0
    public var looping = false
    public var loopStart: Int64 = 0
    public var loopEnd: Int64 = 0
    /// Beats per minute: for tempo-synced processors.
    public var tempo: Float = 120
    /// Record enabled: armed recording taps write while the transport rolls.
    public var recording = false
    /// Recording happens only in [punchIn, punchOut) (the whole timeline by default).
    public var punchIn: Int64 = .min
    public var punchOut: Int64 = .max
    /// Asked to roll from a new place (a play or a locate): it stands still until the
    /// plan's streams have read ahead there (`RealtimeCore.readyToRoll`).
    public var syncing = false

    public init() {}
}
