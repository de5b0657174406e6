import DSP

/// The fader end of a mixer strip: polarity, audibility (mute and solo), pan law and
/// fader as ramped gains, then peak and RMS meters on what leaves it.
///
/// Inputs: one channel (a mono source) or two. Outputs: post-fader left and right and,
/// when pre-fader sends listen, the pre-fader pair as outputs 2 and 3. Parameters are
/// separate, so a time-tagged pan and an immediate fader move never carry each other's
/// values; each change re-aims the combined gains, which ramp over `rampFrames`.
public struct StripProcessor: RealtimeProcessor {
    /// Linear fader gain.
    public static let fader: Int32 = 0
    /// Pan-law gains: value[0] left, value[1] right (from `PanLaw`, on the control side).
    public static let pan: Int32 = 1
    /// 1 heard, 0 muted or soloed out.
    public static let audible: Int32 = 2
    /// 1, or −1 for inverted polarity.
    public static let polarity: Int32 = 3

    /// Control-side settings of a strip, as the realtime side needs them.
    public struct Gains: Equatable, Sendable {
        public var fader: Float
        public var panLeft: Float
        public var panRight: Float
        public var audible: Bool
        public var polarity: Float

        public init(fader: Float = 1, panLeft: Float = 1, panRight: Float = 1, audible: Bool = true, polarity: Float = 1) {
            self.fader = fader
            self.panLeft = panLeft
            self.panRight = panRight
            self.audible = audible
            self.polarity = polarity
        }

        /// The parameter commands that take a strip from `old` to these gains.
        public func changes(from old: Gains?) -> [(Int32, ParameterValue)] {
            var out: [(Int32, ParameterValue)] = []
            if old?.fader != fader { out.append((StripProcessor.fader, [fader, 0, 0, 0, 0, 0, 0, 0])) }
            if old?.panLeft != panLeft || old?.panRight != panRight {
                out.append((StripProcessor.pan, [panLeft, panRight, 0, 0, 0, 0, 0, 0]))
            }
            if old?.audible != audible { out.append((StripProcessor.audible, [audible ? 1 : 0, 0, 0, 0, 0, 0, 0, 0])) }
            if old?.polarity != polarity { out.append((StripProcessor.polarity, [polarity, 0, 0, 0, 0, 0, 0, 0])) }
            return out
        }
    }

    var gains: Gains
    /// Before the fader: polarity × audible × pan law, per side.
    var left: Ramp
    var right: Ramp
    var faderRamp: Ramp
    var meterLeft = MeterState()
    var meterRight = MeterState()
    /// Where the meters are published (`Published.meter(strip:)`).
    let meterSlot: Int
    let rampFrames: Int32

    /// Control side: a strip already at `gains` (no ramp from silence).
    public init(gains: Gains, meterSlot: Int, rampFrames: Int32) {
        self.gains = gains
        let sign: Float = gains.audible ? gains.polarity : 0
        left = Ramp(gains.panLeft * sign)
        right = Ramp(gains.panRight * sign)
        faderRamp = Ramp(gains.fader)
        self.meterSlot = meterSlot
        self.rampFrames = rampFrames
    }

    public static func node(gains: Gains, meterSlot: Int, rampFrames: Int32) -> NodeState {
        NodeState(.strip, StripProcessor(gains: gains, meterSlot: meterSlot, rampFrames: rampFrames))
    }

    /// Process thread.
    #if RT_CHECKS
    @_noLocks
    #endif
    public mutating func set(_ index: Int32, _ value: ParameterValue) {
        switch index {
        case Self.fader:
            gains.fader = value[0]
            faderRamp.move(to: value[0], over: rampFrames)
            return
        case Self.pan:
            gains.panLeft = value[0]
            gains.panRight = value[1]
        case Self.audible: gains.audible = value[0] != 0
        case Self.polarity: gains.polarity = value[0]
        default: return
        }
        let sign: Float = gains.audible ? gains.polarity : 0
        left.move(to: gains.panLeft * sign, over: rampFrames)
        right.move(to: gains.panRight * sign, over: rampFrames)
    }

    /// Process thread.
    #if RT_CHECKS
    @_noLocks
    #endif
    public mutating func process(_ block: ProcessBlock) {
        let ctx = block.context.pointee
        let count = ctx.frames
        defer {
            ctx.published.storeMeter(
                strip: meterSlot, peak: max(meterLeft.peak, meterRight.peak),
                meanSquare: max(meterLeft.meanSquare, meterRight.meanSquare)
            )
        }
        if left.isSilent && right.isSilent || block.inputCount == 0 {
            // Nothing it passes is heard: skip the work, let the meters fall.
            meterLeft.decay(ctx.meters)
            meterRight.decay(ctx.meters)
            block.silenceOutputs()
            return
        }
        let inL = block.input(0), inR = block.inputCount >= 2 ? block.input(1) : block.input(0)
        if block.outputCount == 2 && left.isSteady && right.isSteady && faderRamp.isSteady && block.adds(0) == block.adds(1) {
            // Steady gains and no pre-fader listeners (the common case): one pass per
            // source channel that meters it and writes (or adds) both sides.
            let gl = left.value * faderRamp.value, gr = right.value * faderRamp.value
            let add = block.adds(0)
            if inL == inR {
                let a = Kernels.panMetered(inL, block.output(0), block.output(1), count, gainLeft: gl, gainRight: gr, add: add)
                meterLeft.update(blockPeak: a.peak * abs(gl), sumOfSquares: a.sumOfSquares * gl * gl, ctx.meters)
                meterRight.update(blockPeak: a.peak * abs(gr), sumOfSquares: a.sumOfSquares * gr * gr, ctx.meters)
            } else {
                let a = Kernels.scaleMetered(inL, block.output(0), count, gain: gl, add: add)
                let b = Kernels.scaleMetered(inR, block.output(1), count, gain: gr, add: add)
                meterLeft.update(blockPeak: a.peak * abs(gl), sumOfSquares: a.sumOfSquares * gl * gl, ctx.meters)
                meterRight.update(blockPeak: b.peak * abs(gr), sumOfSquares: b.sumOfSquares * gr * gr, ctx.meters)
            }
            return
        }
        // Ramping, or feeding pre-fader sends: pre-fader signal in scratch, then the fader.
        let preL = ctx.scratch, preR = ctx.scratch + ctx.scratchStride
        Kernels.multiply(inL, preL, count, ramp: &left)
        Kernels.multiply(inR, preR, count, ramp: &right)
        if block.outputCount >= 4 {
            block.write(2, from: preL)
            block.write(3, from: preR)
        }
        var fader = faderRamp
        Kernels.multiply(preL, preL, count, ramp: &fader)
        Kernels.multiply(preR, preR, count, ramp: &faderRamp)
        meterLeft.update(preL, ctx.meters)
        meterRight.update(preR, ctx.meters)
        block.write(0, from: preL)
        block.write(1, from: preR)
    }
}
