import DSP

/// Sink: copies its two input channels to the host's master outputs.
public struct MasterOutput: RealtimeProcessor {
    public init() {}

    public static func node() -> NodeState { NodeState(.output, MasterOutput()) }

    /// Process thread.
    #if RT_CHECKS
    @_noLocks
    #endif
    public mutating func process(_ block: ProcessBlock) {
        let ctx = block.context.pointee
        let left = ctx.outLeft + ctx.offset, right = ctx.outRight + ctx.offset
        if block.inputCount >= 2 {
            Kernels.copy(block.input(0), left, ctx.frames)
            Kernels.copy(block.input(1), right, ctx.frames)
        } else {
            Kernels.clear(left, ctx.frames)
            Kernels.clear(right, ctx.frames)
        }
    }
}
