extension Session {
    /// Markers in timeline order.
    public var markers: [MarkerSettings] { locked { patch.markers } }

    /// A new marker called `name` at `seconds`. Returns it (with its id).
    @discardableResult
    public func addMarker(name: String, seconds: Double) throws -> MarkerSettings {
        let name = try Validate.name(name)
        let seconds = try Validate.seconds(seconds, "marker position")
        return try locked {
            guard patch.markers.count < 1000 else { throw ControlError("no more markers: the limit is 1000") }
            let id = (patch.markers.map(\.id).max() ?? 0) + 1
            let marker = MarkerSettings(id: id, name: name, seconds: seconds)
            patch.markers.append(marker)
            sortMarkers()
            return marker
        }
    }

    public func moveMarker(_ id: Int, to seconds: Double) throws -> MarkerSettings {
        let seconds = try Validate.seconds(seconds, "marker position")
        return try editMarker(id) { $0.seconds = seconds }
    }

    public func renameMarker(_ id: Int, to name: String) throws -> MarkerSettings {
        let name = try Validate.name(name)
        return try editMarker(id) { $0.name = name }
    }

    public func removeMarker(_ id: Int) throws {
        try locked {
            guard let i = patch.markers.firstIndex(where: { $0.id == id }) else { throw ControlError("no marker with id \(id)") }
            patch.markers.remove(at: i)
        }
    }

    /// Move the transport to marker `id`.
    public func locate(marker id: Int) throws {
        guard let m = markers.first(where: { $0.id == id }) else { throw ControlError("no marker with id \(id)") }
        try locate(seconds: m.seconds)
    }

    private func editMarker(_ id: Int, _ change: (inout MarkerSettings) -> Void) throws -> MarkerSettings {
        try locked {
            guard let i = patch.markers.firstIndex(where: { $0.id == id }) else { throw ControlError("no marker with id \(id)") }
            change(&patch.markers[i])
            let edited = patch.markers[i]
            sortMarkers()
            return edited
        }
    }

    private func sortMarkers() { patch.markers.sort { ($0.seconds, $0.id) < ($1.seconds, $1.id) } }
}
