import Control

extension OSCRouter {
    /// `/marker/add s:name f:seconds` → `/marker/added i:id s:name f:seconds`;
    /// `/marker/<id>/move f:seconds`, `/marker/<id>/rename s:name` → `/marker i:id
    /// s:name f:seconds`; `/marker/<id>/remove` → `/marker/removed i:id` (each echoed to
    /// subscribers); `/markers` → `/marker …` for each, then `/markers.end i:count`.
    func marker(_ rest: [String], _ m: OSCMessage, _ a: OSCArguments, _ client: OSCClient) throws -> [OSCMessage] {
        func describe(_ path: String, _ marker: MarkerSettings) -> OSCMessage {
            OSCMessage(path, [.int(Int32(marker.id)), .string(marker.name), .float(Float(marker.seconds))])
        }
        if rest == ["add"] {
            try a.expect(2...2, "a name and a position in seconds")
            let added = describe("/marker/added", try session.addMarker(name: try a.string(0, "name"), seconds: try a.double(1, "position")))
            feedback.broadcast([added], except: client)
            return [added]
        }
        guard rest.count == 2, let id = Int(rest[0]) else { throw ControlError("unknown address") }
        switch rest[1] {
        case "move":
            try a.expect(1...1, "a position in seconds")
            return changed(describe("/marker", try session.moveMarker(id, to: try a.double(0, "position"))))
        case "rename":
            try a.expect(1...1, "a name")
            return changed(describe("/marker", try session.renameMarker(id, to: try a.string(0, "name"))))
        case "remove":
            try a.expect(0...0, "none")
            try session.removeMarker(id)
            let removed = OSCMessage("/marker/removed", [.int(Int32(id))])
            feedback.broadcast([removed], except: client)
            return [removed]
        default:
            throw ControlError("unknown address")
        }
    }

    func markerList(_ a: OSCArguments) throws -> [OSCMessage] {
        try a.expect(0...0, "none")
        let all = session.markers
        return all.map { OSCMessage("/marker", [.int(Int32($0.id)), .string($0.name), .float(Float($0.seconds))]) }
            + [OSCMessage("/markers.end", [.int(Int32(all.count))])]
    }
}
