import Control

/// Typed access to a message's arguments, with errors that say what was expected.
struct OSCArguments {
    let message: OSCMessage

    var count: Int { message.args.count }

    func expect(_ range: ClosedRange<Int>, _ usage: String) throws {
        guard range.contains(count) else {
            let n = range.lowerBound == range.upperBound ? "\(range.lowerBound)" : "\(range.lowerBound) to \(range.upperBound)"
            throw ControlError("takes \(n) argument\(range.upperBound == 1 ? "" : "s") (\(usage)), got \(count)")
        }
    }

    /// A number, whichever numeric type the surface sent. NaN and infinities pass
    /// through: the session's validation refuses them with the right words.
    func float(_ i: Int, _ what: String) throws -> Float {
        switch message.args[i] {
        case .float(let v): return v
        case .double(let v): return Float(v)
        case .int(let v): return Float(v)
        case .int64(let v): return Float(v)
        case .bool(let b): return b ? 1 : 0
        default: throw ControlError("\(what) must be a number, got \(message.args[i])")
        }
    }

    func double(_ i: Int, _ what: String) throws -> Double {
        switch message.args[i] {
        case .float(let v): return Double(v)
        case .double(let v): return v
        case .int(let v): return Double(v)
        case .int64(let v): return Double(v)
        default: throw ControlError("\(what) must be a number, got \(message.args[i])")
        }
    }

    /// A whole number: ints, or floats with no fractional part.
    func int(_ i: Int, _ what: String) throws -> Int {
        switch message.args[i] {
        case .int(let v): return Int(v)
        case .int64(let v) where abs(v) < 2_147_483_648: return Int(v)
        case .float(let v) where v.isFinite && v == v.rounded() && abs(v) < 16_777_216: return Int(v)
        case .double(let v) where v.isFinite && v == v.rounded() && abs(v) < 2_147_483_648: return Int(v)
        default: throw ControlError("\(what) must be a whole number, got \(message.args[i])")
        }
    }

    func string(_ i: Int, _ what: String) throws -> String {
        guard case .string(let s) = message.args[i] else { throw ControlError("\(what) must be a string, got \(message.args[i])") }
        return s
    }
}
