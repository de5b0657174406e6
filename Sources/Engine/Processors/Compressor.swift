import DSP

/// Control side: a compressor's settings in a mixer's terms.
public struct CompressorSettings: Equatable, Sendable, Codable {
    public enum Detection: String, Sendable, Codable { case peak, rms }
    /// dBFS
    public var threshold: Float = -18
    public var ratio: Float = 4
    /// dB, centred on the threshold
    public var knee: Float = 6
    /// ms
    public var attack: Float = 10
    /// ms
    public var release: Float = 100
    /// dB
    public var makeup: Float = 0
    public var detect: Detection = .peak
    /// Track or bus id whose post-fader signal keys it; nil for its own input.
    public var sidechain: Int?
    public var on = false

    public init() {}

    enum CodingKeys: String, CodingKey { case threshold, ratio, knee, attack, release, makeup, detect, sidechain, on }

    // Every key is optional in a patch or preset.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = CompressorSettings()
        threshold = try c.decode(.threshold, or: d.threshold)
        ratio = try c.decode(.ratio, or: d.ratio)
        knee = try c.decode(.knee, or: d.knee)
        attack = try c.decode(.attack, or: d.attack)
        release = try c.decode(.release, or: d.release)
        makeup = try c.decode(.makeup, or: d.makeup)
        detect = try c.decode(.detect, or: d.detect)
        sidechain = try c.decodeIfPresent(Int.self, forKey: .sidechain)
        on = try c.decode(.on, or: d.on)
    }
}

/// Compressor with a soft knee (`GainComputer`), peak or RMS detection, stereo-linked,
/// keyed by its own input or by a side-chain (inputs after its own channels). Gain
/// reduction goes to the strip's meter slot for the feedback. Switching it on or off
/// crossfades over the ramp.
public struct CompressorProcessor: RealtimeProcessor {
    /// [threshold dB, ratio, knee dB]
    public static let curve: Int32 = 0
    /// [attack keep, release keep]: per-sample one-pole coefficients exp(−1/(τ·fs)).
    public static let times: Int32 = 1
    /// [linear make-up gain]
    public static let makeup: Int32 = 2
    /// [0 peak, 1 RMS]
    public static let detect: Int32 = 3
    /// [0 | 1]
    public static let on: Int32 = 4

    var computer: GainComputer
    var attackKeep: Float
    var releaseKeep: Float
    var makeupGain: Ramp
    var rms: Bool
    var wet: Ramp
    var ballistics = BallisticsState()
    var meanSquare: Float = 0
    /// Keep factor of the RMS detector's 10 ms average.
    let rmsKeep: Float
    let meterSlot: Int
    let rampFrames: Int32

    /// Control side.
    public init(_ s: CompressorSettings, sampleRate: Double, meterSlot: Int, rampFrames: Int32) {
        computer = GainComputer(threshold: s.threshold, ratio: s.ratio, knee: s.knee)
        (attackKeep, releaseKeep) = Self.keeps(s, sampleRate: sampleRate)
        makeupGain = Ramp(Decibels.toGain(s.makeup))
        rms = s.detect == .rms
        wet = Ramp(s.on ? 1 : 0)
        rmsKeep = OnePole.keep(seconds: 0.01, sampleRate: sampleRate)
        self.meterSlot = meterSlot
        self.rampFrames = rampFrames
    }

    public static func node(_ s: CompressorSettings, sampleRate: Double, meterSlot: Int, rampFrames: Int32) -> NodeState {
        NodeState(.compressor, CompressorProcessor(s, sampleRate: sampleRate, meterSlot: meterSlot, rampFrames: rampFrames))
    }

    /// Control side: per-sample keep factors for the attack and release times.
    public static func keeps(_ s: CompressorSettings, sampleRate: Double) -> (Float, Float) {
        (OnePole.keep(ms: s.attack, sampleRate: sampleRate), OnePole.keep(ms: s.release, sampleRate: sampleRate))
    }

    /// Control side: the parameter commands that bring a node at `old` to `new`.
    public static func changes(from old: CompressorSettings?, to new: CompressorSettings, sampleRate: Double) -> [(Int32, ParameterValue)] {
        var out: [(Int32, ParameterValue)] = []
        if old?.threshold != new.threshold || old?.ratio != new.ratio || old?.knee != new.knee {
            out.append((curve, [new.threshold, new.ratio, new.knee]))
        }
        if old?.attack != new.attack || old?.release != new.release {
            let k = keeps(new, sampleRate: sampleRate)
            out.append((times, [k.0, k.1]))
        }
        if old?.makeup != new.makeup { out.append((makeup, [Decibels.toGain(new.makeup)])) }
        if old?.detect != new.detect { out.append((detect, [new.detect == .rms ? 1 : 0])) }
        if old?.on != new.on { out.append((on, [new.on ? 1 : 0])) }
        return out
    }

    /// Process thread.
    #if RT_CHECKS
    @_noLocks
    #endif
    public mutating func set(_ index: Int32, _ v: ParameterValue) {
        switch index {
        case Self.curve: computer = GainComputer(threshold: v[0], ratio: v[1], knee: v[2])
        case Self.times: (attackKeep, releaseKeep) = (v[0], v[1])
        case Self.makeup: makeupGain.move(to: v[0], over: rampFrames)
        case Self.detect: rms = v[0] != 0
        case Self.on:
            if wet.isSilent && v[0] != 0 { ballistics = BallisticsState(); meanSquare = 0 }
            wet.move(to: v[0] != 0 ? 1 : 0, over: rampFrames)
        default: break
        }
    }

    /// Process thread: x ← scale · 20·log10(x), in place.
    #if RT_CHECKS
    @_noLocks
    #endif
    static func decibels(_ x: UnsafeMutablePointer<Float>, _ count: Int, scale: Float) {
        let k = 6.020599913279624 * scale
        var i = 0
        while i + 8 <= count {
            let v = UnsafeMutableRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(x + i).storeBytes(of: FastMath.log2(v) * k, as: SIMD8<Float>.self)
            i += 8
        }
        while i < count { x[i] = k * FastMath.log2(x[i]); i += 1 }
    }

    /// Process thread: x ← 10^(x/20), in place.
    #if RT_CHECKS
    @_noLocks
    #endif
    static func gainsFromDecibels(_ x: UnsafeMutablePointer<Float>, _ count: Int) {
        let k: Float = 0.16609640474436813
        var i = 0
        while i + 8 <= count {
            let v = UnsafeMutableRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(x + i).storeBytes(of: FastMath.exp2(v * k), as: SIMD8<Float>.self)
            i += 8
        }
        while i < count { x[i] = FastMath.exp2(k * x[i]); i += 1 }
    }

    /// Process thread.
    #if RT_CHECKS
    @_noLocks
    #endif
    public mutating func process(_ block: ProcessBlock) {
        let ctx = block.context.pointee
        let count = ctx.frames
        let channels = min(2, block.outputCount)
        guard channels > 0, block.inputCount >= channels else { return block.silenceOutputs() }
        let inL = block.input(0), inR = channels == 2 ? block.input(1) : block.input(0)
        // The key: a side-chain's channels when wired, else the input itself.
        let keyed = block.inputCount > channels
        let keyL = keyed ? block.input(channels) : inL
        let keyR = keyed && block.inputCount > channels + 1 ? block.input(channels + 1) : keyL
        if wet.isSilent {
            block.passThrough(channels)
            ctx.published.storeGainReduction(strip: meterSlot, db: 0)
            return
        }
        // Three passes, so the logarithms and exponentials run eight lanes wide:
        // levels in dB, then the (serial) gain computer and ballistics, then gains.
        // All in scratch: the outputs may be the inputs (in place).
        let levels = ctx.scratch, gains = ctx.scratch + ctx.scratchStride
        if rms {
            for i in 0..<count {
                let level = max(abs(keyL[i]), abs(keyR[i]))
                meanSquare = rmsKeep * meanSquare + (1 - rmsKeep) * level * level
                levels[i] = meanSquare
            }
            if meanSquare < 1e-30 { meanSquare = 0 }
            Self.decibels(levels, count, scale: 0.5)
        } else {
            for i in 0..<count { levels[i] = max(abs(keyL[i]), abs(keyR[i])) }
            Self.decibels(levels, count, scale: 1)
        }
        var most: Float = 0
        for i in 0..<count {
            let reduction = ballistics.follow(computer.reduction(levels[i]), attackKeep: attackKeep, releaseKeep: releaseKeep)
            most = max(most, reduction)
            gains[i] = -reduction
        }
        ctx.published.storeGainReduction(strip: meterSlot, db: most)
        Self.gainsFromDecibels(gains, count)
        if wet.isSteady && makeupGain.isSteady {
            let makeup = makeupGain.value, w = wet.value
            for i in 0..<count { gains[i] = 1 + w * (gains[i] * makeup - 1) }
        } else {
            // Crossfade dry (gain 1) and compressed.
            for i in 0..<count { gains[i] = 1 + wet.next() * (gains[i] * makeupGain.next() - 1) }
        }
        for c in 0..<channels { block.write(c, from: c == 0 ? inL : inR, gains: gains) }
    }
}
