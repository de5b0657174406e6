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

    public init() {}
}
