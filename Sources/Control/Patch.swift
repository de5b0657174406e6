import Engine

/// A whole engine set-up: what `patches/*.json` holds, what `/state` replies and what
/// the session keeps as its model. Schema: docs/patch.md. Gains are in dB; `-inf`
/// (as the string "-inf" in JSON) is silence.
public struct Patch: Codable, Equatable, Sendable {
    public static let schemaName = "dawg.patch"
    public static let currentVersion = 1

    public var schema: String = Patch.schemaName
    public var version: Int = Patch.currentVersion
    public var name: String = "untitled"
    public var transport = TransportSettings()
    public var master = StripSettings()
    public var buses: [BusSettings] = []
    public var tracks: [TrackSettings] = []
    /// JACK connections to restore: our port's short name → full names of the ports it
    /// connects to (`"out_L": ["system:playback_1"]`).
    public var connections: [String: [String]] = [:]
    /// The reference A4 of pitch feedback and coaching, Hz.
    public var a4: Double = 440
    /// Named places on the timeline (song sections), by position.
    public var markers: [MarkerSettings] = []

    public init() {}

    enum CodingKeys: String, CodingKey { case schema, version, name, transport, master, buses, tracks, connections, a4, markers }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        schema = try c.decode(String.self, forKey: .schema)
        version = try c.decode(Int.self, forKey: .version)
        name = try c.decode(.name, or: "untitled")
        transport = try c.decode(.transport, or: TransportSettings())
        master = try c.decode(.master, or: StripSettings())
        buses = try c.decode(.buses, or: [])
        tracks = try c.decode(.tracks, or: [])
        connections = try c.decode(.connections, or: [:])
        a4 = try c.decode(.a4, or: 440)
        markers = try c.decode(.markers, or: [])
    }
}

/// A file track's clip: its gain (dB), fades (seconds and shape: linear, equal-power,
/// s-curve) and trim (where in the file it starts, and how long it plays). Where it
/// sits on the timeline is the track's `position`.
public struct ClipSettings: Codable, Equatable, Sendable {
    public var gain: Float = 0
    public var fadeIn: Double = 0
    public var fadeInShape: String = "linear"
    public var fadeOut: Double = 0
    public var fadeOutShape: String = "linear"
    public var trim: Double = 0
    /// Seconds played from `trim`; nil: to the end of the file.
    public var length: Double?

    public init() {}

    enum CodingKeys: String, CodingKey { case gain, fadeIn, fadeInShape, fadeOut, fadeOutShape, trim, length }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        gain = try c.decode(.gain, or: 0)
        fadeIn = try c.decode(.fadeIn, or: 0)
        fadeInShape = try c.decode(.fadeInShape, or: "linear")
        fadeOut = try c.decode(.fadeOut, or: 0)
        fadeOutShape = try c.decode(.fadeOutShape, or: "linear")
        trim = try c.decode(.trim, or: 0)
        length = try c.decodeIfPresent(Double.self, forKey: .length)
    }
}

/// A section marker: a name at a place on the timeline.
public struct MarkerSettings: Codable, Equatable, Sendable {
    public var id: Int
    public var name: String
    /// Seconds from the start of the timeline.
    public var seconds: Double

    public init(id: Int, name: String, seconds: Double) {
        self.id = id
        self.name = name
        self.seconds = seconds
    }
}

public struct TransportSettings: Codable, Equatable, Sendable {
    public var loopStart: Double = 0
    public var loopEnd: Double = 0
    public var loop: Bool = false
    /// Start the transport when the patch is loaded.
    public var play: Bool = false
    /// Beats per minute.
    public var tempo: Double = 120
    public init() {}

    enum CodingKeys: String, CodingKey { case loopStart, loopEnd, loop, play, tempo }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        loopStart = try c.decode(.loopStart, or: 0)
        loopEnd = try c.decode(.loopEnd, or: 0)
        loop = try c.decode(.loop, or: false)
        play = try c.decode(.play, or: false)
        tempo = try c.decode(.tempo, or: 120)
    }
}

public struct StripSettings: Codable, Equatable, Sendable {
    public var gain: Float = 0
    public var pan: Float = 0
    public var mute = false
    public var solo = false
    public var soloSafe = false
    public var invert = false
    public var sends: [SendSettings] = []
    public var eq = EQSettings()
    public var comp = CompressorSettings()
    public var gate = GateSettings()
    /// Buses only.
    public var reverb = ReverbSettings()
    public var delay = DelaySettings()
    /// The order the inserts run in, before the fader and pan.
    public var inserts: [InsertKind] = InsertKind.defaultOrder
    /// The strip preset last applied (a name in presets/strips/), if any.
    public var preset: String?
    /// A live BS.1770 loudness meter on its post-fader output (nil: the default, on for
    /// the master and off elsewhere).
    public var loudness: Bool?

    public init() {}

    enum CodingKeys: String, CodingKey { case gain, pan, mute, solo, soloSafe, invert, sends, eq, comp, gate, reverb, delay, inserts, preset, loudness }

    // Every key is optional in a patch file, so hand-written patches stay short.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        gain = try c.decode(.gain, or: 0)
        pan = try c.decode(.pan, or: 0)
        mute = try c.decode(.mute, or: false)
        solo = try c.decode(.solo, or: false)
        soloSafe = try c.decode(.soloSafe, or: false)
        invert = try c.decode(.invert, or: false)
        sends = try c.decode(.sends, or: [])
        eq = try c.decode(.eq, or: EQSettings())
        comp = try c.decode(.comp, or: CompressorSettings())
        gate = try c.decode(.gate, or: GateSettings())
        reverb = try c.decode(.reverb, or: ReverbSettings())
        delay = try c.decode(.delay, or: DelaySettings())
        inserts = try c.decode(.inserts, or: InsertKind.defaultOrder)
        preset = try c.decodeIfPresent(String.self, forKey: .preset)
        loudness = try c.decodeIfPresent(Bool.self, forKey: .loudness)
    }
}

public struct SendSettings: Codable, Equatable, Sendable {
    /// The bus's strip id.
    public var bus: Int
    public var gain: Float
    public var preFader: Bool

    public init(bus: Int, gain: Float, preFader: Bool) {
        self.bus = bus
        self.gain = gain
        self.preFader = preFader
    }

    enum CodingKeys: String, CodingKey { case bus, gain, preFader }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        bus = try c.decode(Int.self, forKey: .bus)
        gain = try c.decode(.gain, or: 0)
        preFader = try c.decode(.preFader, or: false)
    }
}

public struct TrackSettings: Codable, Equatable, Sendable {
    public var id: Int
    public var name: String
    /// Audio file, relative to the project directory.
    public var file: String?
    /// Timeline position of the file's first sample, in seconds.
    public var position: Double?
    /// Standard MIDI File, relative to the project directory: a MIDI track, played by
    /// the General MIDI synth and out of its JACK MIDI port `midi_<id>`.
    public var midi: String?
    /// GM program (0–127) for the MIDI track's melodic channels, overriding the file's.
    public var program: Int?
    /// Capture port number, from 1 (`in_1`).
    public var input: Int?
    /// Armed for recording (input tracks only).
    public var armed: Bool = false
    /// The take an input track plays while not armed (nil: its live input).
    public var take: Int?
    /// Its live pitch is tracked (`/pitch/enable`).
    public var pitch: Bool = false
    /// What its pitch is measured against and how the coach talks (nil: the defaults).
    public var coach: CoachSettings?
    /// The file's clip: gain, fades, trim (nil: the whole file at unity).
    public var clip: ClipSettings?
    /// Its part in the mix for the mix assistant (`vocal`, `kick`, `snare`, `drums`,
    /// `bass`, `guitar`, `keys`, `pad`, `other`); nil: from its name, else its sound.
    public var role: String?
    public var strip: StripSettings

    public init(id: Int, name: String, file: String? = nil, position: Double? = nil, input: Int? = nil, strip: StripSettings = StripSettings()) {
        self.id = id
        self.name = name
        self.file = file
        self.position = position
        self.input = input
        self.strip = strip
    }

    enum CodingKeys: String, CodingKey { case id, name, file, midi, program, position, input, armed, take, pitch, coach, role, clip, strip }

    /// Plays nothing: no file (nor its clip), no MIDI file (nor its program), no input,
    /// no take, no position. The caller then says what it plays.
    mutating func forgetSource() {
        file = nil
        clip = nil
        midi = nil
        program = nil
        input = nil
        take = nil
        position = nil
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(Int.self, forKey: .id)
        name = try c.decode(.name, or: "track \(id)")
        file = try c.decodeIfPresent(String.self, forKey: .file)
        midi = try c.decodeIfPresent(String.self, forKey: .midi)
        program = try c.decodeIfPresent(Int.self, forKey: .program)
        position = try c.decodeIfPresent(Double.self, forKey: .position)
        input = try c.decodeIfPresent(Int.self, forKey: .input)
        armed = try c.decode(.armed, or: false)
        take = try c.decodeIfPresent(Int.self, forKey: .take)
        pitch = try c.decode(.pitch, or: false)
        coach = try c.decodeIfPresent(CoachSettings.self, forKey: .coach)
        role = try c.decodeIfPresent(String.self, forKey: .role)
        clip = try c.decodeIfPresent(ClipSettings.self, forKey: .clip)
        strip = try c.decode(.strip, or: StripSettings())
    }
}

public struct BusSettings: Codable, Equatable, Sendable {
    public var id: Int
    public var name: String
    public var strip: StripSettings
    /// The bus it feeds; nil for the master.
    public var output: Int?

    public init(id: Int, name: String, strip: StripSettings = StripSettings(), output: Int? = nil) {
        self.id = id
        self.name = name
        self.strip = strip
        self.output = output
    }

    enum CodingKeys: String, CodingKey { case id, name, strip, output }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(Int.self, forKey: .id)
        name = try c.decode(.name, or: "bus \(id)")
        strip = try c.decode(.strip, or: StripSettings())
        output = try c.decodeIfPresent(Int.self, forKey: .output)
    }
}
