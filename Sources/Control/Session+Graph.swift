import Engine

/// The graph compiler's front: from the session's model to a `GraphDescription`.
///
/// Track: source → strip → its destination's mix point (the master), with each send
/// reading the strip's post-fader (outputs 0, 1) or pre-fader (2, 3) pair into a bus's
/// mix point. Bus: mix point → strip → the mix point it outputs to (the master or
/// another bus). Master: mix point → strip → the host's outputs.
extension Session {
    func describeGraph(_ p: Patch) -> GraphDescription {
        var nodes: [GraphDescription.Node] = []
        var mixInputs: [StripRef: [[PortRef]]] = [:]
        func feed(_ target: StripRef, from producer: Int, channels: (Int, Int)) {
            var lists = mixInputs[target] ?? [[], []]
            lists[0].append(PortRef(producer, channels.0))
            lists[1].append(PortRef(producer, channels.1))
            mixInputs[target] = lists
        }

        for t in p.tracks {
            guard let n = strips[.track(t.id)] else { continue }
            var stripInputs: [[PortRef]] = [[]]
            if let source = n.source {
                let channels = source.kind == .clips && (audio[t.id]?.isStereo ?? false) ? 2 : 1
                nodes.append(.init(key: n.key(.source), state: source, outputs: channels, name: "track \(t.id) source"))
                stripInputs = (0..<channels).map { [PortRef(n.key(.source), $0)] }
            }
            let pre = t.strip.sends.contains { $0.preFader }
            nodes.append(.init(key: n.key(.strip), state: n.strip, inputs: stripInputs, outputs: pre ? 4 : 2, name: "track \(t.id)"))
            feed(.master, from: n.key(.strip), channels: (0, 1))
            for s in t.strip.sends {
                guard let send = n.sends[s.bus] else { continue }
                let tap = s.preFader ? 2 : 0
                nodes.append(.init(
                    key: n.key(.send, s.bus), state: send,
                    inputs: [[PortRef(n.key(.strip), tap)], [PortRef(n.key(.strip), tap + 1)]],
                    outputs: 2, name: "track \(t.id) send to bus \(s.bus)"
                ))
                feed(.bus(s.bus), from: n.key(.send, s.bus), channels: (0, 1))
            }
        }
        for b in p.buses {
            guard let n = strips[.bus(b.id)] else { continue }
            nodes.append(.init(
                key: n.key(.strip), state: n.strip,
                inputs: [[PortRef(n.key(.sum), 0)], [PortRef(n.key(.sum), 1)]], outputs: 2, name: "bus \(b.id)"
            ))
            feed(b.output.map { StripRef.bus($0) } ?? .master, from: n.key(.strip), channels: (0, 1))
        }
        if let m = strips[.master] {
            nodes.append(.init(
                key: m.key(.strip), state: m.strip,
                inputs: [[PortRef(m.key(.sum), 0)], [PortRef(m.key(.sum), 1)]], outputs: 2, name: "master"
            ))
            nodes.append(.init(
                key: m.key(.output), state: m.output!,
                inputs: [[PortRef(m.key(.strip), 0)], [PortRef(m.key(.strip), 1)]], outputs: 0, name: "master output"
            ))
        }
        // Mix points last: their inputs are known now.
        for (ref, n) in strips {
            guard let sum = n.sum else { continue }
            let name = ref == .master ? "master mix" : "bus \(ref) mix"
            nodes.append(.init(key: n.key(.sum), state: sum, inputs: mixInputs[ref] ?? [[], []], outputs: 2, name: name))
        }
        return GraphDescription(nodes: nodes)
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
        do { try engine.validate(describeGraph(candidate)) } catch let e as GraphError {
            throw ControlError(e.description)
        }
    }
}
