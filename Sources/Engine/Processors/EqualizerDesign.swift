import DSP

/// Control side: a strip EQ's settings in a mixer's terms, turned into the
/// `EqualizerProcessor`'s band parameters.
public struct EqualizerDesign: Equatable, Sendable {
    /// The bands, in processing order, by the names OSC and patches use.
    public enum Band: String, CaseIterable, Sendable, Codable {
        case hpf, lowshelf, peak1, peak2, peak3, peak4, highshelf, lpf

        public var index: Int32 { Int32(Self.allCases.firstIndex(of: self)!) }
        public var isFilter: Bool { self == .hpf || self == .lpf }
        public var shape: FilterDesign.Shape {
            switch self {
            case .hpf: .highPass
            case .lpf: .lowPass
            case .lowshelf: .lowShelf
            case .highshelf: .highShelf
            default: .bell
            }
        }
    }

    public struct BandSettings: Equatable, Sendable {
        public var frequency: Double
        public var gainDb: Double = 0
        public var q: Double = 0.7071
        /// 12 or 24 dB/oct (filters only).
        public var slope: Int = 12
        public var on = false

        public init(frequency: Double, gainDb: Double = 0, q: Double = 0.7071, slope: Int = 12, on: Bool = false) {
            self.frequency = frequency
            self.gainDb = gainDb
            self.q = q
            self.slope = slope
            self.on = on
        }
    }

    /// Default frequencies: a neutral starting point spread across the spectrum.
    public static let defaultFrequencies: [Band: Double] = [
        .hpf: 80, .lowshelf: 120, .peak1: 250, .peak2: 800, .peak3: 2500, .peak4: 6000, .highshelf: 10000, .lpf: 18000,
    ]

    /// The band's section(s) at `sampleRate`, heard or not as `on` (and the whole EQ's
    /// switch) say.
    public static func setting(_ band: Band, _ s: BandSettings, sampleRate: Double, eqOn: Bool = true) -> EqualizerProcessor.BandSetting {
        if band.isFilter && s.slope == 24 {
            let (q1, q2) = FilterDesign.butterworth4
            let first = FilterDesign.section(band.shape, frequency: s.frequency, q: q1, sampleRate: sampleRate)
            return .init(section: first, k2: Float(1 / q2), on: s.on && eqOn)
        }
        let section = FilterDesign.section(band.shape, frequency: s.frequency, q: s.q, gainDb: s.gainDb, sampleRate: sampleRate)
        return .init(section: section, on: s.on && eqOn)
    }
}
