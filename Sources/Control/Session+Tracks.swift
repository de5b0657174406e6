import AudioFiles
import Engine

extension Session {
    /// Add a silent track with a strip at unity, centred. Returns its id.
    public func addTrack(name: String) throws -> Int {
        let name = try Validate.name(name)
        return try locked {
            let (id, slot) = try newStrip()
            let track = TrackSettings(id: id, name: name)
            patch.tracks.append(track)
            makeStripNodes(.track(id), slot: slot, settings: track.strip, stereo: false)
            pushGraph()
            return id
        }
    }

    public func removeTrack(_ id: Int) throws {
        try locked {
            guard let i = patch.tracks.firstIndex(where: { $0.id == id }) else { throw ControlError.unknownTrack(id) }
            patch.tracks.remove(at: i)
            dropSources(id)
            retireTap(.track(id))
            graph.remove(.track(id))
            forgetSidechains(keyedBy: id)
            pushGraph()
        }
    }

    /// Make a track play capture port `port` (1-based, `in_1` …).
    public func setInput(track id: Int, port: Int) throws {
        try locked {
            guard port >= 1, port <= engine.config.inputs else {
                throw ControlError("input must be a port number from 1 to \(engine.config.inputs), not \(port)")
            }
            let i = try trackIndex(id)
            patch.tracks[i].forgetSource()  // another input: the takes of the old one stay listed, none plays
            patch.tracks[i].input = port
            dropSources(id)
            graph[.track(id)]?.source = CaptureInput.node(port: port - 1)
            pushMix([.track(id)], audibility: false)  // a mono source changes the pan law
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
        // Long files stream from disk; the rest are decoded whole.
        let streamed: StreamingFileReader?
        let decoded: DecodedAudio?
        do {
            streamed = try opensForStreaming(absolute)
            decoded = streamed == nil ? try decodedFiles.decode(path: absolute, sampleRate: sampleRate) : nil
        } catch let e as AudioFileError {
            throw ControlError(e.description.replacingOccurrences(of: absolute, with: path))
        }
        try locked {
            let i = try trackIndex(id)
            patch.tracks[i].forgetSource()  // a new file: the whole of it, at unity
            patch.tracks[i].file = paths.relative(absolute)
            patch.tracks[i].position = position
            patch.tracks[i].armed = false  // a file track does not record
            dropMIDI(id)
            takeAudio[id] = nil
            audio[id] = decoded
            removeTap(.track(id))
            if let n = graph[.track(id)] {
                if let streamed {
                    n.source = try streamNode(id, streamed, track: patch.tracks[i], slot: n.meterSlot)
                } else if let decoded {
                    dropStream(id)
                    n.source = try clipNode(decoded, settings: patch.tracks[i])
                }
            }
            pushMix([.track(id)], audibility: false)  // a stereo file changes the pan law
            pushGraph()
        }
    }

    /// A source node playing `audio` as `track`'s clip says (its position, trim, gain and
    /// fades; the whole file at unity from its position when it has no clip edits).
    func clipNode(_ audio: DecodedAudio, settings track: TrackSettings) throws -> NodeState {
        ClipPlayer.node(clips: [try clipNode(audio, track: track)], stereo: audio.isStereo, retaining: [audio])
    }

    public func addBus(name: String) throws -> Int {
        let name = try Validate.name(name)
        return try locked {
            guard patch.buses.count < engine.config.maxBuses else {
                throw ControlError("no more buses: the limit is \(engine.config.maxBuses)")
            }
            let (id, slot) = try newStrip()
            var bus = BusSettings(id: id, name: name)
            bus.strip.inserts = InsertKind.busOrder
            patch.buses.append(bus)
            makeStripNodes(.bus(id), slot: slot, settings: bus.strip)
            pushGraph()
            return id
        }
    }

    /// Remove a bus, every send (from tracks and buses) that fed it, and route buses that
    /// fed it to the master.
    public func removeBus(_ id: Int) throws {
        try locked {
            guard let i = patch.buses.firstIndex(where: { $0.id == id }) else { throw ControlError.unknownBus(id) }
            patch.buses.remove(at: i)
            for ref in patch.removeSends(to: id) {
                if let n = graph[ref], let settings = try? patch.strip(ref) { syncSends(n, settings) }
            }
            for b in patch.buses.indices where patch.buses[b].output == id { patch.buses[b].output = nil }
            retireTap(.bus(id))
            bounces.remove(.bus(id))
            graph.remove(.bus(id))
            forgetSidechains(keyedBy: id)
            pushMix()  // who is heard may have changed (a soloed bus went away)
            pushGraph()
        }
    }

    /// Route bus `id` into bus `target` (nil: the master). Refused if it would make a
    /// cycle; nothing changes then.
    public func setBusOutput(_ id: Int, to target: Int?) throws {
        try locked {
            guard let i = patch.buses.firstIndex(where: { $0.id == id }) else { throw ControlError.unknownBus(id) }
            if let target {
                guard target != id else { throw ControlError("bus \(id) cannot feed itself") }
                guard patch.buses.contains(where: { $0.id == target }) else { throw ControlError.unknownBus(target) }
            }
            var candidate = patch
            candidate.buses[i].output = target
            try validateGraph(candidate)
            patch = candidate
            pushMix()
            pushGraph()
        }
    }

    public func busOutput(_ id: Int) throws -> Int? {
        try locked {
            guard let b = patch.buses.first(where: { $0.id == id }) else { throw ControlError.unknownBus(id) }
            return b.output
        }
    }

    /// Under the lock: whatever track `id` played — decoded file, stream, take, MIDI —
    /// is let go.
    func dropSources(_ id: Int) {
        audio[id] = nil
        takeAudio[id] = nil
        dropStream(id)
        dropMIDI(id)
    }

    func trackIndex(_ id: Int) throws -> Int {
        guard let i = patch.tracks.firstIndex(where: { $0.id == id }) else { throw ControlError.unknownTrack(id) }
        return i
    }

    /// A fresh strip id and meter slot.
    func newStrip() throws -> (id: Int, slot: Int) {
        guard let slot = graph.takeSlot() else {
            throw ControlError("no more strips: the limit is \(engine.config.maxStrips - 1)")
        }
        let id = nextID
        nextID += 1
        return (id, slot)
    }

    /// Compressors keyed by a strip that is gone listen to their own input again.
    func forgetSidechains(keyedBy id: Int) {
        for i in patch.tracks.indices where patch.tracks[i].strip.comp.sidechain == id { patch.tracks[i].strip.comp.sidechain = nil }
        for i in patch.buses.indices where patch.buses[i].strip.comp.sidechain == id { patch.buses[i].strip.comp.sidechain = nil }
        if patch.master.comp.sidechain == id { patch.master.comp.sidechain = nil }
    }
}
