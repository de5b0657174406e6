import Foundation

/// The mix assistant's judgement: from what each track measures, the problems worth
/// fixing and the moves that fix them. Pure: the session gathers the measurements and
/// applies the moves.
public enum MixAdvisor {
    /// A track further than this from its place in the balance is worth a move (LU).
    public static let levelTolerance = 3.0
    /// The true peak every track and the mix should stay under (dBTP).
    public static let peakCeiling = -1.0
    /// A masking share above this (of the quieter track's power spent in bands where
    /// both are strong) is worth a cut.
    public static let maskingThreshold = 0.25
    /// Bands the masking check looks in: where fundamentals and body collide.
    static let maskingBands = 31.0...5000.0

    /// `reverbBuses`, `delayBuses`: buses whose reverb or delay is on (a vocal with no
    /// send to one gets one).
    public static func suggest(_ tracks: [MixTrack], reverbBuses: [Int] = [], delayBuses: [Int] = []) -> [MixSuggestion] {
        var out: [MixSuggestion] = []
        func add(_ kind: MixSuggestion.Kind, _ ids: [Int], _ problem: String, _ measured: [String: Double], _ moves: [MixMove]) {
            out.append(MixSuggestion(id: out.count + 1, kind: kind, tracks: ids, problem: problem, measured: measured, moves: moves))
        }
        let levels = balancedGains(tracks)
        for t in tracks {
            guard let level = levels[t.id] else { continue }
            let m = t.measure
            if m.truePeak > peakCeiling {
                add(.clipping, [t.id], "\(label(t)) peaks at \(f1(m.truePeak)) dBTP, over \(f1(peakCeiling))",
                    ["true_peak_dbtp": m.truePeak, "gain_db": t.gainDb], [MixMove(strip: "\(t.id)", control: "gain", value: level.gain)])
            } else if abs(level.offset) > levelTolerance {
                let how = level.offset < 0 ? "under" : "over"
                add(.level, [t.id], "\(label(t)) \(f1(abs(level.offset))) LU \(how) its place in the balance",
                    ["integrated_lufs": m.integrated ?? -99, "offset_lu": level.offset, "gain_db": t.gainDb],
                    [MixMove(strip: "\(t.id)", control: "gain", value: level.gain)])
            }
        }
        for (a, b) in pairs(tracks) {
            let (share, band) = masking(a.measure.bandPower, b.measure.bandPower, centres: a.measure.bandCentres)
            guard share > maskingThreshold, let band else { continue }
            // The lower priority gives way, with a bell where the two collide most.
            let (keep, cut) = a.role.priority >= b.role.priority ? (a, b) : (b, a)
            guard let bell = cut.freeBells.first else { continue }
            let hz = a.measure.bandCentres[band]
            let depth = min(9, max(3, (share - maskingThreshold) * 20 + 3))
            add(.masking, [cut.id, keep.id],
                "\(label(cut)) masks \(label(keep)) around \(Int(hz.rounded())) Hz (\(Int((share * 100).rounded())) % of their power shared)",
                ["masking": share, "band_hz": hz],
                [MixMove(strip: "\(cut.id)", control: "eq/\(bell)/freq", value: hz),
                 MixMove(strip: "\(cut.id)", control: "eq/\(bell)/gain", value: -depth.rounded()),
                 MixMove(strip: "\(cut.id)", control: "eq/\(bell)/q", value: 1.4),
                 MixMove(strip: "\(cut.id)", control: "eq/\(bell)/on", value: 1),
                 MixMove(strip: "\(cut.id)", control: "eq/on", value: 1)])
        }
        let centred = tracks.filter { abs($0.pan) < 0.05 }
        let movable = tracks.filter { !$0.role.centred }.sorted { ($0.role.priority, -$0.id) > ($1.role.priority, -$1.id) }
        if tracks.count >= 3, centred.count == tracks.count, movable.count >= 2 {
            let places = [-0.5, 0.5, -0.3, 0.3, -0.7, 0.7, -0.2, 0.2]
            add(.pan, movable.map(\.id), "all \(tracks.count) tracks sit in the centre, on top of each other",
                ["centred_tracks": Double(centred.count)],
                movable.enumerated().map { i, t in MixMove(strip: "\(t.id)", control: "pan", value: places[i % places.count]) })
        }
        for t in tracks where !t.compressorOn {
            // Peaks far over the average, or a level that wanders widely over time.
            guard let crest = t.measure.crest, let lufs = t.measure.integrated, crest > 20 || (t.measure.range ?? 0) > 12,
                  [.vocal, .bass, .kick, .snare].contains(t.role) else { continue }
            let range = t.measure.range ?? 0
            let (ratio, attack, release): (Double, Double, Double) = switch t.role {
            case .vocal: (3, 10, 120)
            case .bass: (4, 20, 150)
            default: (4, 15, 100)  // hits: let the attack through
            }
            let problem = crest > 20 ? "\(label(t)) swings \(f1(crest)) dB from its average to its peaks"
                : "\(label(t)) wanders over \(f1(range)) LU of loudness"
            add(.compressor, [t.id], problem, ["crest_db": crest, "range_lu": range, "integrated_lufs": lufs],
                [MixMove(strip: "\(t.id)", control: "comp/threshold", value: (lufs + 6).rounded()),
                 MixMove(strip: "\(t.id)", control: "comp/ratio", value: ratio),
                 MixMove(strip: "\(t.id)", control: "comp/attack", value: attack),
                 MixMove(strip: "\(t.id)", control: "comp/release", value: release),
                 MixMove(strip: "\(t.id)", control: "comp/on", value: 1)])
        }
        for (effect, buses, level) in [("reverb", reverbBuses, -12.0), ("delay", delayBuses, -18.0)] {
            guard let bus = buses.first else { continue }
            for t in tracks where t.role == .vocal && !t.sends.contains(where: buses.contains) {
                add(.send, [t.id], "\(label(t)) is dry: no send to the \(effect) on bus \(bus)", ["sends": Double(t.sends.count)],
                    [MixMove(strip: "\(t.id)", control: "send/\(bus)", value: level)])
            }
        }
        return out
    }

    /// For every track with a loudness: the fader gain that puts it at its role's place
    /// in the balance, and how far off it is. The balance hangs on the median of
    /// everyone's offset from their place (so one track far off does not move it),
    /// lowered if need be until every track fits under the true-peak ceiling at its
    /// place: the balance is kept and the master makes up the level.
    public static func balancedGains(_ tracks: [MixTrack]) -> [Int: (gain: Double, offset: Double)] {
        let offsets = tracks.compactMap { t in t.measure.integrated.map { (t, $0 - t.role.target) } }
        guard !offsets.isEmpty else { return [:] }
        let sorted = offsets.map(\.1).sorted()
        let median = sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
        let headroom = offsets.map { t, offset in offset + peakCeiling - t.measure.truePeak }.min() ?? median
        let reference = min(median, headroom)
        var out: [Int: (Double, Double)] = [:]
        for (t, offset) in offsets {
            out[t.id] = (((t.gainDb + reference - offset) * 10).rounded(.down) / 10, offset - reference)
        }
        return out
    }

    /// The share of the quieter track's power (in the masking bands) that lies in bands
    /// where both tracks are strong (within 12 dB of their own loudest band), and the
    /// band where the two collide most.
    public static func masking(_ a: [Double], _ b: [Double], centres: [Double]) -> (share: Double, band: Int?) {
        let bands = centres.indices.filter { maskingBands.contains(centres[$0]) && $0 < a.count && $0 < b.count }
        guard let topA = bands.map({ a[$0] }).max(), let topB = bands.map({ b[$0] }).max(), topA > 0, topB > 0 else { return (0, nil) }
        var shared = 0.0, worst: (Double, Int)?
        for i in bands where a[i] >= topA * 0.063 && b[i] >= topB * 0.063 {
            let overlap = min(a[i], b[i])
            shared += overlap
            if worst == nil || overlap > worst!.0 { worst = (overlap, i) }
        }
        let quieter = min(bands.reduce(0) { $0 + a[$1] }, bands.reduce(0) { $0 + b[$1] })
        return (quieter > 0 ? shared / quieter : 0, worst?.1)
    }

    static func pairs(_ t: [MixTrack]) -> [(MixTrack, MixTrack)] {
        var out: [(MixTrack, MixTrack)] = []
        for i in t.indices { for j in t.indices where j > i { out.append((t[i], t[j])) } }
        return out
    }

    static func label(_ t: MixTrack) -> String { "track \(t.id) (\(t.name), \(t.role.rawValue))" }
    static func f1(_ v: Double) -> String { String(format: "%.1f", v) }
}
