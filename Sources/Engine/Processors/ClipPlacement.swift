import DSP

/// Where a clip sits and how it sounds, without its samples: a decoded clip
/// (`ClipNode`) and a streamed one (the disk reader renders it) share it, so both play
/// one formula.
public struct ClipPlacement: Sendable, Equatable {
    /// Timeline frame of the clip's first sample.
    public var start: Int64
    /// Frames played.
    public var length: Int64
    /// First frame of the source that plays.
    public var offset: Int64
    /// Linear gain, and fades (frames, shapes) at its two ends: the sample i frames into
    /// the clip is multiplied by gain · in(i / fadeIn) · in((length − i) / fadeOut),
    /// where `in` is the shape's fade-in curve (docs/osc.md, clips).
    public var gain: Float = 1
    public var fadeIn: Int64 = 0
    public var fadeInShape: FadeShape = .linear
    public var fadeOut: Int64 = 0
    public var fadeOutShape: FadeShape = .linear

    public init(start: Int64, length: Int64, offset: Int64 = 0) {
        self.start = start
        self.length = length
        self.offset = offset
    }

    /// Plays its samples as they are.
    @inlinable public var isPlain: Bool { gain == 1 && fadeIn == 0 && fadeOut == 0 }

    /// Either thread: the envelope `i` frames into the clip.
    @inlinable @_noLocks
    public func envelope(_ i: Int64) -> Float {
        var g = Double(gain)
        if i < fadeIn { g *= fadeInShape.gain(Double(i) / Double(fadeIn)) }
        if length - i <= fadeOut && fadeOut > 0 { g *= fadeOutShape.gain(Double(length - i) / Double(fadeOut)) }
        return Float(g)
    }
}
