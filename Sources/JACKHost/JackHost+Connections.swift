import CJack

extension JackHost {
    /// Control side: connect our ports (by short name) to the named ports. Returns a
    /// message per connection that could not be made; existing ones are kept.
    public func connect(_ connections: [String: [String]]) -> [String] {
        var problems: [String] = []
        for (ours, others) in connections.sorted(by: { $0.key < $1.key }) {
            let full = "\(clientName):\(ours)"
            guard let port = jack_port_by_name(client, full) else {
                problems.append("no port \(ours) on \(clientName)")
                continue
            }
            let isOutput = Int32(jack_port_flags(port)) & Int32(JackPortIsOutput.rawValue) != 0
            for other in others {
                guard jack_port_by_name(client, other) != nil else {
                    problems.append("cannot connect \(ours) to \(other): no such port")
                    continue
                }
                let rc = isOutput ? jack_connect(client, full, other) : jack_connect(client, other, full)
                if rc != 0 && rc != EEXIST_JACK { problems.append("cannot connect \(ours) to \(other) (error \(rc))") }
            }
        }
        return problems
    }

    /// Control side: what our ports are connected to now.
    public func connections() -> [String: [String]] {
        var result: [String: [String]] = [:]
        for port in allPorts {
            let name = String(cString: jack_port_short_name(port))
            guard let list = jack_port_get_all_connections(client, port) else { continue }
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
