/// How busy a part is: simple plays a genre's core steps, medium and complex add the
/// genre's extra hits (and rolls).
public enum Complexity: String, CaseIterable, Sendable, Codable {
    case simple, medium, complex

    public static func named(_ text: String) throws -> Complexity {
        guard let c = Complexity(rawValue: text.lowercased()) else {
            throw GenerationError("unknown complexity \"\(text)\"; allowed: simple, medium, complex")
        }
        return c
    }

    var level: Int { Complexity.allCases.firstIndex(of: self)! }
}

/// A request for a beat: checked, so a bad one is an error that lists what is allowed.
public struct BeatRequest: Sendable {
    public var genre: Genre
    public var bpm: Double
    public var bars: Int
    public var complexity: Complexity
    public var meter: Meter
    public var seed: UInt64

    public static let tempoRange = 60.0...200.0
    public static let allowedBars = [4, 8, 16, 32]

    public init(genre: Genre, bpm: Double? = nil, bars: Int = 8, complexity: Complexity = .medium, meter: String? = nil, seed: UInt64 = 1,
                allowedBars: [Int] = BeatRequest.allowedBars) throws {
        let bpm = bpm ?? genre.defaultTempo
        guard bpm.isFinite, Self.tempoRange.contains(bpm) else { throw GenerationError("bpm must be from 60 to 200, not \(bpm)") }
        guard allowedBars.contains(bars) else { throw GenerationError("bars must be one of \(allowedBars.map(String.init).joined(separator: ", ")), not \(bars)") }
        let meterText = meter ?? genre.meters[0]
        guard let m = Meter(meterText), genre.meters.contains(meterText) else {
            throw GenerationError("\(genre.name) is played in \(genre.meters.joined(separator: " or ")), not \(meterText)")
        }
        self.genre = genre
        self.bpm = bpm
        self.bars = bars
        self.complexity = complexity
        self.meter = m
        self.seed = seed
    }
}

/// What a beat is made of, for the parts that follow it (the bass locks to the kick).
public struct Beat: Sendable {
    public var drums: Part
    /// The chosen style (genres with several), else nil.
    public var style: String?
    /// Beat positions of the kick drum's hits.
    public var kicks: [Double]
    /// Bars that end in a fill.
    public var fillBars: [Int]
}

/// Drum beats from a genre's data: each phrase draws its own pattern from the genre's
/// per-step probabilities (and a variation of it for alternate bars), every bar varies
/// the uncertain hits a little, and the last bar of each phrase ends in a fill from the
/// genre's vocabulary with a crash after it — so even 32 bars never loop one bar. Then
/// swing and humanisation. The same request and seed give the same notes.
public enum BeatGenerator {
    public static func generate(_ request: BeatRequest) -> Beat {
        var rng = SeededRandom(seed: request.seed)
        let genre = request.genre
        let (style, voices) = genre.instruments(seed: request.seed)
        let steps = request.meter.stepsPerBar
        let level = request.complexity.level
        let probabilities = voices.map { v in
            (0..<steps).map { s in
                var p = v.steps[s % 16]
                if level >= 1 { p = max(p, v.medium?[s % 16] ?? 0) }
                if level >= 2 { p = max(p, v.complex?[s % 16] ?? 0) }
                return p
            }
        }
        let phraseLength = max(1, min(genre.phrase, request.bars))
        var notes: [Note] = []
        var kicks: [Double] = []
        var fillBars: [Int] = []
        var crashNext = false
        let crash = 49

        func draw(_ from: [[Bool]]?, change: Double) -> [[Bool]] {
            probabilities.enumerated().map { v, ps in
                ps.enumerated().map { s, p in
                    if p >= 1 { return true }
                    if p <= 0 { return false }
                    if let from, !rng.chance(change) { return from[v][s] }
                    return rng.chance(p)
                }
            }
        }

        var bar = 0
        while bar < request.bars {
            let base = draw(nil, change: 1)
            let variation = draw(base, change: 0.5)
            let inPhrase = min(phraseLength, request.bars - bar)
            for b in 0..<inPhrase {
                var pattern = draw(b % 2 == 0 ? base : variation, change: 0.12)
                var extra: [(step: Double, note: Int, velocity: Int)] = []
                if crashNext && b == 0 {
                    extra.append((0, crash, 110))
                    crashNext = false
                }
                // The first phrase of a simple beat lets late voices wait.
                if level == 0 && bar == 0 {
                    for (v, voice) in voices.enumerated() where (voice.enters ?? 0) > b { pattern[v] = Array(repeating: false, count: steps) }
                }
                let isPhraseEnd = b == inPhrase - 1 && (inPhrase > 1 || request.bars > 1)
                if isPhraseEnd, !genre.fills.isEmpty {
                    let fill = genre.fills[Int(rng.next() % UInt64(genre.fills.count))]
                    let from = max(0, steps - fill.length)
                    for (v, voice) in voices.enumerated() where fill.clears.contains("*") || fill.clears.contains(voice.name) {
                        for s in from..<steps { pattern[v][s] = false }
                    }
                    for hit in fill.hits {
                        for (i, p) in hit.steps.enumerated() where from + i < steps && rng.chance(p) {
                            extra.append((Double(from + i), hit.note, hit.velocity[i]))
                        }
                    }
                    crashNext = fill.crash
                    fillBars.append(bar + b)
                }
                let barStart = Double((bar + b) * request.meter.beatsPerBar)
                for (v, voice) in voices.enumerated() {
                    for s in 0..<steps where pattern[v][s] {
                        var hits = 1
                        if let r = voice.rolls, level >= 1, rng.chance(level == 2 ? r : r / 2) { hits = 2 + Int(rng.next() % 3) }
                        for h in 0..<hits {
                            let step = Double(s) + Double(h) / Double(hits)
                            let velocity = voice.velocity[s % 16] - (hits > 1 ? (hits - h) * 6 : 0)
                            notes.append(place(step, barStart: barStart, key: voice.note, velocity: velocity, genre: genre, rng: &rng))
                            if voice.role == "kick" && h == 0 { kicks.append(notes[notes.count - 1].start) }
                        }
                    }
                }
                for e in extra { notes.append(place(e.step, barStart: barStart, key: e.note, velocity: e.velocity, genre: genre, rng: &rng)) }
            }
            bar += inPhrase
        }
        notes.sort { ($0.start, $0.key) < ($1.start, $1.key) }
        return Beat(drums: Part(name: "drums", program: genre.kit, channel: 9, notes: notes), style: style, kicks: kicks.sorted(), fillBars: fillBars)
    }

    /// A hit at sixteenth `step` of the bar starting at `barStart` beats: swung, then
    /// humanised in time and velocity.
    static func place(_ step: Double, barStart: Double, key: Int, velocity: Int, genre: Genre, rng: inout SeededRandom) -> Note {
        var beat = barStart + swung(step, genre) / 4
        beat += rng.gaussian() * genre.humanize.timing / 4
        let v = Double(velocity) + rng.gaussian() * genre.humanize.velocity
        return Note(start: max(barStart == 0 ? 0 : barStart - 0.05, beat), length: 0.125, key: key, velocity: Int(min(127, max(1, v.rounded()))))
    }

    /// Sixteenth position `step` after swing: within each swung pair (of eighths or
    /// sixteenths) the first note lasts `swing` of the pair.
    public static func swung(_ step: Double, _ genre: Genre) -> Double {
        let pair = genre.swingUnit == 8 ? 4.0 : 2.0
        let start = (step / pair).rounded(.down) * pair
        let x = (step - start) / pair  // 0 ..< 1 within the pair
        let y = x < 0.5 ? x / 0.5 * genre.swing : genre.swing + (x - 0.5) / 0.5 * (1 - genre.swing)
        return start + y * pair
    }
}
