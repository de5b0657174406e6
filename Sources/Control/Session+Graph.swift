import Engine

/// The graph compiler's front: from the session's model to a `GraphDescription`.
///
/// Every strip is a chain: its input (a track's source, a bus's or the master's mix
/// point) → its inserts in the strip's order → the strip node (fader, pan, meters) →
/// where it goes: a track and a bus to the mix point of the bus they output to (the
/// master's by default), the master to the host's outputs. A send reads the strip's
/// post-fader (outputs 0, 1) or pre-fader (2, 3) pair into a bus's mix point; tracks
/// and buses both send (a send that would close a loop is refused before it is made). A
/// compressor with a side-chain also listens to the keying strip's post-fader pair.
extension Session {
    /// `standIns`: strips the model has but the session not yet (a patch about to be
    /// loaded, a send about to be made) get throwaway nodes, so a candidate can be
    /// checked for cycles before anything is built. Installed graphs never need them.
    func describeGraph(_ p: Patch, standIns: Bool = false) -> GraphDescription {
        var nodes: [GraphDescription.Node] = []
        var described: [StripRef: StripNodes] = [:]
        func strip(_ ref: StripRef, _ settings: StripSettings) -> StripNodes? {
            var n = strips[ref]
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
                guard let state = n.node(insert) else { continue }
                let key = n.key(StripNodes.role(insert))
                var inputs = signal
                if insert == .comp, let id = s.comp.sidechain, case let keyRef = stripRef(id: id, in: p), strips[keyRef] != nil || standIns {
                    let keyStrip = StripNodes.key(keyRef, .strip)
                    inputs += [[PortRef(keyStrip, 0)], [PortRef(keyStrip, 1)]]
                }
                nodes.append(.init(key: key, state: state, inputs: inputs, outputs: signal.count, name: "\(name) \(insert.rawValue)"))
                signal = (0..<signal.count).map { [PortRef(key, $0)] }
            }
            nodes.append(.init(key: n.key(.strip), state: n.strip, inputs: signal, outputs: preFader ? 4 : 2, name: name))
        }
        /// A strip's sends, each reading its post- or pre-fader pair into a bus's mix.
        func sends(_ n: StripNodes, _ s: StripSettings, name: String) {
            for send in s.sends {
                // A send the model has but the strip not yet gets a stand-in, as above.
                guard let state = n.sends[send.bus] ?? (standIns ? SendProcessor.node(gain: 0, rampFrames: 0) : nil) else { continue }
                let tap = send.preFader ? 2 : 0
                nodes.append(.init(
                    key: n.key(.send, send.bus), state: state,
                    inputs: [[PortRef(n.key(.strip), tap)], [PortRef(n.key(.strip), tap + 1)]],
                    outputs: 2, name: "\(name) send to bus \(send.bus)"
                ))
                feed(.bus(send.bus), from: n.key(.send, send.bus), channels: (0, 1))
            }
        }

        for t in p.tracks {
            guard let n = strip(.track(t.id), t.strip) else { continue }
            var input: [[PortRef]] = [[]]
            if let source = n.source {
                let channels = source.kind == .clips && (audio[t.id]?.isStereo ?? false) ? 2 : 1
                nodes.append(.init(key: n.key(.source), state: source, outputs: channels, name: "track \(t.id) source"))
                input = (0..<channels).map { [PortRef(n.key(.source), $0)] }
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
        }
        if let m = strip(.master, p.master) {
            chain(m, p.master, input: [[PortRef(m.key(.sum), 0)], [PortRef(m.key(.sum), 1)]], name: "master", preFader: false)
            nodes.append(.init(
                key: m.key(.output), state: m.output!,
                inputs: [[PortRef(m.key(.strip), 0)], [PortRef(m.key(.strip), 1)]], outputs: 0, name: "master output"
            ))
        }
        // Mix points last: their inputs are known now.
        for (ref, n) in described {
            guard let sum = n.sum else { continue }
            let name = ref == .master ? "master mix" : "bus \(ref) mix"
            nodes.append(.init(key: n.key(.sum), state: sum, inputs: mixInputs[ref] ?? [[], []], outputs: 2, name: name))
        }
        return GraphDescription(nodes: nodes)
    }

    /// A track's or bus's ref from its id in `p` (a side-chain names either).
    func stripRef(id: Int, in p: Patch) -> StripRef {
        p.buses.contains { $0.id == id } ? .bus(id) : .track(id)
    }

    /// Compile the graph from the model and install it. Edits that could make a cycle
    /// check `validateGraph` before they change the model, so this does not fail.
    func pushGraph() {
        do {
            if try !engine.install(describeGraph(patch)) {
                droppedCommands += 1
                logger.error("could not install a new graph: the realtime side is not taking commands")
            }
        } catch {
            logger.error("the graph did not compile: \(error)")
        }
    }

    /// Throws a `ControlError` if `candidate` would not compile (a cycle).
    func validateGraph(_ candidate: Patch) throws {
        do { try engine.validate(describeGraph(candidate, standIns: true)) } catch let e as GraphError {
            throw ControlError(e.description)
        }
    }
}
