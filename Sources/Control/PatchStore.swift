import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Patches as files: the JSON format (non-finite numbers as "inf", "-inf", "nan") and
/// the file I/O, with errors that say where a bad patch is wrong.
public enum PatchStore {
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

    static func encode(_ patch: Patch) throws -> Data { try encoder().encode(patch) }

    /// Write `patch` to `absolute`: a temporary file first, synced, then renamed over
    /// the target, so a full disk or a crash never leaves half a patch. `name` is what
    /// errors call the file.
    @discardableResult
    static func write(_ patch: Patch, to absolute: String, named name: String) throws -> Data {
        let data = try encode(patch) + Data("\n".utf8)
        let temporary = absolute + ".tmp-\(getpid())"
        guard FileManager.default.createFile(atPath: temporary, contents: nil) else {
            throw ControlError("cannot write \(name): \(String(cString: strerror(errno)))")
        }
        do {
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: temporary))
            defer { try? handle.close() }
            try handle.write(contentsOf: data)
            try handle.synchronize()
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw ControlError("cannot write \(name): \(error.localizedDescription)")
        }
        guard rename(temporary, absolute) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(atPath: temporary)
            throw ControlError("cannot write \(name): \(reason)")
        }
        return data
    }

    /// The patch in the file at `absolute` (not yet validated: `Session.apply` does that).
    static func read(_ absolute: String, named name: String) throws -> Patch {
        guard let data = FileManager.default.contents(atPath: absolute) else { throw ControlError("cannot read \(name)") }
        return try decode(data, named: name)
    }

    /// The patch in `data` (a file's or a stored version's); `name` is what errors call it.
    static func decode(_ data: Data, named name: String) throws -> Patch {
        guard data.count <= 16 << 20 else { throw ControlError("\(name) is larger than 16 MiB; not a patch") }
        do {
            return try decoder().decode(Patch.self, from: data)
        } catch let DecodingError.dataCorrupted(context) {
            throw ControlError("\(name) is not valid JSON: \(context.debugDescription)")
        } catch let DecodingError.keyNotFound(key, context) {
            throw ControlError("\(name): missing \"\(key.stringValue)\" at \(codingPath(context.codingPath))")
        } catch let DecodingError.typeMismatch(_, context) {
            throw ControlError("\(name): wrong type at \(codingPath(context.codingPath)): \(context.debugDescription)")
        } catch {
            throw ControlError("\(name) is not a patch: \(error)")
        }
    }

    static func codingPath(_ path: [CodingKey]) -> String {
        path.isEmpty ? "the top" : path.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
    }
}
