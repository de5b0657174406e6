import Analysis
import AudioFiles
import Engine
import MIDIFiles
import Store
import Foundation

extension Session {
    /// The state as JSON (what `/state` replies and `/patch/save` writes).
    public func stateJSON() throws -> String {
        String(decoding: try PatchStore.encode(snapshot()), as: UTF8.self)
    }

    /// Write the state to `path` inside the project (never half a patch: see `PatchStore`).
    public func savePatch(to path: String) throws {
        let absolute = try paths.resolve(path, mustExist: false)
        let data = try PatchStore.write(snapshot(), to: absolute, named: path)
        // Every save is a version in the project store (the file is written first: a
        // store that cannot take it costs the history, not the save).
        do { try recorder?.store.savePatchVersion(path: paths.relative(absolute), content: String(decoding: data, as: UTF8.self)) } catch {
            logger.warning("patch \(path) saved, but not kept as a version: \(error)")
        }
    }

    /// The saved versions of every patch, oldest first.
    public func patchVersions() throws -> [PatchVersion] {
        guard let store = recorder?.store else { throw ControlError("no project store: patch versions are kept there") }
        return try store.patchVersions()
    }

    /// Puts the engine in the state of saved version `number` (no file changes).
    @discardableResult
    public func checkoutPatch(version number: Int64) throws -> [String] {
        guard let store = recorder?.store else { throw ControlError("no project store: patch versions are kept there") }
        guard let v = try store.patchVersion(number) else { throw ControlError("no patch version \(number)") }
        return try apply(PatchStore.decode(Data(v.content.utf8), named: "version \(number) (\(v.path))"))
    }

    /// Read, validate and apply the patch at `path`. Returns warnings (connections
    /// that could not be made). Nothing changes if the patch or any file in it is bad.
    @discardableResult
    public func loadPatch(from path: String) throws -> [String] {
        try apply(PatchStore.read(try paths.resolve(path, mustExist: true), named: path))
    }

    /// Replace the whole state with `patch`.
    @discardableResult
    public func apply(_ patch: Patch) throws -> [String] {
        try PatchValidator.validate(patch, inputs: engine.config.inputs, maxStrips: engine.config.maxStrips, maxBuses: engine.config.maxBuses)
        var decoded: [Int: DecodedAudio] = [:]
        var streamed: [Int: StreamingFileReader] = [:]
        var normalised = patch
        // Buses gained a delay and a reverb: an older patch's order gets them appended.
        for i in normalised.buses.indices {
            normalised.buses[i].strip.inserts = InsertKind.complete(normalised.buses[i].strip.inserts, onBus: true)
        }
        for i in normalised.tracks.indices {
            normalised.tracks[i].strip.inserts = InsertKind.complete(normalised.tracks[i].strip.inserts, onBus: false)
        }
        normalised.master.inserts = InsertKind.complete(normalised.master.inserts, onBus: false)
        for (i, t) in patch.tracks.enumerated() {
            guard let file = t.file else { continue }
            let absolute: String
            do { absolute = try paths.resolve(file, mustExist: true) } catch let e as ControlError {
                throw ControlError("track \(t.id): \(e.message)")
            }
            do {
                if let file = try opensForStreaming(absolute) {
                    streamed[t.id] = file
                } else {
                    decoded[t.id] = try decodedFiles.decode(path: absolute, sampleRate: sampleRate)
                }
            } catch let e as AudioFileError {
                throw ControlError("track \(t.id): \(e.description.replacingOccurrences(of: absolute, with: file))")
            }
            normalised.tracks[i].file = paths.relative(absolute)
            // A clip's trim and fades must fit the file.
            if t.clip != nil {
                let frames = decoded[t.id].map { Int64($0.frames) } ?? streamed[t.id]!.frames
                do { _ = try clipPlacement(frames: frames, track: t) } catch let e as ControlError { throw ControlError("track \(t.id): clip: \(e.message)") }
            }
        }
        // MIDI tracks: each file read and its synth made now, as audio files are decoded.
        var midiSources: [Int: MIDITrackSource] = [:]
        for (i, t) in patch.tracks.enumerated() {
            guard let file = t.midi else { continue }
            do {
                let absolute = try paths.resolve(file, mustExist: true)
                let parsed: MIDIFile
                do { parsed = try MIDIFile(path: absolute) } catch let e as MIDIFileError {
                    throw ControlError(e.description.replacingOccurrences(of: absolute, with: file))
                }
                midiSources[t.id] = prepareMIDI(parsed, at: t.position ?? 0)
                normalised.tracks[i].midi = paths.relative(absolute)
            } catch let e as ControlError {
                throw ControlError("track \(t.id): \(e.message)")
            }
        }
        guard midiSources.count <= engine.config.midiOutputs else {
            throw ControlError("too many MIDI tracks: the limit is \(engine.config.midiOutputs)")
        }
        // Coaching: profiles, keys and references are checked before anything changes.
        guard patch.a4.isFinite, Tuning.a4Range.contains(patch.a4) else { throw ControlError("a4 must be 400 … 480 Hz") }
        for t in patch.tracks {
            guard let coach = t.coach else { continue }
            do { _ = try resolveCoach(coach, a4: patch.a4) } catch let e as ControlError { throw ControlError("track \(t.id): coach: \(e.message)") }
        }
        // Active takes: each must be in the store, and is decoded now, as files are.
        var takes: [Int: (TakeRecord, DecodedAudio)] = [:]
        for t in normalised.tracks {
            guard let number = t.take else { continue }
            guard let take = try recorder?.store.takes(.track(t.id)).first(where: { $0.number == number }) else {
                throw ControlError("track \(t.id): no take \(number) in the project store")
            }
            do { takes[t.id] = (take, try decodeTake(take)) } catch let e as ControlError {
                throw ControlError("track \(t.id): \(e.message)")
            }
            if t.clip != nil, let (take, a) = takes[t.id] {  // a take's clip must fit the take
                do { _ = try clipNode(a, track: t, recordedAt: take.timelineFrame) } catch let e as ControlError {
                    throw ControlError("track \(t.id): clip of take \(number): \(e.message)")
                }
            }
        }
        try locked {
            try validateGraph(normalised)  // routing that loops: outputs, sends, side-chains
            // Retire the old strips, then build the new ones.
            retireStrips()
            self.patch = normalised
            coachGeneration += 1
            audio = decoded
            takeAudio = takes
            let audible = MixLogic.audibility(normalised)
            for b in normalised.buses {
                makeStripNodes(.bus(b.id), slot: graph.takeSlot()!, settings: b.strip, audible: audible)
            }
            for t in normalised.tracks {
                let n = makeStripNodes(
                    .track(t.id), slot: graph.takeSlot()!, settings: t.strip, stereo: decoded[t.id]?.isStereo ?? (streamed[t.id]?.channels == 2 || midiSources[t.id] != nil), audible: audible
                )
                if let a = decoded[t.id] {
                    n.source = try clipNode(a, settings: t)  // the clip was checked against the file above
                } else if let file = streamed[t.id] {
                    n.source = try streamNode(t.id, file, track: t, slot: n.meterSlot)  // the clip was checked above
                } else if let input = t.input {
                    n.source = CaptureInput.node(port: input - 1)
                }
            }
            // MIDI tracks keep their slots (and JACK ports) across patches.
            for id in Array(midi.keys) where midiSources[id] == nil { dropMIDI(id) }
            for t in normalised.tracks {
                if let source = midiSources[t.id] { adoptMIDI(t.id, source, program: t.program, name: t.name) }
            }
            nextID = (normalised.tracks.map(\.id) + normalised.buses.map(\.id)).max().map { $0 + 1 } ?? 1
            for t in normalised.tracks where t.armed { syncTap(t.id) }
            for t in normalised.tracks where t.pitch { syncPitch(t.id) }
            for ref in normalised.tracks.map({ StripRef.track($0.id) }) + normalised.buses.map({ StripRef.bus($0.id) }) + [.master] {
                syncLoudness(ref)
            }
            for t in normalised.tracks where t.take != nil { refreshInputSource(t.id) }
            pushInserts(.master)  // the master's nodes outlive patches: send it the new settings
            pushMix()
            pushGraph()
            pushLoop()
            send(.tempo(Float(normalised.transport.tempo)))
        }
        if normalised.transport.play { play() }
        return connections?.restore(normalised.connections) ?? []
    }

    /// Under the lock: every strip's taps and streams ended, the graph emptied but for
    /// the master's nodes, nothing scheduled.
    func retireStrips() {
        for ref in graph.nodes.keys { retireTap(ref) }
        for id in Array(streams.keys) { dropStream(id) }
        removeTap(.master)  // the master's nodes stay; its bounce does not
        bounces = []
        graph.removeAll()
        scheduler.removeAll()
    }

    /// Any control thread, while no process callback runs either engine: drive
    /// `newEngine` (another sample rate) instead, with the whole state — files decoded
    /// again at its rate, takes, coaching, the transport's place in seconds. Recording
    /// is off afterwards. Returns warnings: a file that cannot be read now leaves its
    /// track in place without its audio, and says so.
    @discardableResult
    public func moveEngine(to newEngine: EngineHandle) -> [String] {
        if recordEnabled { try? enableRecording(false) }
        let old = engine
        let seconds = Double(old.published.position.load(ordering: .relaxed)) / old.config.sampleRate
        var state = locked { latest }
        state.connections = [:]  // the host keeps its own connections
        state.transport.play = false
        locked {
            retireStrips()
            engineLock.withLock { _engine = newEngine }
            graph = StripGraph(engine: newEngine)
            audio = [:]
            takeAudio = [:]
            pushGraph()
        }
        recorder?.sampleRate = Int(newEngine.config.sampleRate)
        var warnings: [String] = []
        do {
            warnings = try apply(state)
        } catch {
            // Keep every track: first without the files that are gone, then without
            // any file or take.
            warnings.append("\(error)")
            for i in state.tracks.indices where (try? state.tracks[i].file.map { try paths.resolve($0, mustExist: true) }) == nil {
                state.tracks[i].file = nil
            }
            if (try? apply(state)) == nil {
                for i in state.tracks.indices {
                    state.tracks[i].file = nil
                    state.tracks[i].take = nil
                    state.tracks[i].midi = nil
                    state.tracks[i].program = nil
                }
                warnings.append("every track's file and take were left out")
                do { _ = try apply(state) } catch { warnings.append("the state could not be moved: \(error)") }
            }
        }
        locked { send(.locate(frame: newEngine.frames(seconds: seconds))) }
        for w in warnings { logger.warning("moving to \(Int(newEngine.config.sampleRate)) Hz: \(w)") }
        return warnings
    }
}

