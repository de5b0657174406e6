import Analysis
import Engine
import Foundation
import MIDIFiles

/// A tracked track's coaching: what its pitch is measured against and how the live
/// coach talks. Saved in patches (`tracks[].coach`); every key may be left out.
public struct CoachSettings: Codable, Equatable, Sendable {
    /// A profile from presets/coach: tolerance and feedback style.
    public var profile: String = "default"
    /// In tune within ± this many cents (nil: the profile's).
    public var tolerance: Double?
    /// Measure against a key and scale (both, or neither).
    public var key: String?
    public var scale: String?
    /// Measure against the note a reference melody (a MIDI file in the project) has at
    /// the transport's position.
    public var reference: String?
    /// Which track chunk of the reference holds the melody (nil: the first non-drum).
    public var melodyTrack: Int?
    /// The reference's octave only (default: any octave counts).
    public var strict: Bool = false
    /// Send `/coach/feedback` messages.
    public var messages: Bool = true

    public init() {}

    enum CodingKeys: String, CodingKey { case profile, tolerance, key, scale, reference, melodyTrack, strict, messages }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        profile = try c.decode(.profile, or: "default")
        tolerance = try c.decodeIfPresent(Double.self, forKey: .tolerance)
        key = try c.decodeIfPresent(String.self, forKey: .key)
        scale = try c.decodeIfPresent(String.self, forKey: .scale)
        reference = try c.decodeIfPresent(String.self, forKey: .reference)
        melodyTrack = try c.decodeIfPresent(Int.self, forKey: .melodyTrack)
        strict = try c.decode(.strict, or: false)
        messages = try c.decode(.messages, or: true)
    }

    /// The live coach these settings make, checked: the profile exists, the key and
    /// scale are known, the reference is a MIDI file inside the project with a melody.
    public func resolve(a4: Double, presets: String, paths: ProjectPaths) throws -> LiveCoach.Settings {
        let chosen: CoachProfile
        do { chosen = try CoachProfile.load(profile, directory: presets) } catch let e as CoachError { throw ControlError(e.description) }
        var s = LiveCoach.Settings()
        s.tuning = Tuning(a4: a4)
        s.tolerance = tolerance ?? chosen.tolerance
        s.feedback = chosen.feedback
        s.messages = messages
        s.range = chosen.lowHz...chosen.highHz
        guard s.tolerance >= 1 && s.tolerance <= 50 else { throw ControlError("tolerance must be 1 … 50 cents") }
        guard (key == nil) == (scale == nil) else { throw ControlError("a key and a scale go together") }
        guard reference == nil || key == nil else { throw ControlError("measure against a reference melody or a key and scale, not both") }
        do {
            if let key, let scale {
                s.target = .scale(try Scale(key: key, scale: scale))
            } else if let reference {
                let path = try paths.resolve(reference, mustExist: true)
                let melody: Melody
                do { melody = try Melody(file: try MIDIFile(path: path), track: melodyTrack) } catch let e as MIDIFileError {
                    throw ControlError("reference \(reference): \(e.description.replacingOccurrences(of: path + ": ", with: ""))")
                }
                s.target = .melody(melody, folded: !strict)
            }
        } catch let e as CoachError { throw ControlError(e.description) }
        return s
    }
}
