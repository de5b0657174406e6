import DSP
import Engine

/// From strip settings to strip and send parameters on the engine's nodes.
///
/// A change names the strips it reaches: a fader, pan or polarity move reaches its own
/// strip and sends that strip's changed parameter alone; a solo reaches every strip
/// (who is heard depends on all of them). Nothing else is recomputed or sent.
extension Session {
    /// One strip's realtime values in `state`: strip gains and (bus id, linear) sends.
    struct StripValues {
        var nodes: StripNodes
        var gains: StripProcessor.Gains
        var sends: [(bus: Int, gain: Float)]
    }

    /// The strips in `refs` (nil: all of them) as `state` has them. `audible` gives who
    /// is heard; when nil each strip keeps the audibility last sent (a change that
    /// cannot alter who is heard).
    func values(of refs: Set<StripRef>?, in state: Patch, audible: MixLogic.Audibility?) -> [StripValues] {
        var out: [StripValues] = []
        func add(_ ref: StripRef, _ s: StripSettings, stereo: Bool) {
            guard refs?.contains(ref) ?? true, let n = graph[ref] else { return }
            let heard = audible.map { $0.isAudible(ref) } ?? n.sent.audible
            let gains = Self.gains(s, stereo: stereo, audible: heard)
            out.append(StripValues(nodes: n, gains: gains, sends: s.sends.map { ($0.bus, Decibels.toGain($0.gain)) }))
        }
        if let refs, refs.count == 1, let ref = refs.first {
            // One strip: find it without walking the others.
            switch ref {
            case .master: add(.master, state.master, stereo: true)
            case .track(let id):
                if let t = state.tracks.first(where: { $0.id == id }) { add(ref, t.strip, stereo: isStereo(id)) }
            case .bus(let id):
                if let b = state.buses.first(where: { $0.id == id }) { add(ref, b.strip, stereo: true) }
            }
            return out
        }
        for t in state.tracks { add(.track(t.id), t.strip, stereo: isStereo(t.id)) }
        for b in state.buses { add(.bus(b.id), b.strip, stereo: true) }
        add(.master, state.master, stereo: true)
        return out
    }

    /// Send what changed in the strips `reach` names (nil: every strip) for the state
    /// now; then re-send the scheduled changes that carried those strips.
    /// `audibility`: whether the change can alter who is heard.
    func pushMix(_ reach: Set<StripRef>? = nil, audibility: Bool = true) {
        foldDue()
        let audible = audibility ? MixLogic.audibility(patch) : nil
        var changed: Set<StripRef> = []
        for v in values(of: reach, in: patch, audible: audible) {
            let n = v.nodes
            for (index, value) in v.gains.changes(from: n.sent) { set(n.strip, index, value) }
            if v.gains != n.sent { changed.insert(n.ref) }
            n.sent = v.gains
            for s in v.sends where n.sentSends[s.bus] != s.gain {
                if let node = n.sends[s.bus] { set(node, SendProcessor.gain, [s.gain]) }
                n.sentSends[s.bus] = s.gain
                changed.insert(n.ref)
            }
        }
        resendScheduled(after: 0, reaching: reach == nil ? nil : changed)
    }

    /// Send the whole realtime state of the strips in `refs` (nil: every strip) as
    /// `state` has them, at `time`, whatever was sent before.
    func sendStrips(_ refs: Set<StripRef>?, of state: Patch, at time: UInt64) {
        for v in values(of: refs, in: state, audible: MixLogic.audibility(state)) {
            for (index, value) in v.gains.changes(from: nil) { set(v.nodes.strip, index, value, at: time) }
            for s in v.sends {
                if let node = v.nodes.sends[s.bus] { set(node, SendProcessor.gain, [s.gain], at: time) }
            }
        }
    }

    /// Record `state` as what the realtime side holds now.
    func rememberSent(_ state: Patch) {
        for v in values(of: nil, in: state, audible: MixLogic.audibility(state)) {
            v.nodes.sent = v.gains
            for s in v.sends { v.nodes.sentSends[s.bus] = s.gain }
        }
    }

    /// Make the nodes of a new strip at `settings` (heard or not as `audible`, by
    /// default the model now, says), so it starts where it should with no ramp from
    /// silence. A caller making many strips works audibility out once and passes it.
    @discardableResult
    func makeStripNodes(
        _ ref: StripRef, slot: Int, settings: StripSettings, stereo: Bool = true, audible: MixLogic.Audibility? = nil
    ) -> StripNodes {
        let heard = (audible ?? MixLogic.audibility(patch)).isAudible(ref)
        let n = StripNodes(ref: ref, meterSlot: slot, gains: Self.gains(settings, stereo: stereo, audible: heard), inserts: settings, config: engine.config)
        if case .bus = ref {
            n.sum = SumProcessor.node()
            makeTimeEffects(n, settings)
        }
        graph.add(n)
        syncSends(n, settings)
        if Self.metered(ref, settings) { attachLoudness(n) }
        return n
    }

    static func gains(_ s: StripSettings, stereo: Bool, audible: Bool) -> StripProcessor.Gains {
        let pan = stereo ? PanLaw.balance(s.pan) : PanLaw.mono(s.pan)
        return StripProcessor.Gains(
            fader: Decibels.toGain(s.gain), panLeft: pan.left, panRight: pan.right,
            audible: audible, polarity: s.invert ? -1 : 1
        )
    }

    /// Make or drop send nodes so a strip's sends match `settings`; new sends start
    /// at their gain with no ramp.
    func syncSends(_ n: StripNodes, _ settings: StripSettings) {
        let wanted = Set(settings.sends.map(\.bus))
        for bus in n.sends.keys where !wanted.contains(bus) {
            n.sends[bus] = nil
            n.sentSends[bus] = nil
        }
        for s in settings.sends where n.sends[s.bus] == nil {
            let g = Decibels.toGain(s.gain)
            n.sends[s.bus] = SendProcessor.node(gain: g, rampFrames: engine.config.rampFrames)
            n.sentSends[s.bus] = g
        }
    }
}
