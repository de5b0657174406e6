import Foundation

/// Strip presets: the inserts part of a strip (EQ, compressor, gate, their order) kept
/// as `presets/strips/<name>.json`, in the same form as a strip in a patch.
public struct StripPresets: Sendable {
    public let directory: String

    public init(directory: String) { self.directory = directory }

    /// The presets folder that ships with dawg: `$DAWG_PRESETS`, else `presets/` in the
    /// project directory, else the package the binary was built in (a folder above it,
    /// as in `.build/release/dawg`, through symbolic links or not), else
    /// /usr/share/dawg/presets.
    public static func locate(projectDirectory: String) -> StripPresets {
        StripPresets(directory: PresetsFolder.find(containing: "strips", projectDirectory: projectDirectory))
    }

    public func names() -> [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory + "/strips")) ?? []
        return files.filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted()
    }

    /// The preset's settings over `base`: its EQ, compressor, gate and insert order.
    public func apply(_ name: String, to base: StripSettings) throws -> StripSettings {
        guard !name.isEmpty, name.count <= 64,
              name.unicodeScalars.allSatisfy({ CharacterSet.alphanumerics.contains($0) || $0 == "-" || $0 == "_" })
        else { throw ControlError("a preset name is letters, digits, - and _") }
        let path = directory + "/strips/\(name).json"
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ControlError("no strip preset \"\(name)\" (presets: \(names().joined(separator: ", ")))")
        }
        let preset: StripSettings
        do { preset = try PatchStore.decoder().decode(StripSettings.self, from: data) } catch {
            throw ControlError("strip preset \"\(name)\" is not valid: \(error)")
        }
        try InsertTable.validate(preset)
        var s = base
        s.eq = preset.eq
        s.comp = preset.comp
        s.comp.sidechain = base.comp.sidechain  // a preset does not know the session's strips
        s.gate = preset.gate
        s.inserts = preset.inserts
        s.preset = name
        return s
    }
}

extension Session {
    /// Apply strip preset `name` to `ref`'s inserts.
    public func applyPreset(_ name: String, to ref: StripRef) throws {
        let presets = self.presets
        try locked {
            var s = try presets.apply(name, to: try patch.strip(ref))
            if case .bus = ref { s.inserts = InsertKind.complete(s.inserts, onBus: true) }
            try patch.setStrip(s, ref)
            pushInserts(ref)
            pushGraph()  // the insert order may have changed
        }
    }
}
