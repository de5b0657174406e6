/// What a sung pitch is measured against: the nearest equal-tempered note, the nearest
/// note of a key and scale, or the note a reference melody has at that moment (in the
/// octave nearest to the singer when `folded`, so a baritone can sing a soprano line).
public enum PitchTarget: Sendable, Equatable {
    case equalTemperament
    case scale(Scale)
    case melody(Melody, folded: Bool)

    /// The target note (MIDI number) for a sung fractional MIDI pitch at `time` seconds
    /// on the reference's clock; nil when the melody rests then.
    public func note(for sung: Double, at time: Double) -> Int? {
        switch self {
        case .equalTemperament: return Int(sung.rounded())
        case .scale(let s): return s.nearest(sung)
        case .melody(let m, let folded):
            guard let n = m.note(at: time) else { return nil }
            return folded ? Self.fold(n.key, near: sung) : n.key
        }
    }

    /// `key` moved by whole octaves to lie nearest `sung`.
    public static func fold(_ key: Int, near sung: Double) -> Int {
        key + 12 * Int(((sung - Double(key)) / 12).rounded())
    }
}
