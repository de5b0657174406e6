import CLo
import Control

/// OSC packets ↔ messages. liblo parses and checks each message (types, padding,
/// lengths) and serialises replies; bundles are unwrapped here, each message keeping
/// its bundle's time tag.
public enum OSCCodec {
    static let maxPacket = 1 << 20

    /// Every message in a packet. A malformed packet throws; the caller reports it.
    public static func decode(_ bytes: UnsafeRawBufferPointer) throws -> [OSCMessage] {
        var out: [OSCMessage] = []
        try decode(bytes, time: nil, depth: 0, into: &out)
        return out
    }

    private static func decode(_ bytes: UnsafeRawBufferPointer, time: UInt64?, depth: Int, into out: inout [OSCMessage]) throws {
        guard bytes.count >= 4, bytes.count % 4 == 0 else { throw ControlError("malformed packet: length \(bytes.count) is not a positive multiple of 4") }
        if bytes.count >= 16, bytes.prefix(8).elementsEqual("#bundle\0".utf8) {
            guard depth < 8 else { throw ControlError("malformed packet: bundles nested too deep") }
            let raw = UInt64(readUInt32(bytes, 8)) << 32 | UInt64(readUInt32(bytes, 12))
            // 1 means "immediately" (0 is treated alike); a bundle inherits the outer time.
            let tag: UInt64? = raw <= 1 ? nil : raw
            var offset = 16
            while offset < bytes.count {
                guard offset + 4 <= bytes.count else { throw ControlError("malformed bundle: truncated element size") }
                let size = Int(readUInt32(bytes, offset))
                offset += 4
                guard size > 0, offset + size <= bytes.count else { throw ControlError("malformed bundle: element size \(size) overruns the packet") }
                try decode(UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + size]), time: tag ?? time, depth: depth + 1, into: &out)
                offset += size
            }
            return
        }
        guard bytes.first == UInt8(ascii: "/") else { throw ControlError("malformed packet: not a message or a bundle") }
        var result: Int32 = 0
        guard let m = lo_message_deserialise(UnsafeMutableRawPointer(mutating: bytes.baseAddress), bytes.count, &result) else {
            throw ControlError("malformed message (liblo error \(result))")
        }
        defer { lo_message_free(m) }
        // The address is the NUL-terminated string at the start of the packet.
        let path = String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
        out.append(OSCMessage(path, arguments(m), time: time))
    }

    static func arguments(_ m: lo_message) -> [OSCValue] {
        let count = Int(lo_message_get_argc(m))
        guard count > 0, let types = lo_message_get_types(m), let argv = lo_message_get_argv(m) else { return [] }
        return (0..<count).map { i in
            let type = UInt8(bitPattern: types[i])
            guard let arg = argv[i] else { return .none }
            switch type {
            case UInt8(ascii: "i"): return .int(arg.pointee.i)
            case UInt8(ascii: "f"): return .float(arg.pointee.f)
            case UInt8(ascii: "d"): return .double(arg.pointee.d)
            case UInt8(ascii: "h"): return .int64(arg.pointee.h)
            case UInt8(ascii: "s"), UInt8(ascii: "S"):
                // The string's bytes start at the argument itself (lo_arg.s is its first char).
                return .string(String(cString: UnsafeRawPointer(arg).assumingMemoryBound(to: CChar.self)))
            case UInt8(ascii: "T"): return .bool(true)
            case UInt8(ascii: "F"): return .bool(false)
            case UInt8(ascii: "N"): return .none
            default: return .unsupported(Character(Unicode.Scalar(type)))
            }
        }
    }

    /// The wire form of a message.
    public static func encode(_ message: OSCMessage) -> [UInt8] {
        guard let m = lo_message_new() else { return [] }
        defer { lo_message_free(m) }
        for arg in message.args {
            switch arg {
            case .int(let v): lo_message_add_int32(m, v)
            case .float(let v): lo_message_add_float(m, v)
            case .double(let v): lo_message_add_double(m, v)
            case .int64(let v): lo_message_add_int64(m, v)
            case .string(let s): lo_message_add_string(m, s)
            case .bool(let b): if b { lo_message_add_true(m) } else { lo_message_add_false(m) }
            case .none, .unsupported: lo_message_add_nil(m)
            }
        }
        var size = 0
        guard let raw = lo_message_serialise(m, message.path, nil, &size) else { return [] }
        defer { free(raw) }
        return Array(UnsafeRawBufferPointer(start: raw, count: size))
    }

    static func readUInt32(_ b: UnsafeRawBufferPointer, _ at: Int) -> UInt32 {
        UInt32(b[at]) << 24 | UInt32(b[at + 1]) << 16 | UInt32(b[at + 2]) << 8 | UInt32(b[at + 3])
    }
}

#if canImport(Glibc)
import Glibc
#endif
