import DSP
import MIDIFiles

/// Scores a sung take against a reference melody (or a key and scale): pitch accuracy,
/// rhythm (onsets against the reference), consistency (how steadily notes are held)
/// and vibrato, each 0–100, with a per-note report and tips.
///
/// Each reference note's onset is looked for near where it should be: a voice starting
/// after a breath, else the point where the held pitch changes level (an L1 change point,
/// so vibrato cannot fake one). Pitch and steadiness are then measured over the note as
/// sung — from its found onset — so singing late costs rhythm only and singing out of
/// tune costs pitch only.
public struct TakeScorer: Sendable {
    public struct Options: Sendable {
        public var tuning = Tuning()
        /// Cents within which a note gets full marks for pitch (it gets none from 50).
        public var tolerance = 15.0
        /// Seconds within which an onset gets full marks (none from 250 ms later).
        public var onsetTolerance = 0.05
        /// Any octave of the reference counts (a baritone singing a soprano line).
        public var folded = true
        /// Reference seconds at the take's first sample (a take's timeline position).
        public var offset = 0.0
        public init() {}
    }

    public let options: Options
    public init(options: Options = Options()) { self.options = options }

    /// The take's pitch (`FilePitchTracker` frames at a steady hop) against `target`;
    /// `targetName` names it in the report (a file name, "C major").
    public func score(_ frames: [PitchFrame], against target: PitchTarget, targetName: String) -> CoachReport {
        let contour = Contour(frames, tuning: options.tuning, offset: options.offset)
        var notes: [CoachReport.Note]
        var mode = "scale"
        switch target {
        case .melody(let melody, _):
            mode = "reference"
            notes = referenceNotes(contour, melody)
        case .equalTemperament, .scale:
            notes = contour.segments().enumerated().map { i, range in
                measure(contour, index: i, range: range, expected: nil, target: target)
            }
        }
        notes.sort { $0.start < $1.start }
        return CoachReport.assemble(mode: mode, target: targetName, options: options, notes: notes, hop: contour.hop)
    }

    // MARK: Reference mode

    private func referenceNotes(_ c: Contour, _ melody: Melody) -> [CoachReport.Note] {
        // The notes the take covers (half of each at least): a take recorded from bar 9
        // is not blamed for bars 1–8. Notes keep their number in the melody.
        let first = c.times.first ?? 0, last = (c.times.last ?? 0) + c.hop
        let covered = melody.notes.indices.filter { i in
            let n = melody.notes[i]
            return min(n.end, last) - max(n.start, first) >= 0.5 * n.duration
        }
        let ref = covered.map { melody.notes[$0] }
        let windows = ref.indices.map { i in
            let before = i > 0 ? ref[i].start - ref[i - 1].start : .infinity
            return max(0.05, min(0.3, 0.6 * before, 0.6 * ref[i].duration))
        }
        // First around the written onsets, to learn the singer's usual timing; then
        // around the written onsets moved by it, so a singer who is always late is
        // matched note for note rather than to the neighbour's onset.
        let firstPass = ref.indices.map { c.onset(near: ref[$0].start, window: windows[$0]) }
        let errors = zip(firstPass, ref).compactMap { o, n in o.map { $0 - n.start } }
        let usual = errors.isEmpty ? 0 : median(errors)
        let onsets = ref.indices.map { c.onset(near: ref[$0].start + usual, window: windows[$0]) ?? firstPass[$0] }
        // Where no onset shows (a legato repeat of one pitch), assume the usual timing.
        let starts = zip(onsets, ref).map { o, n in o ?? n.start + usual }
        return ref.enumerated().map { i, n in
            let end = min(starts[i] + n.duration, i + 1 < ref.count ? starts[i + 1] : .infinity)
            var note = measure(c, index: covered[i], range: c.indices(from: starts[i], to: end),
                               expected: n, target: .melody(melody, folded: options.folded))
            note.start = n.start
            note.duration = n.duration
            if note.verdict == "missed" {
                note.rhythmScore = 0
            } else if let onset = onsets[i] {
                let error = onset - n.start
                note.onsetMs = error * 1000
                note.rhythmScore = 100 * clamp(1 - (abs(error) - options.onsetTolerance) / (0.25 - options.onsetTolerance))
                if note.verdict == "ok" && abs(error) > options.onsetTolerance { note.verdict = error > 0 ? "late" : "early" }
            }
            return note
        }
    }

    // MARK: One note

    /// Measures the frames of `range` as one note: its steady part (onset scoop and
    /// release trimmed), median pitch against the target, wander and vibrato.
    private func measure(_ c: Contour, index: Int, range: Range<Int>, expected: MIDINote?, target: PitchTarget) -> CoachReport.Note {
        let length = Double(range.count) * c.hop
        let head = Int((min(0.06, 0.25 * length) / c.hop).rounded()), tail = Int((min(0.03, 0.1 * length) / c.hop).rounded())
        let steady = range.count > head + tail ? (range.lowerBound + head)..<(range.upperBound - tail) : range
        let sung = steady.compactMap { c.midi[$0] }
        let start = range.isEmpty ? 0 : c.times[range.lowerBound]
        var note = CoachReport.Note(
            index: index, start: start, duration: length, expected: expected.map { Tuning.name($0.key) } ?? "",
            sung: nil, cents: nil, onsetMs: nil, wander: nil, vibratoRate: nil, vibratoExtent: nil,
            pitchScore: 0, rhythmScore: nil, verdict: "missed")
        guard sung.count >= max(3, Int(0.3 * Double(steady.count))) else { return note }
        let centre = median(sung)
        let time = expected?.start ?? start
        guard let goal = target.note(for: centre, at: time + 0.001) else { return note }
        if expected == nil { note.expected = Tuning.name(goal) }
        let cents = (centre - Double(goal)) * 100
        note.sung = Tuning.name(Int(centre.rounded()))
        note.cents = cents
        note.pitchScore = 100 * clamp(1 - (abs(cents) - options.tolerance) / (50 - options.tolerance))
        let deviations = sung.map { ($0 - centre) * 100 }
        if Double(deviations.count) * c.hop >= 0.5 {
            var detector = VibratoDetector(hop: c.hop, seconds: Double(deviations.count) * c.hop)
            for d in deviations { detector.add(cents: d) }
            if let v = detector.estimate() { (note.vibratoRate, note.vibratoExtent) = (v.rate, v.extent) }
        }
        if Double(deviations.count) * c.hop >= 0.15 { note.wander = wander(deviations, hop: c.hop) }
        note.verdict = abs(cents) > 50 ? "wrong note"
            : abs(cents) > options.tolerance ? (cents < 0 ? "flat" : "sharp")
            : (note.wander ?? 0) > CoachReport.unsteadyCents ? "unsteady" : "ok"
        return note
    }
}

func clamp(_ x: Double) -> Double { min(1, max(0, x)) }

/// How far a held pitch wanders (cents, RMS): its deviations from the centre through
/// moving averages — 200 and 150 ms by default, which take a 4–9 Hz vibrato out and
/// leave drift and slow wobble. `hop`: seconds between values.
func wander(_ deviations: [Double], hop: Double, spans: [Double] = [0.2, 0.15]) -> Double {
    var smooth = deviations
    for seconds in spans { smooth = movingAverage(smooth, span: max(3, Int((seconds / hop).rounded()))) }
    return (smooth.reduce(0) { $0 + $1 * $1 } / Double(max(1, smooth.count))).squareRoot()
}

/// Each value replaced by the mean of `span` values around it (the window kept whole
/// inside the array, so the ends are not smoothed less).
func movingAverage(_ x: [Double], span: Int) -> [Double] {
    let span = min(span, x.count)
    var prefix = [0.0]
    for v in x { prefix.append(prefix.last! + v) }
    return x.indices.map { i in
        let lo = max(0, min(i - span / 2, x.count - span))
        return (prefix[lo + span] - prefix[lo]) / Double(span)
    }
}
