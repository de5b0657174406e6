import Atomics
import AudioFiles
import DSP
import Engine
import Foundation
import Logging
import Store

/// The control side's façade, and the only writer of engine commands.
///
/// Its parts have one job each: the project model (`Patch`, its edits in
/// `Patch+Edits` and checks in `PatchValidator`), the graph compiler's front
/// (`StripGraph`: strip ids → nodes and meter slots, patch → plan), the parameter
/// scheduler (`ParameterScheduler`: time-tagged changes; what was last sent lives on
/// each `StripNodes`), and the patch store (`PatchStore`). The session holds them
/// under one lock and decides what each change sends.
///
/// Every public method may be called from any control thread (OSC listeners, the job
/// worker); they serialise on one lock, validate first, and change nothing when they
/// throw. The realtime side sees the results as commands and compiled plans.
public final class Session: @unchecked Sendable {
    // @unchecked Sendable: all mutable state below is touched only under `lock`
    // (`_engine` under `engineLock` too, so readers outside `lock` see it whole).
    /// The engine the session drives; another one after `moveEngine(to:)`.
    public var engine: EngineHandle { engineLock.withLock { _engine } }
    var _engine: EngineHandle
    let engineLock = NSLock()
    public let paths: ProjectPaths
    public let logger: Logger
    let lock = ControlLock()
    let transportDriver: TransportDriver?
    /// Where strip presets are found.
    public let presets: StripPresets
    let connections: ConnectionRestorer?

    /// The project model now. Strip changes waiting for a later time are in `scheduler`.
    var patch = Patch()
    var scheduler = ParameterScheduler()
    /// Every strip's engine nodes and meter slots, and the graph made of them.
    var graph: StripGraph
    /// Track id → decoded file; tracks playing the same file share it.
    var audio: [Int: DecodedAudio] = [:]
    let decodedFiles = DecodedAudioCache()
    var nextID = 1
    /// Commands dropped because the ring was full (the realtime side is not running).
    var droppedCommands = 0
    /// Counts graphs pushed: a reader of `meteredStrips()` and `loudnessMeters()` asks
    /// again only when it moves.
    let graphVersions = ManagedAtomic<Int>(0)
    /// Moves whenever a track's coaching settings or the A4 change (the pitch feedback
    /// rebuilds its coaches).
    var coachGeneration = 0
    /// The recorder's disk side (nil: no project store, so no recording).
    public let recorder: DiskWriter?
    /// Frames per channel in each armed track's ring.
    let recordRingFrames: Int
    var recordEnabled = false
    /// File tracks too long to decode whole (`streamThreshold`), streamed by `streamer`.
    var streams: [Int: (lanes: (StreamBuffer, StreamBuffer), file: StreamingFileReader)] = [:]
    public let streamer: StreamReader?
    /// Files longer than this (seconds) stream from disk instead of being decoded.
    let streamThreshold: Double
    /// Input tracks' active takes, decoded.
    var takeAudio: [Int: (TakeRecord, DecodedAudio)] = [:]
    /// Buses and the master being bounced (recorded post-fader) while record is on.
    var bounces: Set<StripRef> = []
    var punchRange: (Int64, Int64)?
    /// The mix assistant's last suggestions and its undo steps.
    let mixAssistant = MixAssistantState()
    /// MIDI tracks' sources, by track id, and the MIDI out slots nobody uses.
    var midi: [Int: MIDITrackSource] = [:]
    var freeMIDISlots: [Int]
    /// The host's JACK MIDI ports (nil: MIDI goes nowhere but the synth).
    let midiPorts: MIDIPortHost?

    public init(
        engine: EngineHandle, paths: ProjectPaths, logger: Logger = Logger(label: "dawg.session"),
        transport: TransportDriver? = nil, connections: ConnectionRestorer? = nil, midiPorts: MIDIPortHost? = nil, presets: StripPresets? = nil,
        recorder: DiskWriter? = nil, recordRingFrames: Int = 1 << 18,
        streamer: StreamReader? = nil, streamThreshold: Double = 30
    ) {
        self.streamer = streamer
        self.streamThreshold = streamThreshold
        self.recorder = recorder
        self.recordRingFrames = recordRingFrames
        self.presets = presets ?? StripPresets.locate(projectDirectory: paths.root)
        self._engine = engine
        self.paths = paths
        self.logger = logger
        self.transportDriver = transport
        self.connections = connections
        self.midiPorts = midiPorts
        freeMIDISlots = Array((0..<engine.config.midiOutputs).reversed())
        graph = StripGraph(engine: engine)
        syncLoudness(.master)
        pushGraph()
    }

    public var sampleRate: Double { engine.config.sampleRate }

    /// Run `body` under the session lock.
    func locked<T>(_ body: () throws -> T) rethrows -> T { try lock.withLock(body) }

    // MARK: - Reading

    /// The whole state, as a patch (plus live JACK connections when known).
    public func snapshot() -> Patch {
        var p = locked { latest }
        if let connections { p.connections = connections.current() }
        return p
    }

    public var trackCount: Int { locked { patch.tracks.count } }

    /// How many graphs have been pushed (any thread, no lock): the strips and meters
    /// change only when it does.
    public var graphVersion: Int { graphVersions.load(ordering: .acquiring) }

    /// Every strip id that has a meter: tracks, buses, then "master".
    public func meteredStrips() -> [(id: String, slot: Int)] {
        locked {
            patch.tracks.compactMap { t in graph[.track(t.id)].map { (String(t.id), $0.meterSlot) } }
                + patch.buses.compactMap { b in graph[.bus(b.id)].map { (String(b.id), $0.meterSlot) } }
                + [("master", EngineConfig.masterStrip)]
        }
    }

    public func stripRef(_ text: String) throws -> StripRef {
        if text == "master" { return .master }
        guard let id = Int(text), id > 0 else { throw ControlError.unknownStrip(text) }
        return try locked {
            if patch.tracks.contains(where: { $0.id == id }) { return .track(id) }
            if patch.buses.contains(where: { $0.id == id }) { return .bus(id) }
            throw ControlError.unknownStrip(text)
        }
    }

    public func strip(_ ref: StripRef) throws -> StripSettings {
        try locked { try latest.strip(ref) }
    }

    // MARK: - Sending to the engine

    func send(_ command: Command, at time: UInt64 = 0) {
        if !engine.send(command, at: time) { dropped() }
    }

    func set(_ node: NodeState, _ index: Int32, _ value: ParameterValue, at time: UInt64 = 0) {
        if !engine.set(node, index, value, at: time) { dropped() }
    }

    /// Commands dropped because the engine's command ring was full, since start.
    public var droppedCommandCount: Int { locked { droppedCommands } }

    func dropped() {
        droppedCommands += 1
        logger.warning("command ring full; dropped a command")
    }
}
