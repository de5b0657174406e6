import DSP

/// A mix point (a bus's or the master's input): output c is the sum of inputs c,
/// c + n, c + 2n, … for n outputs. The compiler lets producers whose only listener is
/// a mix point add straight into its buffer, so in a plain mix this step has nothing
/// left to add and is dropped from the schedule.
public struct SumProcessor: RealtimeProcessor {
    public init() {}

    public static func node() -> NodeState { NodeState(.sum, SumProcessor()) }

    /// Process thread.
    #if RT_CHECKS
    @_noLocks
    #endif
    public mutating func process(_ block: ProcessBlock) {
        let n = block.outputCount
        guard n > 0 else { return }
        for c in 0..<n {
            var i = c
            var started = block.adds(c)
            while i < block.inputCount {
                if started {
                    Kernels.accumulate(block.input(i), block.output(c), block.frames)
                } else {
                    Kernels.copy(block.input(i), block.output(c), block.frames)
                    started = true
                }
                i += n
            }
            if !started { Kernels.clear(block.output(c), block.frames) }
        }
    }
}
