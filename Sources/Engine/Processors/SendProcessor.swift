import DSP

/// A send: its stereo input (a strip's pre- or post-fader signal) times a ramped gain,
/// added into a bus's mix point.
public struct SendProcessor: RealtimeProcessor {
    public static let gain: Int32 = 0

    var left: Ramp
    var right: Ramp
    let rampFrames: Int32

    public init(gain: Float, rampFrames: Int32) {
        left = Ramp(gain)
        right = Ramp(gain)
        self.rampFrames = rampFrames
    }

    public static func node(gain: Float, rampFrames: Int32) -> NodeState {
        NodeState(.send, SendProcessor(gain: gain, rampFrames: rampFrames))
    }

    /// Process thread: `gain` is linear.
    #if RT_CHECKS
    @_noLocks
    #endif
    public mutating func set(_ index: Int32, _ value: ParameterValue) {
        if index == Self.gain {
            left.move(to: value[0], over: rampFrames)
            right.move(to: value[0], over: rampFrames)
        }
    }

    /// Process thread.
    #if RT_CHECKS
    @_noLocks
    #endif
    public mutating func process(_ block: ProcessBlock) {
        guard block.inputCount >= 2, block.outputCount >= 2 else { return block.silenceOutputs() }
        if left.isSilent { return block.silenceOutputs() }
        block.write(0, from: block.input(0), ramp: &left)
        block.write(1, from: block.input(1), ramp: &right)
    }
}
