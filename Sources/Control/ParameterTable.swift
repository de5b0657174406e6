import Engine

/// The named parameters of one insert's settings `S`. Each entry reads itself and
/// checks and writes a new value, so a parameter's name, range and unit sit on one line,
/// and the names an error lists are the names accepted.
struct ParameterTable<S>: Sendable {
    struct Parameter: Sendable {
        let name: String
        let get: @Sendable (S) -> InsertValue
        /// `what` names the parameter in errors ("gate threshold").
        let set: @Sendable (inout S, InsertValue, _ what: String) throws -> Void
    }

    /// How errors name the unit ("gate", "compressor").
    let unit: String
    /// How range errors name a parameter's unit ("comp" in "comp threshold").
    let prefix: String
    let parameters: [Parameter]

    var names: [String] { parameters.map(\.name) }

    func set(_ s: inout S, _ name: String, _ v: InsertValue) throws {
        try parameter(name).set(&s, v, "\(prefix) \(name)")
    }

    func get(_ s: S, _ name: String) throws -> InsertValue { try parameter(name).get(s) }

    private func parameter(_ name: String) throws -> Parameter {
        guard let p = parameters.first(where: { $0.name == name }) else {
            throw ControlError("unknown \(unit) parameter \"\(name)\" (parameters: \(names.joined(separator: ", ")))")
        }
        return p
    }
}

extension ParameterTable.Parameter {
    /// A number in `range`; `unit` is how errors write it (" dB", " ms", or "").
    static func number(_ name: String, _ path: WritableKeyPath<S, Float> & Sendable, _ range: ClosedRange<Float>, _ unit: String) -> Self {
        .init(name: name, get: { .number($0[keyPath: path]) }, set: { s, v, what in
            s[keyPath: path] = try InsertTable.ranged(v, what, range, unit)
        })
    }

    /// A switch, 0 or 1.
    static func flag(_ name: String, _ path: WritableKeyPath<S, Bool> & Sendable) -> Self {
        .init(name: name, get: { .number($0[keyPath: path] ? 1 : 0) }, set: { s, v, what in
            s[keyPath: path] = try InsertTable.flag(v, what)
        })
    }
}
