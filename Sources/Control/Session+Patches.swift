import AudioFiles
import Engine
import Foundation

extension Session {
    static func encoder() -> JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return e
    }

    static func decoder() -> JSONDecoder {
        let d = JSONDecoder()
        d.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return d
    }

    /// The state as JSON (what `/state` replies and `/patch/save` writes).
    public func stateJSON() throws -> String {
        String(decoding: try Self.encoder().encode(snapshot()), as: UTF8.self)
    }

    /// Write the state to `path` inside the project: a temporary file first, renamed
    /// over the target, so a full disk or a crash never leaves half a patch.
    public func savePatch(to path: String) throws {
        let absolute = try paths.resolve(path, mustExist: false)
        let data = try Self.encoder().encode(snapshot()) + Data("\n".utf8)
        let temporary = absolute + ".tmp-\(getpid())"
        guard FileManager.default.createFile(atPath: temporary, contents: nil) else {
            throw ControlError("cannot write \(path): \(String(cString: strerror(errno)))")
        }
        do {
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: temporary))
            defer { try? handle.close() }
            try handle.write(contentsOf: data)
            try handle.synchronize()
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw ControlError("cannot write \(path): \(error.localizedDescription)")
        }
        guard rename(temporary, absolute) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(atPath: temporary)
            throw ControlError("cannot write \(path): \(reason)")
        }
    }

    /// Read, validate and apply the patch at `path`. Returns warnings (connections
    /// that could not be made). Nothing changes if the patch or any file in it is bad.
    @discardableResult
    public func loadPatch(from path: String) throws -> [String] {
        let absolute = try paths.resolve(path, mustExist: true)
        guard let data = FileManager.default.contents(atPath: absolute) else { throw ControlError("cannot read \(path)") }
        guard data.count <= 16 << 20 else { throw ControlError("\(path) is larger than 16 MiB; not a patch") }
        let patch: Patch
        do {
            patch = try Self.decoder().decode(Patch.self, from: data)
        } catch let DecodingError.dataCorrupted(context) {
            throw ControlError("\(path) is not valid JSON: \(context.debugDescription)")
        } catch let DecodingError.keyNotFound(key, context) {
            throw ControlError("\(path): missing \"\(key.stringValue)\" at \(Self.codingPath(context.codingPath))")
        } catch let DecodingError.typeMismatch(_, context) {
            throw ControlError("\(path): wrong type at \(Self.codingPath(context.codingPath)): \(context.debugDescription)")
        } catch {
            throw ControlError("\(path) is not a patch: \(error)")
        }
        return try apply(patch)
    }

    static func codingPath(_ path: [CodingKey]) -> String {
        path.isEmpty ? "the top" : path.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
    }

    /// Replace the whole state with `patch`.
    @discardableResult
    public func apply(_ patch: Patch) throws -> [String] {
        try PatchValidator.validate(patch, inputs: engine.config.inputs, maxStrips: engine.config.maxStrips, maxBuses: engine.config.maxBuses)
        var decoded: [Int: DecodedAudio] = [:]
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
                decoded[t.id] = try AudioFileReader.decode(path: absolute, sampleRate: sampleRate)
            } catch let e as AudioFileError {
                throw ControlError("track \(t.id): \(e.description.replacingOccurrences(of: absolute, with: file))")
            }
            normalised.tracks[i].file = paths.relative(absolute)
        }
        try locked {
            var candidate = self.patch
            candidate.buses = normalised.buses
            candidate.tracks = []
            try validateGraph(candidate)  // bus outputs that loop
            // Retire the old strips, then build the new ones.
            for ref in Array(strips.keys) where ref != .master { removeStrip(ref) }
            scheduled.removeAll()
            self.patch = normalised
            audio = decoded
            let audible = MixLogic.audibility(normalised)
            for b in normalised.buses {
                makeStripNodes(.bus(b.id), slot: freeSlots.popLast()!, settings: b.strip, audible: audible)
            }
            for t in normalised.tracks {
                let n = makeStripNodes(
                    .track(t.id), slot: freeSlots.popLast()!, settings: t.strip, stereo: decoded[t.id]?.isStereo ?? false, audible: audible
                )
                if let a = decoded[t.id] {
                    n.source = clipNode(a, at: t.position ?? 0)
                } else if let input = t.input {
                    n.source = CaptureInput.node(port: input - 1)
                }
            }
            nextID = (normalised.tracks.map(\.id) + normalised.buses.map(\.id)).max().map { $0 + 1 } ?? 1
            pushMix()
            pushGraph()
            pushLoop()
            send(.tempo(Float(normalised.transport.tempo)))
        }
        if normalised.transport.play { play() }
        return connections?.restore(normalised.connections) ?? []
    }
}
