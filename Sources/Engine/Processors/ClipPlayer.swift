import DSP

/// A region of decoded audio placed on the timeline. The samples are owned by the
/// caller, who keeps them alive with the node (`NodeState(retaining:)`).
public struct ClipNode: @unchecked Sendable {
    // @unchecked Sendable: the samples are immutable once decoded and outlive every
    // plan that points at them.
    public var left: UnsafePointer<Float>
    public var right: UnsafePointer<Float>
    /// Timeline frame of the clip's first sample.
    public var start: Int64
    /// Frames played.
    public var length: Int64
    /// First frame of the source that plays.
    public var offset: Int64

    public init(left: UnsafePointer<Float>, right: UnsafePointer<Float>, start: Int64, length: Int64, offset: Int64 = 0) {
        self.left = left
        self.right = right
        self.start = start
        self.length = length
        self.offset = offset
    }
}

/// Source: audio clips on the timeline, played while the transport rolls. One output
/// channel for mono clips, two for stereo. No parameters: new clips are a new node.
public struct ClipPlayer: RealtimeProcessor {
    let clips: UnsafeMutableBufferPointer<ClipNode>
    let stereo: Bool

    /// Control side.
    public init(clips: [ClipNode], stereo: Bool) {
        self.clips = .allocate(capacity: clips.count)
        _ = self.clips.initialize(from: clips)
        self.stereo = stereo
    }

    /// Control side: the node, keeping `owners` (the decoded audio) alive with it.
    public static func node(clips: [ClipNode], stereo: Bool, retaining owners: [AnyObject]) -> NodeState {
        NodeState(.clips, ClipPlayer(clips: clips, stereo: stereo), retaining: owners)
    }

    public mutating func release() { clips.deallocate() }

    /// Process thread.
    #if RT_CHECKS
    @_noLocks
    #endif
    public mutating func process(_ block: ProcessBlock) {
        let ctx = block.context.pointee
        let count = ctx.frames
        let channels = min(block.outputCount, stereo ? 2 : 1)
        let from = ctx.position, to = ctx.position + Int64(count)
        if ctx.playing && clips.count == 1 && block.outputCount == channels {
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
        guard ctx.playing else { return }
        for clip in clips {
            let start = max(from, clip.start), end = min(to, clip.start + clip.length)
            if start >= end { continue }
            let src = Int(clip.offset + start - clip.start), dst = Int(start - from), n = Int(end - start)
            Kernels.accumulate(clip.left + src, block.output(0) + dst, n)
            if channels == 2 { Kernels.accumulate(clip.right + src, block.output(1) + dst, n) }
        }
    }
}
