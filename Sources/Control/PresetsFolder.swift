import Foundation

/// Where dawg's shipped presets are: `$DAWG_PRESETS`, the project's `presets/`, a
/// `presets/` beside the binary or up to five folders above it (a build tree, an
/// install prefix), then /usr/share/dawg/presets.
public enum PresetsFolder {
    /// The first candidate that holds `sub` (a folder or a file), else the project's.
    public static func find(containing sub: String, projectDirectory: String) -> String {
        var candidates: [String] = []
        if let env = ProcessInfo.processInfo.environment["DAWG_PRESETS"] { candidates.append(env) }
        candidates.append(projectDirectory + "/presets")
        let exe = URL(fileURLWithPath: CommandLine.arguments.first ?? "")
        for start in [exe, exe.resolvingSymlinksInPath()] {
            var dir = start.deletingLastPathComponent()
            for _ in 0..<5 {
                candidates.append(dir.path + "/presets")
                dir = dir.deletingLastPathComponent()
            }
        }
        candidates.append("/usr/share/dawg/presets")
        return candidates.first { FileManager.default.fileExists(atPath: $0 + "/" + sub) } ?? candidates[0]
    }
}
