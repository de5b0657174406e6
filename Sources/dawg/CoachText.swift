import Analysis
import Foundation

/// `dawg coach`'s report for people: the scores, a line per note, the tips.
enum CoachText {
    static func render(_ r: CoachReport) -> String {
        func dim(_ v: Double?) -> String { v.map { String(format: "%5.1f", $0) } ?? "    –" }
        var out = "Score \(String(format: "%.1f", r.score)) / 100   (\(r.mode == "reference" ? "against" : "in") \(r.target), \(r.folded ? "any octave" : "strict octave"), A4 = \(String(format: "%g", r.a4)) Hz)\n"
        out += "  pitch \(dim(r.pitch))   rhythm \(dim(r.rhythm))   consistency \(dim(r.consistency))   vibrato \(dim(r.vibrato))\n\n"
        out += "  note   time s  expected  sung    cents  onset ms  wander  vibrato      verdict\n"
        for n in r.notes {
            let cents = n.cents.map { String(format: "%+6.0f", $0) } ?? "     –"
            let onset = n.onsetMs.map { String(format: "%+8.0f", $0) } ?? "       –"
            let wander = n.wander.map { String(format: "%6.0f", $0) } ?? "     –"
            let vib = n.vibratoRate.map { String(format: "%.1f Hz ±%.0f", $0, n.vibratoExtent ?? 0) } ?? "–"
            out += String(format: "  %4d  %7.2f  %-8@  %-6@ %@  %@  %@  %-11@  %@\n",
                          n.index + 1, n.start, n.expected as NSString, (n.sung ?? "–") as NSString,
                          cents as NSString, onset as NSString, wander as NSString, vib as NSString, n.verdict as NSString)
        }
        out += "\n" + r.tips.map { "• " + $0 }.joined(separator: "\n")
        return out
    }
}
