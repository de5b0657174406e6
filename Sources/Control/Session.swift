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
    let connections: ConnectionRestorer?

    /// The state now. Strip changes waiting for a later time are in `scheduled`.
    var patch = Patch()
    /// Strip changes from time-tagged bundles, in time order, then arrival order.
    var scheduled: [ScheduledChange] = []
    /// Strip id → strip slot in the engine (the master is slot 0).
    var slots: [Int: Int] = [:]
    /// Bus id → bus number in the engine.
    var busNumbers: [Int: Int] = [:]
    /// Track id → decoded file.
    var audio: [Int: DecodedAudio] = [:]
    var nextID = 1
    var freeSlots: [Int]
    var freeBuses: [Int]
    /// What each strip slot was last told now (not by scheduled changes), so a change
    /// sends only what differs.
    var sentGains: [Int: (Float, Float, Float)] = [:]
    var sentSends: [Int: Float] = [:]
    /// Commands dropped because the ring was full (the realtime side is not running).
    var droppedCommands = 0

    public init(
        engine: EngineHandle, paths: ProjectPaths, logger: Logger = Logger(label: "dawg.session"),
        transport: TransportDriver? = nil, connections: ConnectionRestorer? = nil
    ) {
        self.engine = engine
        self.paths = paths
        self.logger = logger
        self.transportDriver = transport
        self.connections = connections
        freeSlots = Array((1..<engine.config.maxStrips).reversed())
        freeBuses = Array((0..<engine.config.maxBuses).reversed())
        slots[0] = EngineConfig.masterStrip
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
            patch.tracks.compactMap { t in slots[t.id].map { (String(t.id), $0) } }
                + patch.buses.compactMap { b in slots[b.id].map { (String(b.id), $0) } }
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
        if !engine.send(command, at: time) {
            droppedCommands += 1
            logger.warning("command ring full; dropped a command")
        }
    }

    /// Recompute every strip's and send's realtime gains for the state now and send the
    /// ones that changed; then re-send the scheduled changes those strips carry.
    func pushMix() {
        foldDue()
        var changed: Set<StripRef> = []
        forEachStrip(of: patch) { ref, slot, g, sends in
            let old = sentGains[slot]
            if old == nil || old! != (g.left, g.right, g.fader) {
                sentGains[slot] = (g.left, g.right, g.fader)
                send(.stripGains(strip: Int32(slot), left: g.left, right: g.right, fader: g.fader, snap: old == nil))
                changed.insert(ref)
            }
            for (bus, gain) in sends {
                let key = slot * engine.config.maxBuses + bus
                guard sentSends[key] != gain else { continue }
                send(.sendGain(strip: Int32(slot), bus: Int32(bus), gain: gain, snap: sentSends[key] == nil))
                sentSends[key] = gain
                changed.insert(ref)
            }
        }
        resendScheduled(after: 0, reaching: changed)
    }

    /// Compile the graph from the model and install it.
    func pushGraph() {
        var tracks: [TrackNode] = []
        var keep: [AnyObject] = []
        for t in patch.tracks {
            guard let slot = slots[t.id] else { continue }
            let sends = t.strip.sends.compactMap { s in busNumbers[s.bus].map { SendNode(bus: $0, preFader: s.preFader) } }
            var source = TrackNode.Source.silent
            if let input = t.input {
                source = .input(input - 1)
            } else if let a = audio[t.id] {
                let start = engine.frames(seconds: t.position ?? 0)
                source = .clips([ClipNode(left: a.left, right: a.right, start: start, length: Int64(a.frames))], stereo: a.isStereo)
                keep.append(a)
            }
            tracks.append(TrackNode(strip: slot, source: source, sends: sends))
        }
        let buses = patch.buses.compactMap { b in
            slots[b.id].flatMap { s in busNumbers[b.id].map { BusNode(strip: s, bus: $0) } }
        }
        if !engine.install(GraphDescription(tracks: tracks, buses: buses), keepAlive: keep) {
            droppedCommands += 1
            logger.error("could not install a new graph: the realtime side is not taking commands")
        }
    }
}
