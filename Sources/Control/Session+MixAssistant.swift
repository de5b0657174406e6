import Analysis
import AudioFiles
import DSP
import Engine
import Foundation

/// What `/mix/suggest` and `dawg mix suggest` answer: every measured track, the mix
/// they make, and the suggestions.
public struct MixReport: Encodable, Sendable {
    public struct Track: Encodable, Sendable {
        public var id: Int
        public var name: String
        public var role: MixRole
        public var roleSource: String
        public var gainDb: Double
        public var pan: Double
        public var measure: TrackMeasure

        enum CodingKeys: String, CodingKey { case id, name, role, roleSource = "role_source", gainDb = "gain_db", pan, measure }

        /// A fader at −inf is `null`: JSON has no infinities.
        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(id, forKey: .id)
            try c.encode(name, forKey: .name)
            try c.encode(role, forKey: .role)
            try c.encode(roleSource, forKey: .roleSource)
            try c.encode(gainDb.isFinite ? gainDb : nil, forKey: .gainDb)
            try c.encode(pan, forKey: .pan)
            try c.encode(measure, forKey: .measure)
        }
    }

    public var tracks: [Track]
    /// The tracks summed as the master hears them (EQ, fader, pan, mute and solo; the
    /// gate and compressor are not modelled), at the master's gain.
    public var mix: TrackMeasure?
    public var suggestions: [MixSuggestion]
}

/// What `/mix/auto_level` did: each strip's gain before and after, and the mix's
/// loudness and true peak before and after.
public struct AutoLevelReport: Encodable, Sendable {
    public var gains: [String: [Double]]
    public var before: [String: Double?]
    public var after: [String: Double?]
    public var moves: [MixMove]
}

/// The mix assistant on the session: it measures every track that has audio (its
/// file's or take's clip, or a MIDI track's synth, through its EQ — the engine's own
/// filters — and its fader), asks
/// `MixAdvisor`, and
/// applies moves through the same calls OSC makes, remembering what each step replaced
/// so `undoMix` can put it back.
extension Session {
    struct MixSource {
        var track: TrackSettings
        /// The source through the strip's EQ: one or two channels.
        var channels: [[Float]]
        var audible: Bool
        var frames: Int { channels[0].count }
        var isStereo: Bool { channels.count == 2 }
    }

    /// `audio` as `track`'s clip plays it: the trimmed stretch, through the clip's gain
    /// and fades (the engine's own envelope).
    func clipped(_ audio: DecodedAudio, _ track: TrackSettings) -> [[Float]] {
        let sides = audio.isStereo ? [audio.left, audio.right] : [audio.left]
        guard track.clip != nil, let p = try? clipPlacement(frames: Int64(audio.frames), track: track) else {
            return sides.map { Array(UnsafeBufferPointer(start: $0, count: audio.frames)) }
        }
        return sides.map { side in (0..<Int(p.length)).map { i in side[Int(p.offset) + i] * p.envelope(Int64(i)) } }
    }

    /// `channels` through `eq` as the engine's EQ runs it (the same SVF sections).
    func equalised(_ channels: [[Float]], _ eq: EQSettings) -> [[Float]] {
        var out = channels
        guard eq.on else { return out }
        for band in EqualizerDesign.Band.allCases where eq.band(band).on {
            for c in EqualizerDesign.setting(band, eq.band(band), sampleRate: sampleRate).sections {
                let kernel = SVFKernel(c)
                for i in out.indices {
                    var state = SVFState()
                    out[i].withUnsafeMutableBufferPointer { b in kernel.run(b.baseAddress!, b.baseAddress!, b.count, &state) }
                }
            }
        }
        return out
    }

    /// Any control thread (not holding the session lock): the tracks with audio now.
    /// Streamed files are decoded here, off the lock; MIDI tracks rendered by a synth of
    /// their own.
    func mixSources() throws -> [MixSource] {
        let (tracks, decoded, audible, streamed, played) = locked {
            () -> ([TrackSettings], [Int: DecodedAudio], MixLogic.Audibility, [Int: String], [Int: MIDITrackSource]) in
            var d: [Int: DecodedAudio] = [:], s: [Int: String] = [:]
            for t in patch.tracks {
                if let a = audio[t.id] { d[t.id] = a } else if let (_, a) = takeAudio[t.id] { d[t.id] = a } else if streams[t.id] != nil, let f = t.file {
                    s[t.id] = f
                }
            }
            return (patch.tracks, d, MixLogic.audibility(patch), s, midi)
        }
        var out: [MixSource] = []
        for t in tracks {
            let channels: [[Float]]
            if let source = played[t.id] {
                // From the track's position, as `mixdown` places it.
                let from = Int64((t.position ?? 0) * sampleRate)
                guard let sound = try source.rendered(sampleRate: sampleRate, program: t.program, from: from) else { continue }  // no SoundFont
                channels = equalised(sound, t.strip.eq)
            } else {
                var a = decoded[t.id]
                if a == nil, let file = streamed[t.id] { a = try AudioFileReader.decode(path: try paths.resolve(file, mustExist: true), sampleRate: sampleRate) }
                guard let a else { continue }  // a live input with no take: nothing to measure
                channels = equalised(clipped(a, t), t.strip.eq)
            }
            out.append(MixSource(track: t, channels: channels, audible: audible.isAudible(.track(t.id))))
        }
        return out
    }

    /// One track as the advisor sees it, measured at `gainDb`.
    func mixTrack(_ s: MixSource, gainDb: Double? = nil) -> MixTrack {
        let t = s.track, strip = t.strip
        let gain = gainDb ?? Double(strip.gain)
        let m = withBuffers(s.channels) { TrackMeasure.measure($0, sampleRate: sampleRate, gain: Float(Decibels.toGain(Float(gain)))) }
        let (role, source): (MixRole, String) = if let named = t.role.flatMap(MixRole.init(rawValue:)) {
            (named, "patch")
        } else if let named = MixRole.named(t.name) {
            (named, "name")
        } else {
            (MixRole.guess(m), "sound")
        }
        let bells = ["peak1", "peak2", "peak3", "peak4"].filter { !strip.eq.band(EqualizerDesign.Band(rawValue: $0)!).on }
        return MixTrack(id: t.id, name: t.name, role: role, roleSource: source, measure: m, gainDb: gain, pan: Double(strip.pan),
                        freeBells: bells, compressorOn: strip.comp.on, sends: strip.sends.map(\.bus))
    }

    /// The audible tracks summed to stereo at their positions, faders (or `gains`) and
    /// pans, as the master's input.
    func mixdown(_ sources: [MixSource], gains: [Int: Double] = [:]) -> (left: [Float], right: [Float]) {
        let heard = sources.filter(\.audible)
        let length = heard.map { Int(($0.track.position ?? 0) * sampleRate) + $0.frames }.max() ?? 0
        var left = [Float](repeating: 0, count: length), right = left
        for s in heard {
            let start = Int((s.track.position ?? 0) * sampleRate)
            let g = Decibels.toGain(Float(gains[s.track.id] ?? Double(s.track.strip.gain)))
            let pan = s.isStereo ? PanLaw.balance(s.track.strip.pan) : PanLaw.mono(s.track.strip.pan)
            let (gl, gr) = (g * pan.left, g * pan.right)
            let l = s.channels[0], r = s.channels[s.isStereo ? 1 : 0]
            for i in 0..<s.frames {
                left[start + i] += gl * l[i]
                right[start + i] += gr * r[i]
            }
        }
        return (left, right)
    }

    func measureMix(_ mix: (left: [Float], right: [Float]), masterGain: Double) -> TrackMeasure? {
        guard !mix.left.isEmpty else { return nil }
        return withBuffers([mix.left, mix.right]) { TrackMeasure.measure($0, sampleRate: sampleRate, gain: Decibels.toGain(Float(masterGain))) }
    }

    /// `body` with a buffer pointer to each channel.
    func withBuffers<T>(_ channels: [[Float]], _ body: ([UnsafeBufferPointer<Float>]) -> T) -> T {
        guard let first = channels.first else { return body([]) }
        return first.withUnsafeBufferPointer { a in
            channels.count == 1 ? body([a]) : channels[1].withUnsafeBufferPointer { b in body([a, b]) }
        }
    }

    /// Measure and suggest. Slow (it reads every track): call it off the OSC thread.
    public func suggestMix() throws -> MixReport {
        let sources = try mixSources()
        let tracks = sources.filter(\.audible).map { mixTrack($0) }
        let (masterGain, reverbBuses, delayBuses) = locked {
            (Double(patch.master.gain), patch.buses.filter { $0.strip.reverb.on }.map(\.id), patch.buses.filter { $0.strip.delay.on }.map(\.id))
        }
        var suggestions = MixAdvisor.suggest(tracks, reverbBuses: reverbBuses, delayBuses: delayBuses)
        let mix = measureMix(mixdown(sources), masterGain: masterGain)
        if let mix, mix.truePeak > MixAdvisor.peakCeiling {
            suggestions.append(MixSuggestion(
                id: suggestions.count + 1, kind: .master, tracks: [],
                problem: "the mix peaks at \(String(format: "%.1f", mix.truePeak)) dBTP, over \(MixAdvisor.peakCeiling)",
                measured: ["true_peak_dbtp": mix.truePeak, "integrated_lufs": mix.integrated ?? -99],
                moves: [MixMove(strip: "master", control: "gain", value: ((masterGain + MixAdvisor.peakCeiling - mix.truePeak) * 10).rounded(.down) / 10)]))
        }
        mixAssistant.remember(suggestions)
        return MixReport(
            tracks: tracks.map { .init(id: $0.id, name: $0.name, role: $0.role, roleSource: $0.roleSource, gainDb: $0.gainDb, pan: $0.pan, measure: $0.measure) },
            mix: mix, suggestions: suggestions)
    }

    /// Apply suggestion `id` of the last `suggestMix`; returns the moves as applied.
    public func applyMixSuggestion(_ id: Int) throws -> [MixMove] {
        guard let s = mixAssistant.suggestion(id) else {
            throw ControlError("no suggestion \(id): ask /mix/suggest first (ids are those of the last answer)")
        }
        return try applyMixMoves(s.moves)
    }

    /// Put back what the last applied step (a suggestion or an auto-level) replaced.
    public func undoMix() throws -> [MixMove] {
        guard let previous = mixAssistant.popUndo() else { throw ControlError("nothing to undo") }
        return try applyMoves(previous).applied
    }

    /// Set every measured track's gain to its place in the balance and the master's so
    /// the mix reaches `target` LUFS integrated with its true peak at most −1 dBTP.
    public func autoLevel(target: Double = -14) throws -> AutoLevelReport {
        guard target >= -40, target <= -5 else { throw ControlError("target must be −40 … −5 LUFS, not \(target)") }
        let sources = try mixSources().filter(\.audible)
        guard !sources.isEmpty else { throw ControlError("no track has audio to level (files, takes or MIDI tracks)") }
        let tracks = sources.map { mixTrack($0) }
        let balanced = MixAdvisor.balancedGains(tracks)
        let gains = balanced.mapValues(\.gain)
        let masterBefore = locked { Double(patch.master.gain) }
        let before = measureMix(mixdown(sources), masterGain: masterBefore)
        guard let unity = measureMix(mixdown(sources, gains: gains), masterGain: 0), let loudness = unity.integrated else {
            throw ControlError("the tracks are silent: nothing to level")
        }
        let master = (min(target - loudness, MixAdvisor.peakCeiling - unity.truePeak) * 10).rounded(.down) / 10
        let moves = tracks.compactMap { t in gains[t.id].map { MixMove(strip: "\(t.id)", control: "gain", value: $0) } }
            + [MixMove(strip: "master", control: "gain", value: master)]
        let applied = try applyMixMoves(moves)
        var table: [String: [Double]] = ["master": [masterBefore, master]]
        for t in tracks { if let g = gains[t.id] { table["\(t.id)"] = [t.gainDb, g] } }
        return AutoLevelReport(
            gains: table,
            before: ["integrated_lufs": before?.integrated, "true_peak_dbtp": before?.truePeak],
            after: ["integrated_lufs": loudness + master, "true_peak_dbtp": unity.truePeak + master],
            moves: applied)
    }

    /// Apply `moves` as one undoable step.
    func applyMixMoves(_ moves: [MixMove]) throws -> [MixMove] {
        let (applied, previous) = try applyMoves(moves)
        mixAssistant.pushUndo(previous.reversed())
        return applied
    }

    /// Apply each move through the calls OSC makes; returns them as applied and the
    /// values they replaced. A move that fails stops the step and puts back the ones
    /// before it.
    func applyMoves(_ moves: [MixMove]) throws -> (applied: [MixMove], previous: [MixMove]) {
        var applied: [MixMove] = [], previous: [MixMove] = []
        do {
            for move in moves {
                let old = try value(of: move)
                let now = try set(move)
                previous.append(MixMove(strip: move.strip, control: move.control, value: old))
                applied.append(MixMove(strip: move.strip, control: move.control, value: now))
            }
        } catch {
            for move in previous.reversed() { _ = try? set(move) }
            throw error
        }
        return (applied, previous)
    }

    /// What a move's control holds now.
    func value(of move: MixMove) throws -> Double {
        let ref = try stripRef(move.strip)
        switch try Self.target(move.control) {
        case .control(let c): return Double(try get(c, of: ref))
        case let .insert(unit, name):
            guard case .number(let x) = try insert(ref, unit, name) else { throw ControlError("\(move.control) is not a number") }
            return Double(x)
        case .send(let bus): return (try? Double(send(from: ref, to: bus).0)) ?? -Double.infinity
        }
    }

    /// Set a move's control; returns the value it took.
    func set(_ move: MixMove) throws -> Double {
        let ref = try stripRef(move.strip)
        switch try Self.target(move.control) {
        case .control(let c): return Double(try set(c, of: ref, to: Float(move.value)))
        case let .insert(unit, name):
            guard case .number(let x) = try setInsert(ref, unit, name, .number(Float(move.value))) else { return move.value }
            return Double(x)
        case .send(let bus): return Double(try setSend(from: ref, to: bus, gain: Float(move.value)).0)
        }
    }

    enum MoveTarget {
        case control(StripControl)
        case insert(InsertUnit, String)
        case send(Int)
    }

    static func target(_ control: String) throws -> MoveTarget {
        let parts = control.split(separator: "/").map(String.init)
        if parts.count == 1, let c = StripControl(rawValue: parts[0]) { return .control(c) }
        if parts == ["eq", "on"] { return .insert(.eq(nil), "on") }
        if parts.count == 3, parts[0] == "eq", let band = EqualizerDesign.Band(rawValue: parts[1]) { return .insert(.eq(band), parts[2]) }
        if parts.count == 2, parts[0] == "comp" { return .insert(.comp, parts[1]) }
        if parts.count == 2, parts[0] == "send", let bus = Int(parts[1]) { return .send(bus) }
        throw ControlError("the mix assistant does not move \(control)")
    }
}
