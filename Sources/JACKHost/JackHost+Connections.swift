import CJack

extension JackHost {
    /// Control side: connect our ports (by short name) to the named ports. Returns a
    /// message per connection that could not be made; existing ones are kept. While no
    /// server runs, the connections are kept for the next one.
    public func connect(_ connections: [String: [String]]) -> [String] {
        let results: [(String, String, PairResult)]? = withClient(nil) { client in
            connections.sorted(by: { $0.key < $1.key }).flatMap { ours, others in
                others.map { (ours, $0, Self.connect(client, ours, $0)) }
            }
        }
        guard let results else {
            remember(connections)
            return []
        }
        return results.compactMap { ours, other, result in
            switch result {
            case .made: return nil
            case .missing: return "cannot connect \(ours) to \(other): no such port"
            case .failed(let why): return "cannot connect \(ours) to \(other) (\(why))"
            }
        }
    }

    enum PairResult { case made, missing, failed(String) }

    /// Control side, with the client held: one connection between our port `ours`
    /// (short name) and `other` (full name), either way round.
    static func connect(_ client: JackClient, _ ours: String, _ other: String) -> PairResult {
        let full = "\(client.name):\(ours)"
        guard let port = jack_port_by_name(client.handle, full) else { return .failed("no port \(ours) on \(client.name)") }
        guard jack_port_by_name(client.handle, other) != nil else { return .missing }
        let isOutput = Int32(jack_port_flags(port)) & Int32(JackPortIsOutput.rawValue) != 0
        let rc = isOutput ? jack_connect(client.handle, full, other) : jack_connect(client.handle, other, full)
        return rc == 0 || rc == EEXIST_JACK ? .made : .failed("error \(rc)")
    }

    /// Control side, after a reopen: make the connections whose other end was not on
    /// the new server yet, once JACK says ports appeared (a patchbay's clients come
    /// back in their own time). What the new server refuses is dropped, and logged.
    public func connectWaiting() {
        guard portsAppeared.exchange(false, ordering: .relaxed) else { return }
        let waiting = waitingConnections
        guard !waiting.isEmpty else { return }
        let still: [String: [String]]? = withClient(nil) { client in
            var still: [String: [String]] = [:]
            for (ours, others) in waiting {
                for other in others {
                    switch Self.connect(client, ours, other) {
                    case .made: logger.info("reconnected \(ours) to \(other)")
                    case .missing: still[ours, default: []].append(other)
                    case .failed(let why): logger.warning("cannot connect \(ours) to \(other) (\(why))")
                    }
                }
            }
            return still
        }
        if let still { waitingConnections = still }
    }

    /// Control side: what our ports are connected to now (while no server runs, what
    /// they were connected to when it went).
    public func connections() -> [String: [String]] {
        withClient(nil) { Self.readConnections($0) } ?? knownConnectionsNow
    }

    static func readConnections(_ client: JackClient) -> [String: [String]] {
        var result: [String: [String]] = [:]
        for port in client.inputs + client.outputs + client.midiPorts.sorted(by: { $0.key < $1.key }).map(\.value) {
            let name = String(cString: jack_port_short_name(port))
            guard let list = jack_port_get_all_connections(client.handle, port) else { continue }
            var names: [String] = []
            var i = 0
            while let p = list[i] { names.append(String(cString: p)); i += 1 }
            jack_free(list)
            if !names.isEmpty { result[name] = names.sorted() }
        }
        return result
    }
}

/// jack_connect's answer when the connection already exists.
let EEXIST_JACK: Int32 = 17
