import Foundation

/// A coaching profile (`presets/coach/<name>.json`): the voice's range, how strict the
/// judging is, and how the live coach talks.
public struct CoachProfile: Sendable, Codable, Equatable {
    public struct Feedback: Sendable, Codable, Equatable {
        /// `encouraging` (praise in tune stretches too) or `terse` (problems only).
        public var style: String = "encouraging"
        /// Seconds between two coaching messages at least.
        public var minInterval: Double = 1.5
        /// Seconds before the same message may come again.
        public var repeatAfter: Double = 5
        /// Seconds of voice a message judges.
        public var window: Double = 0.5
        public init() {}
    }

    public var name: String = "default"
    public var description: String = ""
    public var lowHz: Double = 50
    public var highHz: Double = 1500
    /// In tune within ± this many cents.
    public var tolerance: Double = 15
    public var onsetToleranceMs: Double = 50
    public var feedback = Feedback()

    public init() {}

    public init(from decoder: Decoder) throws {
        // Every field optional, so a profile names only what it changes.
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = CoachProfile()
        name = try c.decodeIfPresent(String.self, forKey: .name) ?? d.name
        description = try c.decodeIfPresent(String.self, forKey: .description) ?? d.description
        lowHz = try c.decodeIfPresent(Double.self, forKey: .lowHz) ?? d.lowHz
        highHz = try c.decodeIfPresent(Double.self, forKey: .highHz) ?? d.highHz
        tolerance = try c.decodeIfPresent(Double.self, forKey: .tolerance) ?? d.tolerance
        onsetToleranceMs = try c.decodeIfPresent(Double.self, forKey: .onsetToleranceMs) ?? d.onsetToleranceMs
        feedback = try c.decodeIfPresent(Feedback.self, forKey: .feedback) ?? d.feedback
    }

    /// Checks the values a profile file may get wrong.
    public func validate() throws {
        guard lowHz >= 40, highHz <= 2000, lowHz * 2 <= highHz else { throw CoachError("profile \(name): the range must lie within 40 … 2000 Hz and span an octave") }
        guard tolerance >= 1, tolerance <= 50 else { throw CoachError("profile \(name): tolerance must be 1 … 50 cents") }
        guard onsetToleranceMs >= 0, onsetToleranceMs <= 200 else { throw CoachError("profile \(name): onsetToleranceMs must be 0 … 200") }
        guard ["encouraging", "terse"].contains(feedback.style) else { throw CoachError("profile \(name): style is encouraging or terse") }
        guard feedback.minInterval >= 0.2, feedback.repeatAfter >= 0, feedback.window >= 0.1, feedback.window <= 5 else {
            throw CoachError("profile \(name): minInterval ≥ 0.2 s, window 0.1 … 5 s")
        }
    }

    /// The profile `name` from `directory` (presets/coach). Read once, and again only
    /// when its file changes: coaching settings are checked on every request that
    /// touches them, and a storm of them should not be a storm of file reads.
    public static func load(_ name: String, directory: String) throws -> CoachProfile {
        guard !name.isEmpty, name.count <= 64,
              name.unicodeScalars.allSatisfy({ CharacterSet.alphanumerics.contains($0) || $0 == "-" || $0 == "_" })
        else { throw CoachError("a profile name is letters, digits, - and _") }
        let path = directory + "/\(name).json"
        let modified = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
        if let modified, let hit = cacheLock.withLock({ cache[path] }), hit.modified == modified { return hit.profile }
        let profile = try read(name, path: path, directory: directory)
        if let modified { cacheLock.withLock { cache[path] = (modified, profile) } }
        return profile
    }

    private static let cacheLock = NSLock()
    // Guarded by `cacheLock`.
    nonisolated(unsafe) private static var cache: [String: (modified: Date, profile: CoachProfile)] = [:]

    private static func read(_ name: String, path: String, directory: String) throws -> CoachProfile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CoachError("no coach profile \"\(name)\" (profiles: \(names(directory: directory).joined(separator: ", ")))")
        }
        var profile: CoachProfile
        do { profile = try JSONDecoder().decode(CoachProfile.self, from: data) } catch {
            throw CoachError("coach profile \"\(name)\" is not valid JSON for a profile: \(error)")
        }
        profile.name = name
        try profile.validate()
        return profile
    }

    public static func names(directory: String) -> [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return files.filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted()
    }
}
