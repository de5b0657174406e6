import DSP

/// Control side: a bus delay's settings.
public struct DelaySettings: Equatable, Sendable, Codable {
    /// A note value synced to the transport tempo: `1/1`, `1/2`, `1/4`, `1/8`, `1/16`,
    /// `1/32`, with `d` for dotted or `t` for triplet (`1/8d`, `1/4t`).
    public var note: String = "1/4"
    /// 0 … 0.95: how much of each echo comes round again.
    public var feedback: Float = 0.35
    /// Hz: a low-pass on the echoes, each pass darker.
    public var highcut: Float = 8000
    /// Echoes alternate left and right.
    public var pingpong = false
    /// 0 dry … 1 wet (equal-gain crossfade); 1 for a bus fed by sends.
    public var mix: Float = 1
    public var on = false

    public init() {}

    /// The note's length in beats (quarter notes), or nil if it is not a note value.
    public static func beats(_ note: String) -> Double? {
        var text = Substring(note)
        var factor = 1.0
        if text.hasSuffix("d") { factor = 1.5; text = text.dropLast() } else if text.hasSuffix("t") { factor = 2.0 / 3; text = text.dropLast() }
        let parts = text.split(separator: "/")
        guard parts.count == 2, parts[0] == "1", let d = Int(parts[1]), [1, 2, 4, 8, 16, 32].contains(d) else { return nil }
        return 4.0 / Double(d) * factor
    }

    enum CodingKeys: String, CodingKey { case note, feedback, highcut, pingpong, mix, on }

    // Every key is optional in a patch.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = DelaySettings()
        note = try c.decode(.note, or: d.note)
        feedback = try c.decode(.feedback, or: d.feedback)
        highcut = try c.decode(.highcut, or: d.highcut)
        pingpong = try c.decode(.pingpong, or: d.pingpong)
        mix = try c.decode(.mix, or: d.mix)
        on = try c.decode(.on, or: d.on)
    }
}

/// A stereo delay synced to the transport tempo: the delay is the note value at the
/// current tempo, rounded to the nearest sample, so taps land on exact samples; when
/// the tempo or note changes, the delay glides there over 50 ms (interpolated reads)
/// instead of jumping. Feedback through a one-pole high-cut; ping-pong crosses the
/// feedback so echoes alternate sides (the input enters on the left).
public struct DelayProcessor: RealtimeProcessor {
    /// [beats]
    public static let note: Int32 = 0
    /// [feedback, high-cut keep, ping-pong 0|1, mix]
    public static let tone: Int32 = 1
    /// [0 | 1]
    public static let on: Int32 = 2

    public static let maxSeconds = 6.0

    var left: DelayLine
    var right: DelayLine
    var beats: Float
    /// Current delay (samples, fractional while gliding) and where it is going.
    var delay: Float = 0
    var delayTarget: Float = 0
    var delayStep: Float = 0
    var glide: Int32 = 0
    var feedback: Float
    var cutKeep: Float
    var pingpong: Bool
    var lowL: Float = 0
    var lowR: Float = 0
    var mix: Ramp
    var wet: Ramp
    let sampleRate: Float
    let glideFrames: Int32
    let rampFrames: Int32

    /// Control side.
    public init(_ s: DelaySettings, sampleRate fs: Double, rampFrames: Int32) {
        let capacity = Int(Self.maxSeconds * fs) + 4
        left = DelayLine(maxDelay: capacity)
        right = DelayLine(maxDelay: capacity)
        beats = Float(DelaySettings.beats(s.note) ?? 1)
        let p = Self.toneParameter(s, sampleRate: fs)
        feedback = p[0]
        cutKeep = p[1]
        pingpong = s.pingpong
        mix = Ramp(s.mix)
        wet = Ramp(s.on ? 1 : 0)
        sampleRate = Float(fs)
        glideFrames = Int32(0.05 * fs)
        self.rampFrames = rampFrames
    }

    public static func node(_ s: DelaySettings, sampleRate: Double, rampFrames: Int32) -> NodeState {
        NodeState(.delay, DelayProcessor(s, sampleRate: sampleRate, rampFrames: rampFrames))
    }

    public mutating func release() {
        left.free()
        right.free()
    }

    static func toneParameter(_ s: DelaySettings, sampleRate fs: Double) -> ParameterValue {
        // One-pole low-pass keep factor for the cut-off: exp(−2π fc / fs).
        let keep = OnePole.keep(seconds: 1 / (2 * Double.pi * Double(s.highcut)), sampleRate: fs)
        return [s.feedback, keep, s.pingpong ? 1 : 0, s.mix]
    }

    public static func changes(from old: DelaySettings?, to new: DelaySettings, sampleRate: Double) -> [(Int32, ParameterValue)] {
        var out: [(Int32, ParameterValue)] = []
        if old?.note != new.note { out.append((note, [Float(DelaySettings.beats(new.note) ?? 1)])) }
        if old?.feedback != new.feedback || old?.highcut != new.highcut || old?.pingpong != new.pingpong || old?.mix != new.mix {
            out.append((tone, toneParameter(new, sampleRate: sampleRate)))
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
        case Self.note: beats = v[0]
        case Self.tone:
            feedback = min(0.95, max(0, v[0]))
            cutKeep = v[1]
            pingpong = v[2] != 0
            mix.move(to: v[3], over: rampFrames)
        case Self.on:
            if wet.isSilent && v[0] != 0 {
                left.clear(); right.clear()
                lowL = 0; lowR = 0
                delay = 0
            }
            wet.move(to: v[0] != 0 ? 1 : 0, over: rampFrames)
        default: break
        }
    }

    /// Process thread: the delay for the note at `tempo`, in whole samples.
    #if RT_CHECKS
    @_noLocks
    #endif
    func samples(tempo: Float) -> Float {
        let exact = beats * 60 / max(1, tempo) * sampleRate
        return min(Float(left.capacity - 2), max(1, Float(Int(exact + 0.5))))
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
        let wanted = samples(tempo: ctx.tempo)
        if delay == 0 {
            (delay, delayTarget, glide) = (wanted, wanted, 0)
        } else if wanted != delayTarget {
            delayTarget = wanted
            delayStep = (wanted - delay) / Float(glideFrames)
            glide = glideFrames
        }
        let outL = ctx.scratch, outR = ctx.scratch + ctx.scratchStride
        for n in 0..<count {
            if glide > 0 {
                glide -= 1
                delay = glide == 0 ? delayTarget : delay + delayStep
            }
            let steady = glide == 0
            let echoL = steady ? left.read(Int(delay)) : left.read(fractional: delay)
            let echoR = steady ? right.read(Int(delay)) : right.read(fractional: delay)
            lowL = echoL + cutKeep * (lowL - echoL)
            lowR = echoR + cutKeep * (lowR - echoR)
            if pingpong {
                left.push(0.5 * (inL[n] + inR[n]) + feedback * lowR)
                right.push(feedback * lowL)
            } else {
                left.push(inL[n] + feedback * lowL)
                right.push(inR[n] + feedback * lowR)
            }
            let w = wet.next() * mix.next()
            outL[n] = inL[n] + w * (echoL - inL[n])
            outR[n] = inR[n] + w * (echoR - inR[n])
        }
        if abs(lowL) < 1e-20 { lowL = 0 }
        if abs(lowR) < 1e-20 { lowR = 0 }
        block.write(0, from: outL)
        block.write(1, from: outR)
    }
}
