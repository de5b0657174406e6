import Atomics
import DSP

/// Sink: a BS.1770-4 loudness meter on a strip's post-fader pair. The process thread
/// K-weights each channel, sums the squares over 100 ms steps and measures the true
/// peak (4× oversampled); every finished step goes to a `LoudnessStream`, from which the
/// control side makes momentary, short-term and integrated loudness. Nothing here
/// allocates, locks or waits: the filters and the interpolator's history are made in
/// `init`.
public struct LoudnessTap: RealtimeProcessor {
    var left: KWeighting
    var right: KWeighting
    var leftPeak: TruePeakDetector
    var rightPeak: TruePeakDetector
    let steps: SPSCRing<LoudnessStep>
    let dropped: UnsafeAtomic<Int>
    /// Frames per step, frames into the current one and its sum of weighted squares.
    let step: Int
    var inStep = 0
    var energy = 0.0

    /// Control side.
    public init(stream: LoudnessStream, sampleRate: Double) {
        left = KWeighting(sampleRate: sampleRate)
        right = left
        leftPeak = TruePeakDetector(sampleRate: sampleRate)
        rightPeak = TruePeakDetector(sampleRate: sampleRate)
        steps = stream.steps
        dropped = stream.dropped
        step = max(1, Int((sampleRate / 10).rounded()))
    }

    /// Control side: the node, keeping the stream alive while any schedule can run it.
    public static func node(stream: LoudnessStream, sampleRate: Double) -> NodeState {
        NodeState(.loudness, LoudnessTap(stream: stream, sampleRate: sampleRate), retaining: [stream])
    }

    public mutating func release() {
        leftPeak.free()
        rightPeak.free()
    }

    /// Process thread.
    #if RT_CHECKS
    @_noLocks
    #endif
    public mutating func process(_ block: ProcessBlock) {
        guard block.inputCount >= 1 else { return }
        let ctx = block.context.pointee
        let l = UnsafePointer(block.input(0))
        let r = block.inputCount >= 2 ? UnsafePointer(block.input(1)) : l
        var done = 0
        while done < ctx.frames {
            let n = min(ctx.frames - done, step - inStep)
            var sum = 0.0
            for i in done..<(done + n) {
                let a = left.run(Double(l[i])), b = right.run(Double(r[i]))
                sum += a * a + b * b
            }
            energy += sum
            leftPeak.run(l + done, count: n)
            rightPeak.run(r + done, count: n)
            inStep += n
            done += n
            if inStep == step {
                let s = LoudnessStep(energy: energy / Double(step), truePeak: max(leftPeak.peak, rightPeak.peak),
                                     frame: ctx.clock &+ UInt64(done))
                if !steps.push(s) { dropped.wrappingIncrement(ordering: .relaxed) }
                leftPeak.resetPeak()
                rightPeak.resetPeak()
                energy = 0
                inStep = 0
            }
        }
    }
}
