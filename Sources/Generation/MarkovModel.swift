import Foundation

/// A variable-order Markov model over string tokens: counts of what followed each
/// context of up to `order` tokens, learned from a corpus (scripts/learn-music-models).
/// Probabilities interpolate from the longest context seen down to uniform (Witten–Bell),
/// so a context never seen still gives every token a chance, and a well-attested one
/// speaks loudest.
public struct MarkovModel: Sendable {
    public let order: Int
    /// Context ("" or tokens joined by spaces, most recent last) → token → count.
    let table: [String: [String: Int]]
    /// Every token seen, in a fixed order (sampling is repeatable).
    public let vocabulary: [String]
    /// Per context: total count and number of distinct followers.
    private let totals: [String: (total: Int, types: Int)]

    public init(order: Int, table: [String: [String: Int]], vocabulary: [String]? = nil) {
        self.order = order
        self.table = table
        self.vocabulary = vocabulary ?? (table[""].map { Array($0.keys) } ?? []).sorted { a, b in
            (Int(a) ?? Int.max, a) < (Int(b) ?? Int.max, b)
        }
        totals = table.mapValues { (total: $0.values.reduce(0, +), types: $0.count) }
    }

    /// The counts, for a model of lower order over the same data (benchmarks).
    public var tableForBench: [String: [String: Int]] { table }

    /// P(token | context): `context` is the tokens so far (only the last `order` count).
    public func probability(_ token: String, after context: ArraySlice<String>, vocabularySize: Int? = nil) -> Double {
        var p = 1.0 / Double(vocabularySize ?? max(1, vocabulary.count))
        for k in 0...order {
            if k > context.count { break }
            let key = k == 0 ? "" : context.suffix(k).joined(separator: " ")
            guard let counts = table[key], let t = totals[key] else { continue }
            p = (Double(counts[token] ?? 0) + Double(t.types) * p) / Double(t.total + t.types)
        }
        return p
    }

    /// A token drawn after `context`, each candidate's probability multiplied by
    /// `weight` (0 rules it out); nil when every candidate weighs nothing.
    public func sample(after context: ArraySlice<String>, rng: inout SeededRandom, weight: (String) -> Double = { _ in 1 }) -> String? {
        let weights = vocabulary.map { probability($0, after: context) * weight($0) }
        guard weights.contains(where: { $0 > 0 }) else { return nil }
        return vocabulary[rng.pick(weights)]
    }
}

/// The learned models dawg ships (presets/models): chord successions from Bach's
/// chorales, melodic steps and rhythms from folk tunes.
public struct LearnedModels: Sendable {
    public let majorChords: MarkovModel
    public let minorChords: MarkovModel
    public let steps: MarkovModel
    public let rhythm: MarkovModel
    /// Note lengths in beats, indexed by the rhythm model's tokens.
    public let lengths: [Double]
    public let stepRange: ClosedRange<Int>
    public let folder: String

    public init(folder: String) throws {
        func load(_ file: String) throws -> [String: Any] {
            let path = folder + "/" + file
            guard let data = FileManager.default.contents(atPath: path),
                  let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                throw GenerationError("cannot read the model \(path) (make it with scripts/learn-music-models)")
            }
            return json
        }
        func table(_ any: Any?) throws -> [String: [String: Int]] {
            guard let t = any as? [String: [String: Any]] else { throw GenerationError("\(folder): a model's counts are not a table") }
            return t.mapValues { $0.compactMapValues { ($0 as? NSNumber)?.intValue } }
        }
        let chords = try load("chords.json"), melody = try load("melody.json")
        let chordOrder = (chords["order"] as? Int) ?? 2
        majorChords = MarkovModel(order: chordOrder, table: try table(chords["major"]))
        minorChords = MarkovModel(order: chordOrder, table: try table(chords["minor"]))
        let range = (melody["stepRange"] as? [Int]) ?? [-8, 16]
        stepRange = range[0]...range[1]
        steps = MarkovModel(order: (melody["order"] as? Int) ?? 3, table: try table(melody["steps"]), vocabulary: (range[0]...range[1]).map(String.init))
        lengths = (melody["lengths"] as? [Double]) ?? [0.25, 0.5, 1, 2]
        rhythm = MarkovModel(order: 2, table: try table(melody["rhythm"]), vocabulary: lengths.indices.map(String.init))
        self.folder = folder
    }

    public func chords(for scale: Scale) -> MarkovModel { scale.isMinorLike ? minorChords : majorChords }
}
