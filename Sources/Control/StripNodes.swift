import Engine

/// The engine nodes behind one strip, and what the realtime side was last told.
/// Owned by the session (under its lock); the node states persist while the strip
/// exists, so recompiling the graph around it keeps its ramps, meters and filters.
final class StripNodes {
    let ref: StripRef
    /// Where its meters are published.
    let meterSlot: Int
    let strip: NodeState
    /// A track's source (clips or a capture port); replaced when the source changes.
    var source: NodeState?
    /// A bus's or the master's mix point.
    var sum: NodeState?
    /// The master's connection to the host's outputs.
    var output: NodeState?
    /// Bus id → the send into it.
    var sends: [Int: NodeState] = [:]
    /// What the strip node holds now (not counting scheduled changes).
    var sent: StripProcessor.Gains
    /// Bus id → linear gain the send node holds now.
    var sentSends: [Int: Float] = [:]
    /// The inserts, and the settings each node holds now.
    let gate: NodeState
    let eq: NodeState
    let comp: NodeState
    /// A bus's time effects, made the first time they are used (they hold seconds of
    /// delay lines).
    var reverb: NodeState?
    var delay: NodeState?
    /// An input track's recorder tap, made the first time the track is armed, and the
    /// rings it fills for the disk writer.
    var recordTap: NodeState?
    var recordStream: RecordStream?
    /// A track's live pitch tracker, while it is on, and the readings it fills.
    var pitchTap: NodeState?
    var pitchStream: PitchStream?
    /// The range (Hz) the tap looks in: its coaching profile's voice.
    var pitchRange: ClosedRange<Double>?
    /// Its live loudness meter, while it is on, and what the control side makes of it.
    var loudnessTap: NodeState?
    var loudness: LiveLoudness?
    var sentInserts: StripSettings
    /// The inserts in the plan: those on, and those switched off until their wet ramp
    /// has faded (`offSince`, monotonic ns). An insert off for longer leaves the plan,
    /// so a strip whose inserts are all off costs what a bare strip costs.
    var engaged: Set<InsertKind>
    var offSince: [InsertKind: UInt64] = [:]

    init(ref: StripRef, meterSlot: Int, gains: StripProcessor.Gains, inserts: StripSettings, config: EngineConfig) {
        self.ref = ref
        self.meterSlot = meterSlot
        sent = gains
        sentInserts = inserts
        engaged = Set(InsertKind.allCases.filter { Self.isOn($0, inserts) })
        let fs = config.sampleRate
        strip = StripProcessor.node(gains: gains, meterSlot: meterSlot, rampFrames: config.rampFrames)
        gate = GateProcessor.node(inserts.gate, sampleRate: fs, rampFrames: config.rampFrames)
        eq = EqualizerProcessor.node(Self.eqBands(inserts.eq, sampleRate: fs), rampFrames: config.rampFrames)
        comp = CompressorProcessor.node(inserts.comp, sampleRate: fs, meterSlot: meterSlot, rampFrames: config.rampFrames)
    }

    /// Does the insert change the signal with these settings (is it worth scheduling)?
    static func isOn(_ insert: InsertKind, _ s: StripSettings) -> Bool {
        switch insert {
        case .gate: s.gate.on
        case .comp: s.comp.on
        case .eq: s.eq.on && EqualizerDesign.Band.allCases.contains { s.eq.band($0).on }
        case .reverb: s.reverb.on
        case .delay: s.delay.on
        }
    }

    static func eqBands(_ eq: EQSettings, sampleRate: Double) -> [EqualizerProcessor.BandSetting] {
        EqualizerDesign.Band.allCases.map { EqualizerDesign.setting($0, eq.band($0), sampleRate: sampleRate, eqOn: eq.on) }
    }

    /// The insert's node, if the strip has one.
    func node(_ insert: InsertKind) -> NodeState? {
        switch insert {
        case .gate: gate
        case .eq: eq
        case .comp: comp
        case .reverb: reverb
        case .delay: delay
        }
    }

    /// Stable node keys: the strip id in the high bits, the node's role, and for sends
    /// the bus id.
    enum Role: Int { case source = 1, sum, strip, output, send, gate, eq, comp, reverb, delay, record, pitch, loudness }

    static func role(_ insert: InsertKind) -> Role {
        switch insert {
        case .gate: .gate
        case .eq: .eq
        case .comp: .comp
        case .reverb: .reverb
        case .delay: .delay
        }
    }

    func key(_ role: Role, _ extra: Int = 0) -> Int { Self.key(ref, role, extra) }

    static func key(_ ref: StripRef, _ role: Role, _ extra: Int = 0) -> Int {
        let id: Int
        switch ref {
        case .master: id = 0
        case .track(let t), .bus(let t): id = t
        }
        return id << 28 | role.rawValue << 20 | extra
    }
}
