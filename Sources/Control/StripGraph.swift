import Engine

/// The graph compiler's front: the engine nodes behind every strip (keyed by stable
/// ids, so they outlive any one plan), the meter slots they hold, and the patch turned
/// into a `GraphDescription` that the engine checks or compiles and installs (keeping
/// each plan's nodes alive until the realtime side hands it back).
///
/// Every strip is a chain: its input (a track's source, a bus's or the master's mix
/// point) → its inserts in the strip's order → the strip node (fader, pan, meters) →
/// where it goes: a track and a bus to the mix point of the bus they output to (the
/// master's by default), the master to the host's outputs. A send reads the strip's
/// post-fader (outputs 0, 1) or pre-fader (2, 3) pair into a bus's mix point; tracks
/// and buses both send (a send that would close a loop is refused before it is made). A
/// compressor with a side-chain also listens to the keying strip's post-fader pair.
final class StripGraph {
    let engine: EngineHandle
    /// Every strip's nodes; the master's always exist.
    private(set) var nodes: [StripRef: StripNodes] = [:]
    private var freeSlots: [Int]

    init(engine: EngineHandle) {
        self.engine = engine
        freeSlots = Array((1..<engine.config.maxStrips).reversed())
        let master = StripNodes(ref: .master, meterSlot: EngineConfig.masterStrip, gains: .init(), inserts: StripSettings(), config: engine.config)
        master.sum = SumProcessor.node()
        master.output = MasterOutput.node()
        nodes[.master] = master
    }

    subscript(ref: StripRef) -> StripNodes? { nodes[ref] }

    /// A free meter slot for a new strip, if any is left.
    func takeSlot() -> Int? { freeSlots.popLast() }

    func add(_ n: StripNodes) { nodes[n.ref] = n }

    /// Forget a strip's nodes (plans still running them keep them until retired) and
    /// free its meter slot.
    func remove(_ ref: StripRef) {
        guard ref != .master, let n = nodes.removeValue(forKey: ref) else { return }
        freeSlots.append(n.meterSlot)
    }

    /// Forget every strip but the master's.
    func removeAll() { for ref in Array(nodes.keys) { remove(ref) } }

    /// `standIns`: strips the model has but the session not yet (a patch about to be
    /// loaded, a send about to be made) get throwaway nodes, so a candidate can be
    /// checked for cycles before anything is built. Installed graphs never need them.
    func describe(_ p: Patch, stereo: (Int) -> Bool, standIns: Bool = false) -> GraphDescription {
        var graph: [GraphDescription.Node] = []
        var described: [StripRef: StripNodes] = [:]
        func strip(_ ref: StripRef, _ settings: StripSettings) -> StripNodes? {
            var n = nodes[ref]
            if n == nil && standIns {
                n = StripNodes(ref: ref, meterSlot: 0, gains: .init(), inserts: settings, config: engine.config)
                if case .bus = ref { n?.sum = SumProcessor.node() }
            }
            described[ref] = n
            return n
        }
        var mixInputs: [StripRef: [[PortRef]]] = [:]
        func feed(_ target: StripRef, from producer: Int, channels: (Int, Int)) {
            var lists = mixInputs[target] ?? [[], []]
            lists[0].append(PortRef(producer, channels.0))
            lists[1].append(PortRef(producer, channels.1))
            mixInputs[target] = lists
        }
        /// Inserts then the strip node, from `input`; returns nothing: the strip node's
        /// key is `n.key(.strip)`.
        func chain(_ n: StripNodes, _ s: StripSettings, input: [[PortRef]], name: String, preFader: Bool) {
            var signal = input
            for insert in s.inserts {
                // Validation keeps every insert (a side-chain must not close a loop even
                // while its compressor is off); a plan only the engaged ones.
                guard let state = n.node(insert), standIns || n.engaged.contains(insert) else { continue }
                let key = n.key(StripNodes.role(insert))
                var inputs = signal
                if insert == .comp, let id = s.comp.sidechain, case let keyRef = Self.ref(id: id, in: p), nodes[keyRef] != nil || standIns {
                    let keyStrip = StripNodes.key(keyRef, .strip)
                    inputs += [[PortRef(keyStrip, 0)], [PortRef(keyStrip, 1)]]
                }
                graph.append(.init(key: key, state: state, inputs: inputs, outputs: signal.count, name: "\(name) \(insert.rawValue)"))
                signal = (0..<signal.count).map { [PortRef(key, $0)] }
            }
            graph.append(.init(key: n.key(.strip), state: n.strip, inputs: signal, outputs: preFader ? 4 : 2, name: name))
            if let meter = n.loudnessTap {
                graph.append(.init(key: n.key(.loudness), state: meter, inputs: [[PortRef(n.key(.strip), 0)], [PortRef(n.key(.strip), 1)]],
                                   outputs: 0, name: "\(name) loudness"))
            }
        }
        /// A strip's sends, each reading its post- or pre-fader pair into a bus's mix.
        func sends(_ n: StripNodes, _ s: StripSettings, name: String) {
            for send in s.sends {
                // A send the model has but the strip not yet gets a stand-in, as above.
                guard let state = n.sends[send.bus] ?? (standIns ? SendProcessor.node(gain: 0, rampFrames: 0) : nil) else { continue }
                let tap = send.preFader ? 2 : 0
                graph.append(.init(
                    key: n.key(.send, send.bus), state: state,
                    inputs: [[PortRef(n.key(.strip), tap)], [PortRef(n.key(.strip), tap + 1)]],
                    outputs: 2, name: "\(name) send to bus \(send.bus)"
                ))
                feed(.bus(send.bus), from: n.key(.send, send.bus), channels: (0, 1))
            }
        }

        /// A bus's or the master's recorder tap, on its post-fader pair (a bounce).
        func bounce(_ n: StripNodes, name: String) {
            guard let tap = n.recordTap else { return }
            graph.append(.init(key: n.key(.record), state: tap, inputs: [[PortRef(n.key(.strip), 0)], [PortRef(n.key(.strip), 1)]],
                               outputs: 0, name: "\(name) bounce"))
        }

        for t in p.tracks {
            guard let n = strip(.track(t.id), t.strip) else { continue }
            var input: [[PortRef]] = [[]]
            if let source = n.source {
                let channels = source.kind == .midi || ((source.kind == .clips || source.kind == .stream) && stereo(t.id)) ? 2 : 1
                graph.append(.init(key: n.key(.source), state: source, outputs: channels, name: "track \(t.id) source"))
                input = (0..<channels).map { [PortRef(n.key(.source), $0)] }
                if let tap = n.recordTap, source.kind == .capture {
                    graph.append(.init(key: n.key(.record), state: tap, inputs: input, outputs: 0, name: "track \(t.id) recorder"))
                }
                if let tap = n.pitchTap {
                    graph.append(.init(key: n.key(.pitch), state: tap, inputs: input, outputs: 0, name: "track \(t.id) pitch"))
                }
            }
            chain(n, t.strip, input: input, name: "track \(t.id)", preFader: t.strip.sends.contains { $0.preFader })
            feed(.master, from: n.key(.strip), channels: (0, 1))
            sends(n, t.strip, name: "track \(t.id)")
        }
        for b in p.buses {
            guard let n = strip(.bus(b.id), b.strip) else { continue }
            chain(n, b.strip, input: [[PortRef(n.key(.sum), 0)], [PortRef(n.key(.sum), 1)]], name: "bus \(b.id)", preFader: b.strip.sends.contains { $0.preFader })
            feed(b.output.map { StripRef.bus($0) } ?? .master, from: n.key(.strip), channels: (0, 1))
            sends(n, b.strip, name: "bus \(b.id)")
            bounce(n, name: "bus \(b.id)")
        }
        if let m = strip(.master, p.master) {
            chain(m, p.master, input: [[PortRef(m.key(.sum), 0)], [PortRef(m.key(.sum), 1)]], name: "master", preFader: false)
            bounce(m, name: "master")
            graph.append(.init(
                key: m.key(.output), state: m.output!,
                inputs: [[PortRef(m.key(.strip), 0)], [PortRef(m.key(.strip), 1)]], outputs: 0, name: "master output"
            ))
        }
        // Mix points last: their inputs are known now.
        for (ref, n) in described {
            guard let sum = n.sum else { continue }
            let name = ref == .master ? "master mix" : "bus \(ref) mix"
            graph.append(.init(key: n.key(.sum), state: sum, inputs: mixInputs[ref] ?? [[], []], outputs: 2, name: name))
        }
        return GraphDescription(nodes: graph)
    }

    /// A track's or bus's ref from its id in `p` (a side-chain names either).
    static func ref(id: Int, in p: Patch) -> StripRef {
        p.buses.contains { $0.id == id } ? .bus(id) : .track(id)
    }

    /// Compile `p` and install it. Throws when it does not compile; false when the
    /// realtime side is not taking plans.
    func install(_ p: Patch, stereo: (Int) -> Bool) throws -> Bool {
        try engine.install(describe(p, stereo: stereo))
    }

    /// Throws a `ControlError` if `candidate` would not compile (a cycle).
    func validate(_ candidate: Patch, stereo: (Int) -> Bool) throws {
        do { try engine.validate(describe(candidate, stereo: stereo, standIns: true)) } catch let e as GraphError {
            throw ControlError(e.description)
        }
    }
}

extension Session {
    /// Whether track `id` plays a stereo file.
    func isStereo(_ id: Int) -> Bool {
        audio[id]?.isStereo ?? streams[id].map { $0.file.channels == 2 } ?? (midi[id] != nil)
    }

    /// Compile the graph from the model and install it. Edits that could make a cycle
    /// check `validateGraph` before they change the model, so this does not fail.
    func pushGraph() {
        graphVersions.wrappingIncrement(ordering: .releasing)
        do {
            if try !graph.install(patch, stereo: isStereo) {
                droppedCommands += 1
                logger.error("could not install a new graph: the realtime side is not taking commands")
            }
        } catch {
            logger.error("the graph did not compile: \(error)")
        }
    }

    /// Throws a `ControlError` if `candidate` would not compile (a cycle).
    func validateGraph(_ candidate: Patch) throws { try graph.validate(candidate, stereo: isStereo) }
}
