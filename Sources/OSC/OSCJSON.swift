import Foundation

/// OSC messages as JSON, for the WebSocket: `{"address": "/strip/1/gain", "args":
/// [-3.0]}` both ways. Numbers arrive as doubles (the router takes any numeric type
/// where it wants a number, and a whole one where it wants an integer); strings,
/// booleans and null as themselves. Replies carry ints, floats, strings and booleans;
/// a number that is not finite is written as null (JSON has no infinities).
public enum OSCJSON {
    struct Incoming: Decodable {
        var address: String
        var args: [Argument]?
    }

    enum Argument: Decodable {
        case bool(Bool), number(Double), string(String), null

        init(from decoder: Decoder) throws {
            let c = try decoder.singleValueContainer()
            if c.decodeNil() { self = .null }
            else if let b = try? c.decode(Bool.self) { self = .bool(b) }
            else if let n = try? c.decode(Double.self) { self = .number(n) }
            else if let s = try? c.decode(String.self) { self = .string(s) }
            else { throw DecodingError.dataCorruptedError(in: c, debugDescription: "an argument must be a number, a string, a boolean or null") }
        }

        var value: OSCValue {
            switch self {
            case .bool(let b): .bool(b)
            case .number(let n): .double(n)
            case .string(let s): .string(s)
            case .null: .none
            }
        }
    }

    public struct Malformed: Error, CustomStringConvertible {
        public let description: String
    }

    /// A message from a page's text frame.
    public static func decode(_ text: String) throws -> OSCMessage {
        let incoming: Incoming
        do { incoming = try JSONDecoder().decode(Incoming.self, from: Data(text.utf8)) } catch {
            throw Malformed(description: "not an OSC message as JSON: expected {\"address\": \"/…\", \"args\": […]}")
        }
        guard incoming.address.hasPrefix("/") else { throw Malformed(description: "an address starts with /, not \(incoming.address)") }
        return OSCMessage(incoming.address, (incoming.args ?? []).map(\.value))
    }

    /// A message as a page's text frame.
    public static func encode(_ m: OSCMessage) -> String {
        var out = ""
        encode(m, into: &out)
        return out
    }

    /// A message as JSON, appended to `out` (a feedback tick's frame is built in one
    /// string, without a string per value).
    public static func encode(_ m: OSCMessage, into out: inout String) {
        out += "{\"address\":"
        quote(m.path, into: &out)
        out += ",\"args\":["
        for (i, v) in m.args.enumerated() {
            if i > 0 { out += "," }
            json(v, into: &out)
        }
        out += "]}"
    }

    /// Live pitch and coaching also in the shape coaching front ends use:
    /// `{"type":"pitch","track":1,"frequency":440.0,"note":"A4","cents":-5.0,
    /// "confidence":0.95,"isInTune":true,"voiced":true,"frameTime":…}` (frequency 0,
    /// note "-" and voiced false when the voice stops) and `{"type":"feedback",
    /// "track":1,"message":"…","severity":"success"}`; nil for any other message.
    public static func typed(_ m: OSCMessage) -> String? {
        let a = m.args
        switch m.path {
        case "/pitch" where a.count == 7:
            let hz = number(a[1])
            return "{\"type\":\"pitch\",\"track\":\(json(a[0])),\"frequency\":\(json(a[1])),\"note\":\(json(a[2])),\"cents\":\(json(a[3])),"
                + "\"confidence\":\(json(a[4])),\"isInTune\":\(number(a[5]) != 0),\"voiced\":\(hz > 0),\"frameTime\":\(json(a[6]))}"
        case "/coach/feedback" where a.count == 3:
            return "{\"type\":\"feedback\",\"track\":\(json(a[0])),\"message\":\(json(a[1])),\"severity\":\(json(a[2]))}"
        default:
            return nil
        }
    }

    static func number(_ v: OSCValue) -> Double {
        switch v {
        case .int(let i): Double(i)
        case .int64(let i): Double(i)
        case .float(let f): Double(f)
        case .double(let d): d
        default: 0
        }
    }

    static func json(_ v: OSCValue) -> String {
        var out = ""
        json(v, into: &out)
        return out
    }

    static func json(_ v: OSCValue, into out: inout String) {
        switch v {
        case .int(let i): out += i.description
        case .int64(let i): out += i.description
        case .float(let f): out += f.isFinite ? f.description : "null"
        case .double(let d): out += d.isFinite ? d.description : "null"
        case .string(let s): quote(s, into: &out)
        case .bool(let b): out += b ? "true" : "false"
        case .none, .unsupported: out += "null"
        }
    }

    static func quoted(_ s: String) -> String {
        var out = ""
        quote(s, into: &out)
        return out
    }

    /// `s` as a JSON string, appended to `out`; as it is when nothing needs escaping
    /// (addresses, note names: the usual case).
    static func quote(_ s: String, into out: inout String) {
        if !s.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            out += "\""
            out += s
            out += "\""
            return
        }
        out += "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where u.value < 0x20: out += String(format: "\\u%04x", u.value)
            default: out.unicodeScalars.append(u)
            }
        }
        out += "\""
    }
}
