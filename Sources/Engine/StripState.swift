import DSP

/// What the realtime side keeps for one strip between cycles: its gain ramps and meter
/// ballistics. Lives in a fixed table indexed by strip slot, so a new plan inherits it.
public struct StripState {
    /// Before the fader: polarity × audible (mute/solo) × pan law, per side.
    public var left = Ramp(0)
    public var right = Ramp(0)
    public var fader = Ramp(0)
    public var meterLeft = MeterState()
    public var meterRight = MeterState()

    public init() {}
}

/// Transport state owned by the realtime side.
public struct Transport: Sendable {
    public var playing = false
    /// Timeline frame of the next sample rendered.
    public var position: Int64 = 0
    public var looping = false
    public var loopStart: Int64 = 0
    public var loopEnd: Int64 = 0

    public init() {}
}
