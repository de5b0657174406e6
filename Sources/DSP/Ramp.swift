/// A gain that moves linearly to a new target over a fixed number of frames, so that
/// fader, pan, mute and send changes make no zipper noise. A plain value type: the
/// realtime side owns it and advances it sample by sample.
public struct Ramp: Sendable {
    public var value: Float
    public var target: Float
    // Public only so realtime code in other modules can inline; set through move/snap.
    public var step: Float
    public var remaining: Int32

    @inlinable public init(_ value: Float) {
        self.value = value
        self.target = value
        self.step = 0
        self.remaining = 0
    }

    /// Start moving to `target`, arriving exactly after `frames` samples (immediately
    /// when `frames` is 0). Realtime-safe.
    @inlinable @_noLocks
    public mutating func move(to target: Float, over frames: Int32) {
        self.target = target
        if frames <= 0 || target == value {
            snap(to: target)
        } else {
            step = (target - value) / Float(frames)
            remaining = frames
        }
    }

    /// Jump to `target` with no ramp (used for strips that are new and silent).
    @inlinable @_noLocks
    public mutating func snap(to target: Float) {
        self.target = target
        value = target
        step = 0
        remaining = 0
    }

    @inlinable public var isSteady: Bool { remaining == 0 }
    /// True when the gain is zero and stays zero: the strip can skip its work.
    @inlinable public var isSilent: Bool { remaining == 0 && value == 0 }

    /// The gain for the next sample, advancing the ramp.
    @inlinable @_noLocks
    public mutating func next() -> Float {
        if remaining > 0 {
            remaining -= 1
            // From the target, not by accumulation: every step is the same size and
            // the last lands exactly on the target.
            value = target - step * Float(remaining)
        }
        return value
    }
}
