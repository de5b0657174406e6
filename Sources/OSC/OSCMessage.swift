/// An OSC argument, as dawg reads and writes them.
public enum OSCValue: Equatable, Sendable, CustomStringConvertible {
    case int(Int32)
    case float(Float)
    case double(Double)
    case int64(Int64)
    case string(String)
    case bool(Bool)
    case none
    /// A type dawg does not use (blob, MIDI, …), kept by its tag for the error message.
    case unsupported(Character)

    public var description: String {
        switch self {
        case .int(let v): "\(v)"
        case .float(let v): "\(v)"
        case .double(let v): "\(v)"
        case .int64(let v): "\(v)"
        case .string(let s): "\"\(s)\""
        case .bool(let b): b ? "true" : "false"
        case .none: "nil"
        case .unsupported(let c): "<\(c)>"
        }
    }
}

public struct OSCMessage: Sendable {
    public var path: String
    public var args: [OSCValue]
    /// The enclosing bundle's time tag as NTP 32.32 fixed point, or nil for
    /// "immediately". Kept as the integer it arrived as: as a Double of seconds since
    /// 1900 it would carry only ~0.5 µs, and two tags 100 ms apart could round to
    /// frames 4799 apart.
    public var time: UInt64?

    public init(_ path: String, _ args: [OSCValue] = [], time: UInt64? = nil) {
        self.path = path
        self.args = args
        self.time = time
    }
}

extension OSCMessage {
    static func error(_ address: String, _ message: String) -> OSCMessage {
        OSCMessage("/error", [.string(address), .string(message)])
    }
}
