import Engine

/// A value an insert parameter takes: most are numbers; the compressor's detection is
/// a word (`peak`, `rms`).
public enum InsertValue: Equatable, Sendable {
    case number(Float)
    case text(String)
}

/// The strip EQ's settings: the whole EQ's switch and eight bands by name.
public struct EQSettings: Equatable, Sendable, Codable {
    public var on = true
    public var bands: [EqualizerDesign.Band: EqualizerDesign.BandSettings]

    public init() {
        // Values as a Float holds them, so a patch reads back exactly what it wrote.
        bands = Dictionary(uniqueKeysWithValues: EqualizerDesign.Band.allCases.map {
            ($0, EqualizerDesign.BandSettings(frequency: EqualizerDesign.defaultFrequencies[$0]!, q: Double(Float($0.isFilter ? 0.7071 : 1))))
        })
    }

    public func band(_ b: EqualizerDesign.Band) -> EqualizerDesign.BandSettings { bands[b]! }

    enum CodingKeys: String, CodingKey { case on, bands }

    struct BandKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: Decoder) throws {
        self.init()
        let c = try decoder.container(keyedBy: CodingKeys.self)
        on = try c.decodeIfPresent(Bool.self, forKey: .on) ?? true
        guard c.contains(.bands) else { return }
        let b = try c.nestedContainer(keyedBy: BandKey.self, forKey: .bands)
        for key in b.allKeys {
            guard let band = EqualizerDesign.Band(rawValue: key.stringValue) else {
                throw ControlError("unknown EQ band \"\(key.stringValue)\" (bands: \(EqualizerDesign.Band.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            let values = try b.decode([String: Double].self, forKey: key)
            for (name, v) in values {
                try InsertTable.setEQ(&self, band: band, name, .number(Float(v)))
            }
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(on, forKey: .on)
        var b = c.nestedContainer(keyedBy: BandKey.self, forKey: .bands)
        for band in EqualizerDesign.Band.allCases {
            let s = self.band(band)
            var values: [String: Double] = ["freq": s.frequency, "on": s.on ? 1 : 0]
            if band.isFilter { values["slope"] = Double(s.slope) } else { values["gain"] = s.gainDb }
            if !band.isFilter || s.slope == 12 { values["q"] = s.q }
            try b.encode(values, forKey: BandKey(stringValue: band.rawValue))
        }
    }
}

/// The order a strip's inserts run in, before the fader and pan.
public enum InsertKind: String, CaseIterable, Sendable, Codable {
    case gate, eq, comp, delay, reverb

    /// Every strip's inserts.
    public static let defaultOrder: [InsertKind] = [.gate, .eq, .comp]
    /// A bus's: the strip's, then its time effects.
    public static let busOrder: [InsertKind] = [.gate, .eq, .comp, .delay, .reverb]

    /// The inserts a strip of this kind has, in the default order.
    public static func available(onBus: Bool) -> [InsertKind] { onBus ? busOrder : defaultOrder }

    /// `order` with any insert the strip has but `order` leaves out added where the
    /// default order puts it (a patch from before the bus effects existed).
    public static func complete(_ order: [InsertKind], onBus: Bool) -> [InsertKind] {
        let available = available(onBus: onBus)
        var out = order.filter { available.contains($0) }
        for k in available where !out.contains(k) { out.append(k) }
        return out
    }
}

/// Names, units and ranges of every insert parameter, shared by OSC, patches and
/// presets so a value is judged the same whichever way it came.
public enum InsertTable {
    static func number(_ v: InsertValue, _ what: String) throws -> Float {
        guard case .number(let x) = v else { throw ControlError("\(what) must be a number") }
        return x
    }

    static func ranged(_ v: InsertValue, _ what: String, _ range: ClosedRange<Float>, _ unit: String) throws -> Float {
        let x = try number(v, what)
        guard x.isFinite, range.contains(x) else {
            throw ControlError("\(what) must be from \(format(range.lowerBound)) to \(format(range.upperBound))\(unit), not \(x)")
        }
        return x
    }

    static func flag(_ v: InsertValue, _ what: String) throws -> Bool {
        try Validate.flag(try number(v, what), what)
    }

    static func format(_ x: Float) -> String { x == x.rounded() ? String(Int(x)) : String(x) }

    // MARK: EQ

    public static let eqParameters = ["freq", "gain", "q", "slope", "on"]

    public static func setEQ(_ eq: inout EQSettings, band: EqualizerDesign.Band, _ name: String, _ v: InsertValue) throws {
        var s = eq.band(band)
        let what = "\(band.rawValue) \(name)"
        switch name {
        case "freq": s.frequency = Double(try ranged(v, what, 10...24000, " Hz"))
        case "gain":
            guard !band.isFilter else { throw ControlError("\(band.rawValue) is a filter: it has no gain") }
            s.gainDb = Double(try ranged(v, what, -24...24, " dB"))
        case "q": s.q = Double(try ranged(v, what, 0.1...18, ""))
        case "slope":
            guard band.isFilter else { throw ControlError("only hpf and lpf have a slope") }
            let x = try number(v, what)
            guard x == 12 || x == 24 else { throw ControlError("slope must be 12 or 24 (dB/oct), not \(x)") }
            s.slope = Int(x)
        case "on": s.on = try flag(v, what)
        default: throw ControlError("unknown EQ parameter \"\(name)\" (parameters: \(eqParameters.joined(separator: ", ")))")
        }
        eq.bands[band] = s
    }

    public static func getEQ(_ eq: EQSettings, band: EqualizerDesign.Band, _ name: String) throws -> InsertValue {
        let s = eq.band(band)
        switch name {
        case "freq": return .number(Float(s.frequency))
        case "gain":
            guard !band.isFilter else { throw ControlError("\(band.rawValue) is a filter: it has no gain") }
            return .number(Float(s.gainDb))
        case "q": return .number(Float(s.q))
        case "slope":
            guard band.isFilter else { throw ControlError("only hpf and lpf have a slope") }
            return .number(Float(s.slope))
        case "on": return .number(s.on ? 1 : 0)
        default: throw ControlError("unknown EQ parameter \"\(name)\" (parameters: \(eqParameters.joined(separator: ", ")))")
        }
    }

    // MARK: Compressor

    /// `sidechain` is checked against the session's strips by the caller.
    static let comp = ParameterTable<CompressorSettings>(unit: "compressor", prefix: "comp", parameters: [
        .number("threshold", \.threshold, -60...0, " dBFS"),
        .number("ratio", \.ratio, 1...100, ""),
        .number("knee", \.knee, 0...24, " dB"),
        .number("attack", \.attack, 0.05...500, " ms"),
        .number("release", \.release, 5...5000, " ms"),
        .number("makeup", \.makeup, -12...24, " dB"),
        .init(name: "detect", get: { .text($0.detect.rawValue) }, set: { c, v, _ in
            switch v {
            case .text(let t):
                guard let d = CompressorSettings.Detection(rawValue: t) else { throw ControlError("detect must be peak or rms, not \"\(t)\"") }
                c.detect = d
            case .number(let x):
                guard x == 0 || x == 1 else { throw ControlError("detect must be peak (0) or rms (1), not \(x)") }
                c.detect = x == 1 ? .rms : .peak
            }
        }),
        .init(name: "sidechain", get: { .number(Float($0.sidechain ?? 0)) }, set: { c, v, what in
            let x = try number(v, what)
            guard x.isFinite, x >= 0, x == x.rounded(), x < 1_000_000 else {
                throw ControlError("sidechain must be a track or bus id, or 0 for none, not \(x)")
            }
            c.sidechain = x == 0 ? nil : Int(x)
        }),
        .flag("on", \.on),
    ])

    // MARK: Gate

    static let gate = ParameterTable<GateSettings>(unit: "gate", prefix: "gate", parameters: [
        .number("threshold", \.threshold, -90...0, " dBFS"),
        .number("range", \.range, 0...120, " dB"),
        .number("hysteresis", \.hysteresis, 0...24, " dB"),
        .number("attack", \.attack, 0.01...500, " ms"),
        .number("hold", \.hold, 0...2000, " ms"),
        .number("release", \.release, 1...5000, " ms"),
        .flag("on", \.on),
    ])

    // MARK: Reverb and delay (buses)

    static let reverb = ParameterTable<ReverbSettings>(unit: "reverb", prefix: "reverb", parameters: [
        .number("size", \.size, 0.5...2, ""),
        .number("decay", \.decay, 0.1...20, " s"),
        .number("damping", \.damping, 0...1, ""),
        .number("predelay", \.predelay, 0...500, " ms"),
        .number("mix", \.mix, 0...1, ""),
        .flag("on", \.on),
    ])

    static let delay = ParameterTable<DelaySettings>(unit: "delay", prefix: "delay", parameters: [
        .init(name: "note", get: { .text($0.note) }, set: { d, v, _ in
            guard case .text(let t) = v, DelaySettings.beats(t) != nil else {
                throw ControlError("note must be a note value: 1/1, 1/2, 1/4, 1/8, 1/16 or 1/32, with d (dotted) or t (triplet)")
            }
            d.note = t
        }),
        .number("feedback", \.feedback, 0...0.95, ""),
        .number("highcut", \.highcut, 200...20000, " Hz"),
        .flag("pingpong", \.pingpong),
        .number("mix", \.mix, 0...1, ""),
        .flag("on", \.on),
    ])

    /// Every setting checked as if it came over OSC (for patches and presets).
    static func validate(_ s: StripSettings) throws {
        var eq = EQSettings()
        for (band, b) in s.eq.bands {
            try setEQ(&eq, band: band, "freq", .number(Float(b.frequency)))
            if !band.isFilter { try setEQ(&eq, band: band, "gain", .number(Float(b.gainDb))) }
            try setEQ(&eq, band: band, "q", .number(Float(b.q)))
            if band.isFilter { try setEQ(&eq, band: band, "slope", .number(Float(b.slope))) }
        }
        var c = CompressorSettings()
        for name in comp.names where name != "detect" && name != "sidechain" {
            try comp.set(&c, name, try comp.get(s.comp, name))
        }
        try recheck(s.gate, gate)
        try recheck(s.reverb, reverb)
        try recheck(s.delay, delay)
        guard Set(s.inserts).count == s.inserts.count else { throw ControlError("an insert is named twice in the insert order") }
    }

    /// Every parameter of `settings` read and written back through `table`, which
    /// checks each as OSC would.
    private static func recheck<S>(_ settings: S, _ table: ParameterTable<S>) throws {
        var copy = settings
        for name in table.names { try table.set(&copy, name, try table.get(settings, name)) }
    }
}
