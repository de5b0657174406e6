import DSP

/// Source: one of the host's capture ports (a live input), on one output channel.
public struct CaptureInput: RealtimeProcessor {
    /// Capture port, from 0.
    let port: Int

    public init(port: Int) { self.port = port }

    public static func node(port: Int) -> NodeState { NodeState(.capture, CaptureInput(port: port)) }

    /// Process thread.
    #if RT_CHECKS
    @_noLocks
    #endif
    public mutating func process(_ block: ProcessBlock) {
        let ctx = block.context.pointee
        if port < ctx.captureCount, let input = ctx.capture[port] {
            block.write(0, from: input + ctx.offset)
        } else {
            block.silenceOutputs()
        }
    }
}
