/// A sounding note, in seconds from the start of the file.
public struct MIDINote: Sendable, Equatable, Codable {
    public var start: Double
    public var duration: Double
    public var key: Int
    public var velocity: Int
    public var channel: Int
    /// Index of the track chunk it came from.
    public var track: Int

    public var end: Double { start + duration }

    public init(start: Double, duration: Double, key: Int, velocity: Int = 100, channel: Int = 0, track: Int = 0) {
        self.start = start
        self.duration = duration
        self.key = key
        self.velocity = velocity
        self.channel = channel
        self.track = track
    }
}
