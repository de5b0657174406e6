import AudioFiles
import Engine

extension Session {
    /// Add a silent track with a strip at unity, centred. Returns its id.
    public func addTrack(name: String) throws -> Int {
        let name = try Validate.name(name)
        return try locked {
            let id = try newStrip()
            patch.tracks.append(TrackSettings(id: id, name: name))
            pushMix()
            pushGraph()
            return id
        }
    }

    public func removeTrack(_ id: Int) throws {
        try locked {
            guard let i = patch.tracks.firstIndex(where: { $0.id == id }) else { throw ControlError.unknownTrack(id) }
            patch.tracks.remove(at: i)
            audio[id] = nil
            pushMix()
            pushGraph()
            releaseSlot(of: id)
        }
    }

    /// Make a track play capture port `port` (1-based, `in_1` …).
    public func setInput(track id: Int, port: Int) throws {
        try locked {
            guard port >= 1, port <= engine.config.inputs else {
                throw ControlError("input must be a port number from 1 to \(engine.config.inputs), not \(port)")
            }
            let i = try trackIndex(id)
            patch.tracks[i].input = port
            patch.tracks[i].file = nil
            patch.tracks[i].position = nil
            audio[id] = nil
            pushMix()
            pushGraph()
        }
    }

    /// Decode `path` (inside the project) and place it on the track at `position`
    /// seconds. Slow: decodes outside the lock, so the engine and other clients carry
    /// on meanwhile. Nothing changes if it fails or the track went away.
    public func loadFile(track id: Int, path: String, position: Double = 0) throws {
        let position = try Validate.seconds(position, "position")
        let absolute = try paths.resolve(path, mustExist: true)
        _ = try locked { try trackIndex(id) }
        let decoded: DecodedAudio
        do {
            decoded = try AudioFileReader.decode(path: absolute, sampleRate: sampleRate)
        } catch let e as AudioFileError {
            throw ControlError(e.description.replacingOccurrences(of: absolute, with: path))
        }
        try locked {
            let i = try trackIndex(id)
            patch.tracks[i].file = paths.relative(absolute)
            patch.tracks[i].position = position
            patch.tracks[i].input = nil
            audio[id] = decoded
            pushMix()  // a stereo file changes the pan law
            pushGraph()
        }
    }

    public func addBus(name: String) throws -> Int {
        let name = try Validate.name(name)
        return try locked {
            guard let bus = freeBuses.popLast() else { throw ControlError("no more buses: the limit is \(engine.config.maxBuses)") }
            let id: Int
            do { id = try newStrip() } catch { freeBuses.append(bus); throw error }
            busNumbers[id] = bus
            patch.buses.append(BusSettings(id: id, name: name))
            pushMix()
            pushGraph()
            return id
        }
    }

    /// Remove a bus and every send that fed it.
    public func removeBus(_ id: Int) throws {
        try locked {
            guard let i = patch.buses.firstIndex(where: { $0.id == id }) else { throw ControlError.unknownBus(id) }
            patch.buses.remove(at: i)
            for t in patch.tracks.indices { patch.tracks[t].strip.sends.removeAll { $0.bus == id } }
            pushMix()
            pushGraph()
            if let bus = busNumbers.removeValue(forKey: id) {
                // Forget the sends into this bus, so a new bus there starts from silence.
                for slot in 0..<engine.config.maxStrips { sentSends[slot * engine.config.maxBuses + bus] = nil }
                freeBuses.append(bus)
            }
            releaseSlot(of: id)
        }
    }

    func trackIndex(_ id: Int) throws -> Int {
        guard let i = patch.tracks.firstIndex(where: { $0.id == id }) else { throw ControlError.unknownTrack(id) }
        return i
    }

    /// A fresh strip id with an engine slot of its own.
    func newStrip() throws -> Int {
        guard let slot = freeSlots.popLast() else {
            throw ControlError("no more strips: the limit is \(engine.config.maxStrips - 1)")
        }
        let id = nextID
        nextID += 1
        slots[id] = slot
        return id
    }

    /// Called once the plan without the strip has been sent: commands after this that
    /// reuse the slot snap it to fresh values.
    func releaseSlot(of id: Int) {
        guard let slot = slots.removeValue(forKey: id) else { return }
        sentGains[slot] = nil
        for bus in 0..<engine.config.maxBuses { sentSends[slot * engine.config.maxBuses + bus] = nil }
        freeSlots.append(slot)
    }
}
