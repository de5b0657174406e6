import DSP

/// Control side: a gate's settings in a mixer's terms.
public struct GateSettings: Equatable, Sendable, Codable {
    /// dBFS: the gate opens at this level.
    public var threshold: Float = -40
    /// dB of attenuation while closed (90 or more: silence).
    public var range: Float = 60
    /// dB below the threshold the level must fall before the gate closes.
    public var hysteresis: Float = 3
    /// ms to open (time constant)
    public var attack: Float = 0.5
    /// ms the gate stays open after the level falls
    public var hold: Float = 20
    /// ms to close (time constant)
    public var release: Float = 100
    public var on = false

    public init() {}

    enum CodingKeys: String, CodingKey { case threshold, range, hysteresis, attack, hold, release, on }

    // Every key is optional in a patch or preset.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = GateSettings()
        threshold = try c.decode(.threshold, or: d.threshold)
        range = try c.decode(.range, or: d.range)
        hysteresis = try c.decode(.hysteresis, or: d.hysteresis)
        attack = try c.decode(.attack, or: d.attack)
        hold = try c.decode(.hold, or: d.hold)
        release = try c.decode(.release, or: d.release)
        on = try c.decode(.on, or: d.on)
    }
}

/// Gate with range, hysteresis and hold. The level is a peak envelope (instant rise,
/// 5 ms fall, so a waveform's zero crossings do not count as falling). The gate opens
/// when it reaches the threshold and closes once it has stayed below threshold −
/// hysteresis for the hold time; the gain moves between 1 and the range with the attack
/// (opening) and release (closing) time constants.
public struct GateProcessor: RealtimeProcessor {
    /// [threshold dB, hysteresis dB, closed gain (linear)]
    public static let levels: Int32 = 0
    /// [attack keep, release keep, hold frames]
    public static let times: Int32 = 1
    /// [0 | 1]
    public static let on: Int32 = 2

    var threshold: Float
    var closeBelow: Float
    var closedGain: Float
    var attackKeep: Float
    var releaseKeep: Float
    var holdFrames: Float
    var wet: Ramp
    var envelope: Float = 0
    var open = false
    var held: Float = 0
    var gain: Float
    let envelopeKeep: Float
    let rampFrames: Int32

    /// Control side.
    public init(_ s: GateSettings, sampleRate: Double, rampFrames: Int32) {
        let p = Self.parameters(s, sampleRate: sampleRate)
        threshold = p.levels[0]
        closeBelow = p.levels[0] - p.levels[1]
        closedGain = p.levels[2]
        attackKeep = p.times[0]
        releaseKeep = p.times[1]
        holdFrames = p.times[2]
        wet = Ramp(s.on ? 1 : 0)
        gain = closedGain
        envelopeKeep = OnePole.keep(seconds: 0.005, sampleRate: sampleRate)
        self.rampFrames = rampFrames
    }

    public static func node(_ s: GateSettings, sampleRate: Double, rampFrames: Int32) -> NodeState {
        NodeState(.gate, GateProcessor(s, sampleRate: sampleRate, rampFrames: rampFrames))
    }

    static func parameters(_ s: GateSettings, sampleRate: Double) -> (levels: ParameterValue, times: ParameterValue) {
        let closed = s.range >= 90 ? 0 : Decibels.toGain(-s.range)
        let keep = { (ms: Float) in OnePole.keep(ms: ms, sampleRate: sampleRate) }
        return ([s.threshold, s.hysteresis, closed], [keep(s.attack), keep(s.release), Float(Double(s.hold) * sampleRate / 1000)])
    }

    /// Control side: the parameter commands that bring a node at `old` to `new`.
    public static func changes(from old: GateSettings?, to new: GateSettings, sampleRate: Double) -> [(Int32, ParameterValue)] {
        let p = parameters(new, sampleRate: sampleRate)
        var out: [(Int32, ParameterValue)] = []
        if old?.threshold != new.threshold || old?.hysteresis != new.hysteresis || old?.range != new.range { out.append((levels, p.levels)) }
        if old?.attack != new.attack || old?.release != new.release || old?.hold != new.hold { out.append((times, p.times)) }
        if old?.on != new.on { out.append((on, [new.on ? 1 : 0])) }
        return out
    }

    /// Process thread.
    #if RT_CHECKS
    @_noLocks
    #endif
    public mutating func set(_ index: Int32, _ v: ParameterValue) {
        switch index {
        case Self.levels: (threshold, closeBelow, closedGain) = (v[0], v[0] - v[1], v[2])
        case Self.times: (attackKeep, releaseKeep, holdFrames) = (v[0], v[1], v[2])
        case Self.on: wet.move(to: v[0] != 0 ? 1 : 0, over: rampFrames)
        default: break
        }
    }

    /// Process thread.
    #if RT_CHECKS
    @_noLocks
    #endif
    public mutating func process(_ block: ProcessBlock) {
        let ctx = block.context.pointee
        let count = ctx.frames
        let channels = min(2, min(block.outputCount, block.inputCount))
        guard channels > 0 else { return block.silenceOutputs() }
        if wet.isSilent {
            block.passThrough(channels)
            return
        }
        let inL = block.input(0), inR = channels == 2 ? block.input(1) : block.input(0)
        let gains = ctx.scratch
        for i in 0..<count {
            envelope = max(max(abs(inL[i]), abs(inR[i])), envelope * envelopeKeep)
            let level = FastMath.db(envelope)
            if level >= threshold {
                open = true
                held = 0
            } else if open && level < closeBelow {
                held += 1
                if held >= holdFrames { open = false }
            }
            let target: Float = open ? 1 : closedGain
            let keep = target > gain ? attackKeep : releaseKeep
            gain = keep * gain + (1 - keep) * target
            let w = wet.next()
            gains[i] = 1 + w * (gain - 1)
        }
        if envelope < 1e-20 { envelope = 0 }
        for c in 0..<channels { block.write(c, from: c == 0 ? inL : inR, gains: gains) }
    }
}
