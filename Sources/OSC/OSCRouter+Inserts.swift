import Control
import Engine

extension OSCRouter {
    /// `/strip/<id>/eq/on`, `/strip/<id>/eq/<band>/<param>`, `/strip/<id>/comp/<param>`,
    /// `/strip/<id>/gate/<param>` (and `/master/…`): with a value, set it (echoed to
    /// subscribers on the canonical address); with none, reply with it. Also
    /// `/strip/<id>/inserts <name…>` and `/strip/<id>/preset <name>`.
    func insert(_ ref: StripRef, _ rest: [String], _ m: OSCMessage, _ a: OSCArguments) throws -> [OSCMessage]? {
        let base = ref == .master ? "/master" : "/strip/\(ref)"
        let unit: InsertUnit, name: String
        switch rest.first {
        case "eq" where rest.count == 2:
            (unit, name) = (.eq(nil), rest[1])
        case "eq" where rest.count == 3:
            guard let band = EqualizerDesign.Band(rawValue: rest[1]) else {
                throw ControlError("unknown EQ band \"\(rest[1])\" (bands: \(EqualizerDesign.Band.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            (unit, name) = (.eq(band), rest[2])
        case "comp" where rest.count == 2: (unit, name) = (.comp, rest[1])
        case "reverb" where rest.count == 2: (unit, name) = (.reverb, rest[1])
        case "delay" where rest.count == 2: (unit, name) = (.delay, rest[1])
        case "gate" where rest.count == 2: (unit, name) = (.gate, rest[1])
        case "inserts" where rest.count == 1:
            if a.count == 0 { return [OSCMessage(m.path, try session.inserts(ref).map { .string($0.rawValue) })] }
            let names = try (0..<a.count).map { try a.string($0, "insert name") }
            let order = try session.setInserts(ref, names)
            return changed(OSCMessage("\(base)/inserts", order.map { .string($0.rawValue) }))
        case "preset" where rest.count == 1:
            try a.expect(0...1, "a preset name, or none to ask")
            if a.count == 0 { return [OSCMessage(m.path, [.string(try session.strip(ref).preset ?? "")])] }
            let name = try a.string(0, "preset")
            try session.applyPreset(name, to: ref)
            return changed(OSCMessage("\(base)/preset", [.string(name)]))
        default:
            return nil
        }
        try a.expect(0...1, "a value, or none to ask")
        if a.count == 0 { return [OSCMessage(m.path, [osc(try session.insert(ref, unit, name))])] }
        let value: InsertValue
        if case .string(let s) = m.args[0] { value = .text(s) } else { value = .number(try a.float(0, name)) }
        let applied = try session.setInsert(ref, unit, name, value, at: try clock.frame(for: m.time))
        // A bus's time effects answer on /bus/<id>/…, as they are addressed.
        let canonical = unit == .reverb || unit == .delay ? "/bus/\(ref)" : base
        return changed(OSCMessage(canonical + "/" + rest.joined(separator: "/"), [osc(applied)]))
    }

    func osc(_ v: InsertValue) -> OSCValue {
        switch v {
        case .number(let x): .float(x)
        case .text(let t): .string(t)
        }
    }
}
