import DSP

/// A region of decoded audio placed on the timeline. The samples are owned by the
/// caller, who keeps them alive with the node (`NodeState(retaining:)`).
public struct ClipNode: @unchecked Sendable {
    // @unchecked Sendable: the samples are immutable once decoded and outlive every
    // plan that points at them.
    public var left: UnsafePointer<Float>
    public var right: UnsafePointer<Float>
    /// Its start, length, offset into the samples, gain and fades.
    public var placement: ClipPlacement

    public init(left: UnsafePointer<Float>, right: UnsafePointer<Float>, start: Int64, length: Int64, offset: Int64 = 0) {
        self.init(left: left, right: right, placement: ClipPlacement(start: start, length: length, offset: offset))
    }

    public init(left: UnsafePointer<Float>, right: UnsafePointer<Float>, placement: ClipPlacement) {
        self.left = left
        self.right = right
        self.placement = placement
    }

    // The placement's fields, as a clip's own (plain properties: read on the process thread).
    @inlinable public var start: Int64 { get { placement.start } set { placement.start = newValue } }
    @inlinable public var length: Int64 { get { placement.length } set { placement.length = newValue } }
    @inlinable public var offset: Int64 { get { placement.offset } set { placement.offset = newValue } }
    @inlinable public var gain: Float { get { placement.gain } set { placement.gain = newValue } }
    @inlinable public var fadeIn: Int64 { get { placement.fadeIn } set { placement.fadeIn = newValue } }
    @inlinable public var fadeInShape: FadeShape { get { placement.fadeInShape } set { placement.fadeInShape = newValue } }
    @inlinable public var fadeOut: Int64 { get { placement.fadeOut } set { placement.fadeOut = newValue } }
    @inlinable public var fadeOutShape: FadeShape { get { placement.fadeOutShape } set { placement.fadeOutShape = newValue } }
    @inlinable var isPlain: Bool { placement.isPlain }

    /// Either thread: the envelope `i` frames into the clip.
    @inlinable @_noLocks
    public func envelope(_ i: Int64) -> Float { placement.envelope(i) }
}

/// Source: audio clips on the timeline, played while the transport rolls, each with its
/// gain and fades. One output channel for mono clips, two for stereo. No parameters:
/// edited clips are a new node, which crossfades from the clips it replaces (`previous`)
/// over `rampFrames`, so a gain, fade, trim or move made while the clip plays never
/// steps.
public struct ClipPlayer: RealtimeProcessor {
    let clips: UnsafeMutableBufferPointer<ClipNode>
    let previous: UnsafeMutableBufferPointer<ClipNode>
    let stereo: Bool
    /// Frames of the crossfade from `previous`, and how far it has gone.
    let rampFrames: Int
    var faded = 0

    /// Control side.
    public init(clips: [ClipNode], stereo: Bool, replacing previous: [ClipNode] = [], rampFrames: Int = 0) {
        self.clips = .allocate(capacity: clips.count)
        _ = self.clips.initialize(from: clips)
        self.previous = .allocate(capacity: previous.count)
        _ = self.previous.initialize(from: previous)
        self.stereo = stereo
        self.rampFrames = previous.isEmpty ? 0 : max(1, rampFrames)
    }

    /// Control side: the node, keeping `owners` (the decoded audio, the replaced clips'
    /// too) alive with it.
    public static func node(clips: [ClipNode], stereo: Bool, retaining owners: [AnyObject], replacing previous: [ClipNode] = [], rampFrames: Int = 0) -> NodeState {
        NodeState(.clips, ClipPlayer(clips: clips, stereo: stereo, replacing: previous, rampFrames: rampFrames), retaining: owners)
    }

    public mutating func release() {
        clips.deallocate()
        previous.deallocate()
    }

    /// Process thread.
    #if RT_CHECKS
    @_noLocks
    #endif
    public mutating func process(_ block: ProcessBlock) {
        let ctx = block.context.pointee
        let count = ctx.frames
        let channels = min(block.outputCount, stereo ? 2 : 1)
        let from = ctx.position, to = ctx.position + Int64(count)
        let fading = faded < rampFrames
        if ctx.playing && clips.count == 1 && block.outputCount == channels && !fading && clips[0].isPlain {
            // One clip covering the whole block (the usual case): one copy per channel.
            let clip = clips[0]
            if clip.start <= from && to <= clip.start + clip.length {
                let at = Int(clip.offset + from - clip.start)
                block.write(0, from: clip.left + at)
                if channels == 2 { block.write(1, from: clip.right + at) }
                return
            }
        }
        block.silenceOutputs()
        guard ctx.playing else {
            faded = rampFrames  // nothing sounds: the edit is simply in place
            return
        }
        if fading {
            // The new clips rise from 0 as the replaced ones fall from 1, sample by sample.
            let w0 = Float(faded) / Float(rampFrames), step = 1 / Float(rampFrames)
            play(clips, from: from, to: to, channels: channels, block: block, weight: w0, step: step)
            play(previous, from: from, to: to, channels: channels, block: block, weight: 1 - w0, step: -step)
            faded = min(rampFrames, faded + count)
        } else {
            play(clips, from: from, to: to, channels: channels, block: block, weight: 1, step: 0)
        }
    }

    /// Process thread: `clips` over [from, to), added into the outputs, each sample
    /// times its clip's envelope and a weight that starts at `weight` and moves by
    /// `step` a frame (held within 0 … 1).
    #if RT_CHECKS
    @_noLocks
    #endif
    func play(_ clips: UnsafeMutableBufferPointer<ClipNode>, from: Int64, to: Int64, channels: Int, block: ProcessBlock, weight: Float, step: Float) {
        for clip in clips {
            let start = max(from, clip.start), end = min(to, clip.start + clip.length)
            if start >= end { continue }
            let src = Int(clip.offset + start - clip.start), dst = Int(start - from), n = Int(end - start)
            if clip.isPlain && step == 0 && weight == 1 {
                Kernels.accumulate(clip.left + src, block.output(0) + dst, n)
                if channels == 2 { Kernels.accumulate(clip.right + src, block.output(1) + dst, n) }
                continue
            }
            let into = start - clip.start
            let left = block.output(0) + dst, right = channels == 2 ? block.output(1) + dst : block.output(0)
            for i in 0..<n {
                let w = min(1, max(0, weight + step * Float(dst + i)))
                let g = clip.envelope(into + Int64(i)) * w
                left[i] += clip.left[src + i] * g
                if channels == 2 { right[i] += clip.right[src + i] * g }
            }
        }
    }
}
