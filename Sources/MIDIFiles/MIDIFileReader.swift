import Foundation

extension MIDIFile {
    /// Reads the file at `path` (at most 16 MB: a melody is a few kilobytes). Anything
    /// else is refused from its first four bytes, without reading the rest.
    public init(path: String) throws {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else {
            throw MIDIFileError("\(path): no such file")
        }
        guard let handle = FileHandle(forReadingAtPath: path) else { throw MIDIFileError("\(path): cannot read it") }
        defer { try? handle.close() }
        guard let head = try? handle.read(upToCount: 4), head.elementsEqual("MThd".utf8) else {
            throw MIDIFileError("\(path): not a Standard MIDI File (no MThd header)")
        }
        if let size = attributes[.size] as? Int, size > 16 << 20 { throw MIDIFileError("\(path): \(size) bytes is too big for a MIDI file") }
        guard let rest = try? handle.readToEnd() else { throw MIDIFileError("\(path): cannot read it") }
        let data = head + rest
        do { try self.init(bytes: [UInt8](data)) } catch let e as MIDIFileError { throw MIDIFileError("\(path): \(e.description)") }
    }

    public init(bytes: [UInt8]) throws {
        var r = ByteReader(bytes)
        guard try r.tag() == "MThd" else { throw MIDIFileError("not a Standard MIDI File (no MThd header)") }
        let length = Int(try r.u32())
        guard length >= 6 else { throw MIDIFileError("header chunk of \(length) bytes is too short") }
        let headerEnd = r.offset + length
        let format = Int(try r.u16()), count = Int(try r.u16()), division = try r.u16()
        guard format <= 2 else { throw MIDIFileError("unknown format \(format)") }
        try r.seek(headerEnd)
        let parsedDivision: Division
        if division & 0x8000 != 0 {
            let fps = -Int(Int8(bitPattern: UInt8(division >> 8)))
            guard [24, 25, 29, 30].contains(fps), division & 0xFF > 0 else { throw MIDIFileError("bad SMPTE division \(division)") }
            parsedDivision = .smpte(framesPerSecond: fps, ticksPerFrame: Int(division & 0xFF))
        } else {
            guard division > 0 else { throw MIDIFileError("division of 0 ticks per quarter note") }
            parsedDivision = .ticksPerQuarter(Int(division))
        }
        var tracks: [[Event]] = []
        while tracks.count < count {
            guard !r.atEnd else { throw MIDIFileError("truncated: \(count) tracks announced, \(tracks.count) found") }
            let tag = try r.tag(), size = Int(try r.u32())
            guard size <= r.remaining else { throw MIDIFileError("truncated: chunk \(tag) at \(r.offset - 8) needs \(size) bytes, \(r.remaining) remain") }
            let end = r.offset + size
            if tag == "MTrk" { tracks.append(try Self.events(&r, end: end)) }
            try r.seek(end)
        }
        self.init(format: format, division: parsedDivision, tracks: tracks)
    }

    /// One track chunk's events, up to `end`.
    private static func events(_ r: inout ByteReader, end: Int) throws -> [Event] {
        var events: [Event] = []
        var tick = 0
        var running: UInt8 = 0
        while r.offset < end {
            tick += try r.variableLength(end: end)
            let at = r.offset
            var status = try r.u8(end: end)
            if status < 0x80 {
                guard running != 0 else { throw MIDIFileError("data byte \(status) with no status at offset \(at)") }
                status = running
                r.offset -= 1
            }
            switch status {
            case 0xFF:
                let type = try r.u8(end: end)
                let data = try r.bytes(try r.variableLength(end: end), end: end)
                switch type {
                case 0x51 where data.count == 3:
                    events.append(Event(tick: tick, .tempo(Int(data[0]) << 16 | Int(data[1]) << 8 | Int(data[2]))))
                case 0x03: events.append(Event(tick: tick, .trackName(String(decoding: data, as: UTF8.self))))
                case 0x2F:
                    events.append(Event(tick: tick, .endOfTrack))
                    return events
                default: events.append(Event(tick: tick, .meta(type: type, data: data)))
                }
            case 0xF0, 0xF7:
                events.append(Event(tick: tick, .sysex(try r.bytes(try r.variableLength(end: end), end: end))))
                running = 0
            case 0xF1...0xFE:
                throw MIDIFileError("system message \(status) at offset \(at) does not belong in a file")
            default:
                running = status
                let kind = status & 0xF0, channel = Int(status & 0x0F)
                let first = try r.data(end: end)
                if kind == 0xC0 || kind == 0xD0 {
                    events.append(Event(tick: tick, .channel(status: status, data: [first])))
                    continue
                }
                let second = try r.data(end: end)
                switch kind {
                case 0x90 where second > 0: events.append(Event(tick: tick, .noteOn(channel: channel, key: Int(first), velocity: Int(second))))
                case 0x90, 0x80: events.append(Event(tick: tick, .noteOff(channel: channel, key: Int(first), velocity: Int(second))))
                default: events.append(Event(tick: tick, .channel(status: status, data: [first, second])))
                }
            }
        }
        return events
    }
}

/// Big-endian reading with bounds checks that say where the file ends too soon.
struct ByteReader {
    let bytes: [UInt8]
    var offset = 0
    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var atEnd: Bool { offset >= bytes.count }
    var remaining: Int { bytes.count - offset }

    mutating func seek(_ to: Int) throws {
        guard to <= bytes.count else { throw MIDIFileError("truncated at offset \(bytes.count)") }
        offset = to
    }

    mutating func u8(end: Int? = nil) throws -> UInt8 {
        guard offset < (end ?? bytes.count) else { throw MIDIFileError("truncated: event runs past its chunk at offset \(offset)") }
        defer { offset += 1 }
        return bytes[offset]
    }

    /// A data byte (< 0x80) of a channel message.
    mutating func data(end: Int) throws -> UInt8 {
        let b = try u8(end: end)
        guard b < 0x80 else { throw MIDIFileError("status byte \(b) where a data byte belongs at offset \(offset - 1)") }
        return b
    }

    mutating func u16() throws -> UInt16 { UInt16(try u8()) << 8 | UInt16(try u8()) }
    mutating func u32() throws -> UInt32 { UInt32(try u16()) << 16 | UInt32(try u16()) }

    mutating func tag() throws -> String {
        String(decoding: [try u8(), try u8(), try u8(), try u8()], as: UTF8.self)
    }

    mutating func bytes(_ n: Int, end: Int) throws -> [UInt8] {
        guard n <= end - offset else { throw MIDIFileError("truncated: \(n) bytes announced at offset \(offset), \(end - offset) remain") }
        defer { offset += n }
        return Array(bytes[offset..<(offset + n)])
    }

    /// A variable-length quantity: at most four bytes, seven bits each.
    mutating func variableLength(end: Int) throws -> Int {
        var value = 0
        for _ in 0..<4 {
            let b = try u8(end: end)
            value = value << 7 | Int(b & 0x7F)
            if b & 0x80 == 0 { return value }
        }
        throw MIDIFileError("variable-length number longer than four bytes at offset \(offset - 4)")
    }
}
