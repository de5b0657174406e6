import AudioFiles
import DSP
import Engine
import Logging

/// The control side's model of the engine, and the only writer of engine commands.
///
/// Every public method may be called from any control thread (OSC listeners, the job
/// worker); they serialise on one lock, validate first, and change nothing when they
/// throw. The realtime side sees the results as commands and compiled plans.
public final class Session: @unchecked Sendable {
    // @unchecked Sendable: all mutable state below is touched only under `lock`.
    public let engine: EngineHandle
    public let paths: ProjectPaths
    let logger: Logger
    let lock = ControlLock()
    let transportDriver: TransportDriver?
    /// Where strip presets are found.
    public let presets: StripPresets
    let connections: ConnectionRestorer?

    /// The state now. Strip changes waiting for a later time are in `scheduled`.
    var patch = Patch()
    /// Strip changes from time-tagged bundles, in time order, then arrival order.
    var scheduled: [ScheduledChange] = []
    /// Every strip's engine nodes (the master's always exists).
    var strips: [StripRef: StripNodes] = [:]
    /// Track id → decoded file.
    var audio: [Int: DecodedAudio] = [:]
    var nextID = 1
    var freeSlots: [Int]
    /// Commands dropped because the ring was full (the realtime side is not running).
    var droppedCommands = 0

    public init(
        engine: EngineHandle, paths: ProjectPaths, logger: Logger = Logger(label: "dawg.session"),
        transport: TransportDriver? = nil, connections: ConnectionRestorer? = nil, presets: StripPresets? = nil
    ) {
        self.presets = presets ?? StripPresets.locate(projectDirectory: paths.root)
        self.engine = engine
        self.paths = paths
        self.logger = logger
        self.transportDriver = transport
        self.connections = connections
        freeSlots = Array((1..<engine.config.maxStrips).reversed())
        let master = StripNodes(ref: .master, meterSlot: EngineConfig.masterStrip, gains: .init(), inserts: StripSettings(), config: engine.config)
        master.sum = SumProcessor.node()
        master.output = MasterOutput.node()
        strips[.master] = master
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

    /// Every strip id that has a meter: tracks, buses, then "master".
    public func meteredStrips() -> [(id: String, slot: Int)] {
        locked {
            patch.tracks.compactMap { t in strips[.track(t.id)].map { (String(t.id), $0.meterSlot) } }
                + patch.buses.compactMap { b in strips[.bus(b.id)].map { (String(b.id), $0.meterSlot) } }
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
        try locked { try settings(ref, in: latest) }
    }

    // MARK: - Sending to the engine

    func send(_ command: Command, at time: UInt64 = 0) {
        if !engine.send(command, at: time) { dropped() }
    }

    func set(_ node: NodeState, _ index: Int32, _ value: ParameterValue, at time: UInt64 = 0) {
        if !engine.set(node, index, value, at: time) { dropped() }
    }

    func dropped() {
        droppedCommands += 1
        logger.warning("command ring full; dropped a command")
    }
}
