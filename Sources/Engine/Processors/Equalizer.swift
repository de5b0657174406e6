import DSP

/// The strip EQ: eight bands in a fixed order — high-pass, low shelf, four bells, high
/// shelf, low-pass — each a Simper state-variable filter (two in series for the
/// 24 dB/oct filters). Mono or stereo, in place.
///
/// Every change glides: new coefficients are reached over `rampFrames` by
/// interpolating g, k and the mix per sample (the SVF stays stable throughout), and
/// switching a band on or off crossfades it with its input. A band that is off costs
/// nothing. The control side designs the coefficients (`EqualizerDesign`).
public struct EqualizerProcessor: RealtimeProcessor {
    public static let bandCount = 8

    /// One band's coefficients and switch, as one parameter command:
    /// `[g, k, m0, m1, m2, k2, on]`, `k2` 0 for a single section.
    public struct BandSetting: Equatable, Sendable {
        public var section: SVFCoefficients
        /// k of the second section (24 dB/oct filters), or 0 for none.
        public var k2: Float
        public var on: Bool

        public init(section: SVFCoefficients, k2: Float = 0, on: Bool) {
            self.section = section
            self.k2 = k2
            self.on = on
        }

        public var parameter: ParameterValue {
            [section.g, section.k, section.m0, section.m1, section.m2, k2, on ? 1 : 0]
        }

        init(_ v: ParameterValue) {
            section = SVFCoefficients(g: v[0], k: v[1], m0: v[2], m1: v[3], m2: v[4])
            k2 = v[5]
            on = v[6] != 0
        }

        /// The second section: same frequency, its own k (only filters have one).
        static func second(_ c: SVFCoefficients, _ k2: Float) -> SVFCoefficients {
            SVFCoefficients(g: c.g, k: k2, m0: c.m0, m1: c.m1 == 0 ? 0 : -k2, m2: c.m2)
        }

        /// Control side: the sections the band runs, in order (one, or two for a 24 dB/oct
        /// filter), at their settled coefficients.
        public var sections: [SVFCoefficients] { k2 == 0 ? [section] : [section, Self.second(section, k2)] }
    }

    struct Band {
        var from: SVFCoefficients = .identity
        var to: SVFCoefficients = .identity
        var k2From: Float = 0
        var k2To: Float = 0
        /// Samples left of the coefficient glide.
        var remaining: Int32 = 0
        /// 0 … 1: how much of the filtered signal is heard.
        var wet = Ramp(0)
        /// [stage 0 left, stage 0 right, stage 1 left, stage 1 right]
        var memory = (SVFState(), SVFState(), SVFState(), SVFState())

        var isOff: Bool { wet.isSilent }
    }

    /// The eight bands, in memory of their own (allocated and touched in `init`).
    let bands: UnsafeMutablePointer<Band>
    let rampFrames: Int32
    /// The steady bands as one cascade; while `inCascade`, their memories live in
    /// `lanes` (left ic1, left ic2, right ic1, right ic2), not in the bands.
    var cascade = SVFCascade()
    var lanes = (SIMD8<Float>(repeating: 0), SIMD8<Float>(repeating: 0), SIMD8<Float>(repeating: 0), SIMD8<Float>(repeating: 0))
    var inCascade = false

    /// Control side: every band as `settings` has it, with no glide.
    public init(_ settings: [BandSetting], rampFrames: Int32) {
        self.rampFrames = rampFrames
        var b = [Band](repeating: Band(), count: Self.bandCount)
        for (i, s) in settings.prefix(Self.bandCount).enumerated() {
            b[i].from = s.section
            b[i].to = s.section
            b[i].k2From = s.k2
            b[i].k2To = s.k2
            b[i].wet.snap(to: s.on ? 1 : 0)
        }
        bands = .allocate(capacity: Self.bandCount)
        bands.initialize(from: b, count: Self.bandCount)
    }

    public mutating func release() { bands.deallocate() }

    public static func node(_ settings: [BandSetting], rampFrames: Int32) -> NodeState {
        NodeState(.eq, EqualizerProcessor(settings, rampFrames: rampFrames))
    }

    #if RT_CHECKS
    @_noLocks
    #endif
    func withBand(_ i: Int, _ body: (inout Band) -> Void) {
        body(&bands[i])
    }

    /// Process thread: parameter `index` is band `index`'s `BandSetting`.
    #if RT_CHECKS
    @_noLocks
    #endif
    public mutating func set(_ index: Int32, _ value: ParameterValue) {
        guard index >= 0, index < Self.bandCount else { return }
        leaveCascade()
        let s = BandSetting(value)
        let ramp = rampFrames
        withBand(Int(index)) { b in
            let stagesChange = (b.k2To == 0) != (s.k2 == 0)
            if b.isOff || stagesChange {
                // Not heard, or a change of slope: jump, and start the filter afresh.
                b.from = s.section
                b.to = s.section
                b.k2From = s.k2
                b.k2To = s.k2
                b.remaining = 0
                if b.isOff { b.memory = (SVFState(), SVFState(), SVFState(), SVFState()) }
            } else {
                // Glide from wherever the current glide has got to.
                let t = b.remaining > 0 ? 1 - Float(b.remaining) / Float(ramp) : 1
                b.from = SVFCoefficients.mix(b.from, b.to, t)
                b.k2From = b.k2From + (b.k2To - b.k2From) * t
                b.to = s.section
                b.k2To = s.k2
                b.remaining = ramp
            }
            b.wet.move(to: s.on ? 1 : 0, over: ramp)
        }
    }

    /// Process thread.
    #if RT_CHECKS
    @_noLocks
    #endif
    public mutating func process(_ block: ProcessBlock) {
        let ctx = block.context.pointee
        let count = ctx.frames
        let channels = min(2, min(block.inputCount, block.outputCount))
        // Work in the output (or scratch, at a mix point), then run the bands over it.
        for c in 0..<channels {
            let work = block.adds(c) ? ctx.scratch + c * ctx.scratchStride : block.output(c)
            if UnsafePointer(work) != block.input(c) { Kernels.copy(block.input(c), work, count) }
        }
        if !runSteady(block, channels: channels) {
            let ramp = rampFrames
            for i in 0..<Self.bandCount {
                withBand(i) { b in
                    if b.isOff { return }
                    for c in 0..<channels {
                        let work = block.adds(c) ? ctx.scratch + c * ctx.scratchStride : block.output(c)
                        Self.run(&b, channel: c, work, count, ramp: ramp, last: c == channels - 1)
                    }
                }
            }
        }
        for c in 0..<channels where block.adds(c) {
            Kernels.accumulate(ctx.scratch + c * ctx.scratchStride, block.output(c), count)
        }
        for c in channels..<block.outputCount where !block.adds(c) { Kernels.clear(block.output(c), count) }
    }

    /// The common case: nothing gliding or crossfading. Every section that is on runs as
    /// one `SVFCascade`, built once and kept (with the sections' memories in its lanes)
    /// until a parameter changes. False (nothing done) when something glides, or more
    /// than eight sections are on.
    #if RT_CHECKS
    @_noLocks
    #endif
    mutating func runSteady(_ block: ProcessBlock, channels: Int) -> Bool {
        if !inCascade && !enterCascade() { return false }
        let ctx = block.context.pointee
        for c in 0..<channels {
            let work = block.adds(c) ? ctx.scratch + c * ctx.scratchStride : block.output(c)
            if c == 0 {
                cascade.run(work, ctx.frames, &lanes.0, &lanes.1)
            } else {
                cascade.run(work, ctx.frames, &lanes.2, &lanes.3)
            }
        }
        return true
    }

    /// Build the cascade from the bands that are on and move their memories into its
    /// lanes; false if a band is gliding or there are too many sections.
    #if RT_CHECKS
    @_noLocks
    #endif
    mutating func enterCascade() -> Bool {
        var built = SVFCascade()
        var steady = true
        var l = (SIMD8<Float>(repeating: 0), SIMD8<Float>(repeating: 0), SIMD8<Float>(repeating: 0), SIMD8<Float>(repeating: 0))
        for i in 0..<Self.bandCount {
            withBand(i) { b in
                if b.isOff || !steady { return }
                if b.remaining != 0 || !b.wet.isSteady || built.count + (b.k2To != 0 ? 2 : 1) > 8 {
                    steady = false
                    return
                }
                let lane = built.count
                built.append(SVFKernel(b.to))
                (l.0[lane], l.1[lane], l.2[lane], l.3[lane]) = (b.memory.0.ic1, b.memory.0.ic2, b.memory.1.ic1, b.memory.1.ic2)
                if b.k2To != 0 {
                    built.append(SVFKernel(BandSetting.second(b.to, b.k2To)))
                    (l.0[lane + 1], l.1[lane + 1], l.2[lane + 1], l.3[lane + 1]) = (b.memory.2.ic1, b.memory.2.ic2, b.memory.3.ic1, b.memory.3.ic2)
                }
            }
        }
        guard steady else { return false }
        cascade = built
        lanes = l
        inCascade = true
        return true
    }

    /// Move the lanes' memories back into the bands (before anything changes them).
    #if RT_CHECKS
    @_noLocks
    #endif
    mutating func leaveCascade() {
        guard inCascade else { return }
        inCascade = false
        let l = lanes
        var lane = 0
        for i in 0..<Self.bandCount {
            withBand(i) { b in
                if b.isOff { return }
                b.memory.0.ic1 = l.0[lane]; b.memory.0.ic2 = l.1[lane]
                b.memory.1.ic1 = l.2[lane]; b.memory.1.ic2 = l.3[lane]
                lane += 1
                if b.k2To != 0 {
                    b.memory.2.ic1 = l.0[lane]; b.memory.2.ic2 = l.1[lane]
                    b.memory.3.ic1 = l.2[lane]; b.memory.3.ic2 = l.3[lane]
                    lane += 1
                }
            }
        }
    }

    /// One band over one channel, in place. Glides advance on the last channel, so
    /// both channels see the same coefficients on every sample.
    #if RT_CHECKS
    @_noLocks
    #endif
    static func run(_ b: inout Band, channel c: Int, _ x: UnsafeMutablePointer<Float>, _ count: Int, ramp: Int32, last: Bool) {
        var s0 = c == 0 ? b.memory.0 : b.memory.1
        var s1 = c == 0 ? b.memory.2 : b.memory.3
        let twoStages = b.k2To != 0
        if b.remaining == 0 && b.wet.isSteady {
            let k0 = SVFKernel(b.to)
            k0.run(x, x, count, &s0)
            if twoStages { SVFKernel(BandSetting.second(b.to, b.k2To)).run(x, x, count, &s1) }
        } else {
            var wet = b.wet
            var remaining = b.remaining
            var k0 = SVFKernel(b.to), k1 = SVFKernel(BandSetting.second(b.to, b.k2To))
            for i in 0..<count {
                if remaining > 0 {
                    remaining -= 1
                    let t = 1 - Float(remaining) / Float(ramp)
                    let coefficients = SVFCoefficients.mix(b.from, b.to, t)
                    k0 = SVFKernel(coefficients)
                    if twoStages { k1 = SVFKernel(BandSetting.second(coefficients, b.k2From + (b.k2To - b.k2From) * t)) }
                }
                let dry = x[i]
                var y = k0.tick(dry, &s0)
                if twoStages { y = k1.tick(y, &s1) }
                let w = wet.next()
                x[i] = dry + w * (y - dry)
            }
            if last {
                b.wet = wet
                b.remaining = remaining
                if remaining == 0 { b.from = b.to; b.k2From = b.k2To }
            }
        }
        if c == 0 { b.memory.0 = s0; b.memory.2 = s1 } else { b.memory.1 = s0; b.memory.3 = s1 }
    }
}
