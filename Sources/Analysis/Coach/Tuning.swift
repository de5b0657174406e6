import Foundation

/// Equal temperament against a reference A4: frequencies to fractional MIDI note
/// numbers and note names.
public struct Tuning: Sendable, Equatable, Codable {
    public var a4: Double

    public init(a4: Double = 440) { self.a4 = a4 }

    /// The allowed references: concert pitch has been 415 … 466 Hz somewhere.
    public static let a4Range = 400.0...480.0

    /// Fractional MIDI note number (69 is A4).
    public func midi(_ hz: Double) -> Double { 69 + 12 * log2(hz / a4) }

    public func hz(_ midi: Double) -> Double { a4 * pow(2, (midi - 69) / 12) }

    /// The nearest note (`A4`, `C#5`) and how far `hz` is from it, in cents.
    public func nearest(_ hz: Double) -> (name: String, cents: Double) {
        let m = midi(hz), n = Int(m.rounded())
        return (Self.name(n), (m - Double(n)) * 100)
    }

    public static let pitchClasses = ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"]

    /// `60` → `C4`.
    public static func name(_ midi: Int) -> String {
        pitchClasses[((midi % 12) + 12) % 12] + String(Int((Double(midi) / 12).rounded(.down)) - 1)
    }
}
