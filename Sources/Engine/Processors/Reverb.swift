import DSP

/// Control side: a bus reverb's settings.
public struct ReverbSettings: Equatable, Sendable, Codable {
    /// Room size: scales every delay line, 0.5 … 2.
    public var size: Float = 1
    /// RT60 in seconds: the time the tail takes to fall by 60 dB (at low frequencies
    /// when damped).
    public var decay: Float = 2
    /// High-frequency damping in the loop, 0 (none) … 1.
    public var damping: Float = 0.3
    /// ms before the tail starts
    public var predelay: Float = 10
    /// 0 dry … 1 wet (equal-gain crossfade); 1 for a bus fed by sends.
    public var mix: Float = 1
    public var on = false

    public init() {}

    enum CodingKeys: String, CodingKey { case size, decay, damping, predelay, mix, on }

    // Every key is optional in a patch.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = ReverbSettings()
        size = try c.decode(.size, or: d.size)
        decay = try c.decode(.decay, or: d.decay)
        damping = try c.decode(.damping, or: d.damping)
        predelay = try c.decode(.predelay, or: d.predelay)
        mix = try c.decode(.mix, or: d.mix)
        on = try c.decode(.on, or: d.on)
    }
}

/// An eight-line feedback delay network (Jot's design): a mono sum of the input, a
/// pre-delay, four Schroeder allpasses to diffuse the onset, then eight delay lines of
/// mutually prime lengths mixed by a Householder matrix (lossless, O(n)). Each line
/// loses `10^(−3·length / (fs·RT60))` per pass, so every path decays at the set RT60;
/// a one-pole low-pass in each loop damps the highs. Size changes glide the line
/// lengths (interpolated reads), so nothing clicks. Stereo out from alternate lines.
public struct ReverbProcessor: RealtimeProcessor {
    /// [g0 … g7]: each line's loss per pass.
    public static let gains: Int32 = 0
    /// [size, damping keep, pre-delay samples, mix]
    public static let shape: Int32 = 1
    /// [0 | 1]
    public static let on: Int32 = 2

    /// Line lengths at size 1, in ms (mutually prime in samples at common rates).
    static let baseMs: [Double] = [29.7, 37.1, 41.1, 43.7, 53.3, 59.9, 67.7, 73.1]
    static let diffuserMs: [Double] = [4.7, 3.6, 12.7, 9.3]
    static let maxSize: Float = 2
    static let maxPredelayMs: Double = 500

    let lines: UnsafeMutablePointer<DelayLine>
    let diffusers: UnsafeMutablePointer<DelayLine>
    var predelayLine: DelayLine
    /// Per line: current and target length (samples), loss, low-pass memory.
    let length: UnsafeMutablePointer<Float>
    let target: UnsafeMutablePointer<Float>
    let step: UnsafeMutablePointer<Float>
    let loss: UnsafeMutablePointer<Float>
    let lowpass: UnsafeMutablePointer<Float>
    var glide: Int32 = 0
    var dampKeep: Float
    var predelay: Float
    var predelayTarget: Float
    var predelayStep: Float = 0
    var mix: Ramp
    var wet: Ramp
    let diffuserLength: (Int, Int, Int, Int)
    /// Each line's length at size 1, in samples.
    let baseSamples: SIMD8<Float>
    let glideFrames: Int32
    let rampFrames: Int32

    /// Control side: allocates every line for the largest size, touching all of it.
    public init(_ s: ReverbSettings, sampleRate fs: Double, rampFrames: Int32) {
        let base = Self.baseMs.map { Float($0 * fs / 1000) }
        baseSamples = SIMD8(base)
        lines = .allocate(capacity: 8)
        for i in 0..<8 { (lines + i).initialize(to: DelayLine(maxDelay: Int(base[i] * Self.maxSize) + 4)) }
        let d = Self.diffuserMs.map { Int($0 * fs / 1000) }
        diffuserLength = (d[0], d[1], d[2], d[3])
        diffusers = .allocate(capacity: 4)
        for i in 0..<4 { (diffusers + i).initialize(to: DelayLine(maxDelay: d[i] + 2)) }
        predelayLine = DelayLine(maxDelay: Int(Self.maxPredelayMs * fs / 1000) + 4)
        func floats(_ v: [Float]) -> UnsafeMutablePointer<Float> {
            let p = UnsafeMutablePointer<Float>.allocate(capacity: 8)
            p.initialize(from: v, count: 8)
            return p
        }
        let p = Self.parameters(s, sampleRate: fs)
        length = floats(base.map { $0 * s.size })
        target = floats(base.map { $0 * s.size })
        step = floats([Float](repeating: 0, count: 8))
        loss = floats((0..<8).map { p.gains[$0] })
        lowpass = floats([Float](repeating: 0, count: 8))
        dampKeep = p.shape[1]
        predelay = p.shape[2]
        predelayTarget = p.shape[2]
        mix = Ramp(s.mix)
        wet = Ramp(s.on ? 1 : 0)
        glideFrames = Int32(0.05 * fs)
        self.rampFrames = rampFrames
    }

    public static func node(_ s: ReverbSettings, sampleRate: Double, rampFrames: Int32) -> NodeState {
        NodeState(.reverb, ReverbProcessor(s, sampleRate: sampleRate, rampFrames: rampFrames))
    }

    public mutating func release() {
        for i in 0..<8 { lines[i].free() }
        for i in 0..<4 { diffusers[i].free() }
        predelayLine.free()
        lines.deallocate(); diffusers.deallocate()
        for p in [length, target, step, loss, lowpass] { p.deallocate() }
    }

    /// Control side: the parameters for `s`. A line loses 60 dB per RT60 of delay, so
    /// one pass through a line of `length` loses 60 · length / RT60 dB.
    public static func parameters(_ s: ReverbSettings, sampleRate fs: Double) -> (gains: ParameterValue, shape: ParameterValue) {
        let g = baseMs.map { ms in Decibels.toGain(Float(-60 * ms / 1000 * Double(s.size) / Double(s.decay))) }
        // Damping: the loop low-pass's pole, up to 0.7 (a gentle roll-off from ~2 kHz).
        let keep = s.damping * 0.7
        return (ParameterValue(g), [s.size, keep, Float(Double(s.predelay) * fs / 1000), s.mix])
    }

    public static func changes(from old: ReverbSettings?, to new: ReverbSettings, sampleRate: Double) -> [(Int32, ParameterValue)] {
        let p = parameters(new, sampleRate: sampleRate)
        var out: [(Int32, ParameterValue)] = []
        if old?.size != new.size || old?.decay != new.decay { out.append((gains, p.gains)) }
        if old?.size != new.size || old?.damping != new.damping || old?.predelay != new.predelay || old?.mix != new.mix {
            out.append((shape, p.shape))
        }
        if old?.on != new.on { out.append((on, [new.on ? 1 : 0])) }
        return out
    }

    /// Process thread.
    #if RT_CHECKS
    @_noLocks
    #endif
    public mutating func set(_ index: Int32, _ v: ParameterValue) {
        switch index {
        case Self.gains:
            for i in 0..<8 { loss[i] = v[i] }
        case Self.shape:
            let size = min(Self.maxSize, max(0.25, v[0]))
            for i in 0..<8 {
                target[i] = baseSamples[i] * size
                step[i] = (target[i] - length[i]) / Float(glideFrames)
            }
            glide = glideFrames
            dampKeep = v[1]
            predelayTarget = min(Float(predelayLine.capacity - 2), max(0, v[2]))
            predelayStep = (predelayTarget - predelay) / Float(glideFrames)
            mix.move(to: v[3], over: rampFrames)
        case Self.on:
            if wet.isSilent && v[0] != 0 { clear() }
            wet.move(to: v[0] != 0 ? 1 : 0, over: rampFrames)
        default: break
        }
    }

    /// Process thread: empty every line (bounded by the node's size).
    #if RT_CHECKS
    @_noLocks
    #endif
    mutating func clear() {
        for i in 0..<8 { lines[i].clear(); lowpass[i] = 0 }
        for i in 0..<4 { diffusers[i].clear() }
        predelayLine.clear()
    }

    /// Process thread.
    #if RT_CHECKS
    @_noLocks
    #endif
    public mutating func process(_ block: ProcessBlock) {
        let ctx = block.context.pointee
        let count = ctx.frames
        guard block.inputCount >= 1, block.outputCount >= 2 else { return block.silenceOutputs() }
        let inL = block.input(0), inR = block.inputCount >= 2 ? block.input(1) : block.input(0)
        if wet.isSilent {
            block.write(0, from: inL)
            block.write(1, from: inR)  // a mono input on both sides
            return
        }
        // Wet signal into scratch first: the outputs may be the inputs.
        let wetL = ctx.scratch, wetR = ctx.scratch + ctx.scratchStride
        let d = diffuserLength
        let damp = dampKeep
        // The sign the input enters each line with (a local: a static would be
        // initialised lazily, behind a lock).
        let injection = SIMD8<Float>(1, -1, 1, -1, 1, -1, 1, -1)
        for n in 0..<count {
            if glide > 0 {
                glide -= 1
                for i in 0..<8 { length[i] = glide == 0 ? target[i] : length[i] + step[i] }
                predelay = glide == 0 ? predelayTarget : predelay + predelayStep
            }
            // Mono in, pre-delayed, diffused.
            predelayLine.push(0.5 * (inL[n] + inR[n]))
            // Whole-sample reads unless gliding: interpolating between samples is a
            // low-pass, and in a loop it would shorten the high-frequency decay.
            let gliding = glide > 0
            var x = predelay < 1 ? 0.5 * (inL[n] + inR[n])
                : gliding ? predelayLine.read(fractional: predelay) : predelayLine.read(Int(predelay + 0.5))
            x = Self.allpass(&diffusers[0], x, d.0)
            x = Self.allpass(&diffusers[1], x, d.1)
            x = Self.allpass(&diffusers[2], x, d.2)
            x = Self.allpass(&diffusers[3], x, d.3)
            // Read, damp and attenuate each line; mix by Householder (y − 2/N·Σy); write
            // back with the input, alternating in sign.
            // (Lanes by constant index: writing a vector's lanes by a runtime index
            // spills it to memory, twice the cost of the whole reverb.)
            let o = SIMD8<Float>(
                tap(0, gliding, damp), tap(1, gliding, damp), tap(2, gliding, damp), tap(3, gliding, damp),
                tap(4, gliding, damp), tap(5, gliding, damp), tap(6, gliding, damp), tap(7, gliding, damp)
            )
            let mixed = o - 0.25 * o.sum() + 0.35 * x * injection
            lines[0].push(mixed[0]); lines[1].push(mixed[1]); lines[2].push(mixed[2]); lines[3].push(mixed[3])
            lines[4].push(mixed[4]); lines[5].push(mixed[5]); lines[6].push(mixed[6]); lines[7].push(mixed[7])
            wetL[n] = 0.5 * (o[0] - o[2] + o[4] - o[6])
            wetR[n] = 0.5 * (o[1] - o[3] + o[5] - o[7])
        }
        for i in 0..<8 where abs(lowpass[i]) < 1e-20 { lowpass[i] = 0 }
        // out = dry + on·mix·(wet − dry), equal-gain crossfade.
        for n in 0..<count {
            let w = wet.next() * mix.next()
            wetL[n] = inL[n] + w * (wetL[n] - inL[n])
            wetR[n] = inR[n] + w * (wetR[n] - inR[n])
        }
        block.write(0, from: wetL)
        block.write(1, from: wetR)
    }

    /// Line `i`'s output: read (whole samples unless gliding), damped, attenuated.
    #if RT_CHECKS
    @_noLocks
    #endif
    @inline(__always)
    func tap(_ i: Int, _ gliding: Bool, _ damp: Float) -> Float {
        let y = gliding ? lines[i].read(fractional: length[i]) : lines[i].read(Int(length[i] + 0.5))
        lowpass[i] = y + damp * (lowpass[i] - y)
        return lowpass[i] * loss[i]
    }

    /// A Schroeder allpass, gain 0.6: w = x + g·w[n−M]; y = w[n−M] − g·w.
    #if RT_CHECKS
    @_noLocks
    #endif
    @inline(__always)
    static func allpass(_ line: inout DelayLine, _ x: Float, _ m: Int) -> Float {
        let delayed = line.read(m)
        let w = x + 0.6 * delayed
        line.push(w)
        return delayed - 0.6 * w
    }
}
