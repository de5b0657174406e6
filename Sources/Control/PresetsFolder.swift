import Foundation

/// Where dawg's shipped presets are: `$DAWG_PRESETS`, the project's `presets/`, a
/// `presets/` beside the binary or up to five folders above it (a build tree, an
/// install prefix), then /usr/share/dawg/presets.
public enum PresetsFolder {
    /// The first candidate that holds `sub` (a folder or a file), else the project's.
    public static func find(containing sub: String, projectDirectory: String) -> String {
        ShippedFolder.find("presets", containing: sub, environment: "DAWG_PRESETS", projectDirectory: projectDirectory)
    }
}

/// A folder shipped with dawg (`presets`, `web`): `$<environment>`, the project's
/// `<name>/`, a `<name>/` beside the binary or up to five folders above it, then
/// /usr/share/dawg/<name>.
public enum ShippedFolder {
    /// The first candidate that holds `sub` (a folder or a file), else the project's.
    public static func find(_ name: String, containing sub: String, environment: String, projectDirectory: String) -> String {
        var candidates: [String] = []
        if let env = ProcessInfo.processInfo.environment[environment] { candidates.append(env) }
        candidates.append(projectDirectory + "/" + name)
        let exe = URL(fileURLWithPath: CommandLine.arguments.first ?? "")
        for start in [exe, exe.resolvingSymlinksInPath()] {
            var dir = start.deletingLastPathComponent()
            for _ in 0..<5 {
                candidates.append(dir.path + "/" + name)
                dir = dir.deletingLastPathComponent()
            }
        }
        candidates.append("/usr/share/dawg/" + name)
        return candidates.first { FileManager.default.fileExists(atPath: $0 + "/" + sub) } ?? candidates[0]
    }
}
