/// What the generators make: parts of notes on a grid of beats, with the tempo, meter
/// and key they were made for. Written as a Standard MIDI File (`Arrangement+MIDI`)
/// and played by MIDI tracks.
public struct Arrangement: Sendable, Equatable {
    public var bpm: Double
    public var meter: Meter
    public var key: Key
    public var bars: Int
    public var parts: [Part]
    /// Section starts (bar, name): intro, verse, chorus … (songs only).
    public var sections: [(bar: Int, name: String)] = []

    public init(bpm: Double, meter: Meter, key: Key, bars: Int, parts: [Part] = []) {
        self.bpm = bpm
        self.meter = meter
        self.key = key
        self.bars = bars
        self.parts = parts
    }

    public static func == (a: Arrangement, b: Arrangement) -> Bool {
        a.bpm == b.bpm && a.meter == b.meter && a.key == b.key && a.bars == b.bars && a.parts == b.parts
            && a.sections.map(\.bar) == b.sections.map(\.bar) && a.sections.map(\.name) == b.sections.map(\.name)
    }

    /// Beats from the start to the end of the last bar.
    public var beats: Double { Double(bars * meter.beatsPerBar) }
    public var seconds: Double { beats * 60 / bpm }
}

/// One instrument's notes: a GM program on one MIDI channel (drums on channel 10,
/// index 9, where the program picks the kit).
public struct Part: Sendable, Equatable {
    public var name: String
    public var program: Int
    public var channel: Int
    public var notes: [Note]

    public init(name: String, program: Int, channel: Int, notes: [Note] = []) {
        self.name = name
        self.program = program
        self.channel = channel
        self.notes = notes
    }

    public var isDrums: Bool { channel == 9 }
}

/// A note in beats (quarter notes) from the start.
public struct Note: Sendable, Equatable {
    public var start: Double
    public var length: Double
    public var key: Int
    public var velocity: Int

    public init(start: Double, length: Double, key: Int, velocity: Int) {
        self.start = start
        self.length = length
        self.key = key
        self.velocity = velocity
    }

    public var end: Double { start + length }
}

/// A time signature whose beat is the quarter note (4/4, 3/4): bars of `beatsPerBar`
/// beats, four sixteenth-note steps a beat.
public struct Meter: Sendable, Equatable, CustomStringConvertible {
    public var beatsPerBar: Int
    public init(beatsPerBar: Int) { self.beatsPerBar = beatsPerBar }

    public static let common = Meter(beatsPerBar: 4)
    public var stepsPerBar: Int { beatsPerBar * 4 }
    public var description: String { "\(beatsPerBar)/4" }

    /// "4/4", "3/4", …; nil for anything else.
    public init?(_ text: String) {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let n = Int(parts[0]), parts[1] == "4", (2...7).contains(n) else { return nil }
        beatsPerBar = n
    }
}
