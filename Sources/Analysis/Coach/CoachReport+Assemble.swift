import Foundation

extension CoachReport {
    /// Wander (cents) above which a held note counts as unsteady.
    static let unsteadyCents = 15.0
    /// How much each dimension weighs in the overall score (renormalised over those the
    /// take has).
    static let weights = (pitch: 0.5, rhythm: 0.25, consistency: 0.15, vibrato: 0.1)

    static func assemble(mode: String, target: String, options: TakeScorer.Options, notes: [Note], hop: Double) -> CoachReport {
        let weight = notes.map { max($0.duration, hop) }
        let pitch = zip(notes, weight).reduce(0) { $0 + $1.0.pitchScore * $1.1 } / max(weight.reduce(0, +), 1e-9)
        let rhythms = notes.compactMap(\.rhythmScore)
        let rhythm = rhythms.isEmpty ? nil : rhythms.reduce(0, +) / Double(rhythms.count)
        let wanders = notes.compactMap(\.wander)
        let consistency = wanders.isEmpty ? nil
            : 100 * wanders.map { clamp(1 - ($0 - 8) / 40) }.reduce(0, +) / Double(wanders.count)
        let vibratos = notes.compactMap { n in n.vibratoRate.map { ($0, n.vibratoExtent ?? 0) } }
        let vibrato = vibratos.isEmpty ? nil
            : 100 * vibratos.map { rate, extent in
                clamp(1 - max(0, 4.5 - rate, rate - 7.5)) * clamp(1 - max(0, extent - 150) / 150)
            }.reduce(0, +) / Double(vibratos.count)
        var total = weights.pitch * pitch, sum = weights.pitch
        for (value, w) in [(rhythm, weights.rhythm), (consistency, weights.consistency), (vibrato, weights.vibrato)] {
            if let value { total += w * value; sum += w }
        }
        let placed = notes.filter { $0.verdict != "missed" && $0.verdict != "wrong note" }.compactMap(\.cents)
        let onsets = notes.compactMap(\.onsetMs)
        var report = CoachReport(
            mode: mode, target: target, folded: options.folded, a4: options.tuning.a4,
            score: notes.isEmpty ? 0 : total / sum, pitch: pitch, rhythm: rhythm, consistency: consistency, vibrato: vibrato,
            meanCents: placed.isEmpty ? nil : placed.reduce(0, +) / Double(placed.count),
            meanOnsetMs: onsets.isEmpty ? nil : median(onsets), notes: notes, tips: [])
        report.tips = report.makeTips(options: options, vibratoRates: vibratos.map(\.0), vibratoExtents: vibratos.map(\.1))
        return report
    }

    /// Tips that name the problems, worst first; praise when there are none.
    func makeTips(options: TakeScorer.Options, vibratoRates: [Double], vibratoExtents: [Double]) -> [String] {
        var tips: [String] = []
        if notes.isEmpty { return ["No singing found: check the input level and that the take has a voice in it."] }
        let missed = notes.filter { $0.verdict == "missed" }
        if !missed.isEmpty {
            tips.append("\(count(missed.count, "note")) missed: \(list(missed.map { "\($0.index + 1) (\($0.expected))" })). Come in on every note.")
        }
        let wrong = notes.filter { $0.verdict == "wrong note" }
        if !wrong.isEmpty {
            tips.append("\(count(wrong.count, "wrong note")): \(list(wrong.map { "\($0.index + 1) (sang \($0.sung ?? "?"), \(mode == "reference" ? "the melody has" : "nearest in \(target) is") \($0.expected))" })). \(mode == "reference" ? "Listen to the reference before singing these." : "They are outside \(target).")")
        }
        if let c = meanCents, abs(c) > options.tolerance {
            let way = c < 0 ? "flat" : "sharp"
            tips.append("You sing \(way) by about \(Int(abs(c).rounded())) cents on average: \(c < 0 ? "aim a little higher and keep the breath support up to the end of notes" : "relax and aim a little lower")." )
        }
        if let e = meanOnsetMs, abs(e) > options.onsetTolerance * 1000 {
            tips.append("You come in \(e > 0 ? "late" : "early") by about \(Int(abs(e).rounded())) ms: \(e > 0 ? "breathe before the beat so the note starts on it" : "wait for the beat; listen to the reference's entries").")
        }
        let shaky = notes.filter { ($0.wander ?? 0) > Self.unsteadyCents }
        if let c = consistency, c < 90, !shaky.isEmpty {
            let mean = shaky.compactMap(\.wander).reduce(0, +) / Double(shaky.count)
            tips.append("Unsteady: the pitch wanders by about \(Int(mean.rounded())) cents within \(count(shaky.count, "note")): hold long notes on one pitch with steady breath.")
        }
        if !vibratoRates.isEmpty {
            let rate = median(vibratoRates), extent = median(vibratoExtents)
            if rate < 4.5 { tips.append(String(format: "Vibrato is slow (%.1f Hz): a wobble below 4.5 Hz sounds unsteady; let it come from a freer throat.", rate)) }
            if rate > 7.5 { tips.append(String(format: "Vibrato is fast (%.1f Hz): above 7.5 Hz it sounds like a tremble; relax it.", rate)) }
            if extent > 150 { tips.append("Vibrato is wide (±\(Int(extent.rounded())) cents): narrow it so the note stays clear.") }
        }
        if tips.isEmpty { tips.append("Great take: pitch, timing and steadiness are all on target. Keep it up.") }
        return tips
    }

    private func count(_ n: Int, _ what: String) -> String { "\(n) \(what)\(n == 1 ? "" : "s")" }

    private func list(_ items: [String]) -> String {
        items.count <= 6 ? items.joined(separator: ", ") : items.prefix(6).joined(separator: ", ") + " and \(items.count - 6) more"
    }
}
