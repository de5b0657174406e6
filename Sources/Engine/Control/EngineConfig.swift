/// Fixed sizes chosen before the first cycle: everything the realtime side uses is
/// allocated from these once, so a graph edit never allocates on the audio thread.
public struct EngineConfig: Sendable {
    public var sampleRate: Double
    /// Largest period the engine accepts (JACK's own maximum is 8192).
    public var maxFrames: Int
    /// Meter slots: tracks, buses and the master (slot 0).
    public var maxStrips: Int
    /// Buses a session may have.
    public var maxBuses: Int
    /// Capture ports the engine reads.
    public var inputs: Int
    /// Buffers the graph compiler may hand out at once (each `maxFrames` floats).
    public var maxBuffers: Int
    /// Length of every gain ramp (fader, pan, mute, sends).
    public var rampSeconds: Double
    public var commandCapacity: Int
    /// Timed commands waiting for their sample time.
    public var pendingCapacity: Int
    /// MIDI tracks that send MIDI out (each a slot of `MIDIOutputs`, a JACK MIDI port).
    public var midiOutputs: Int
    /// MIDI messages a track sends per cycle at most.
    public var midiMessagesPerCycle: Int

    /// The master's meter slot.
    @inlinable public static var masterStrip: Int { 0 }

    public init(
        sampleRate: Double = 48000, maxFrames: Int = 8192, maxStrips: Int = 512, maxBuses: Int = 64,
        inputs: Int = 2, maxBuffers: Int = 256, rampSeconds: Double = 0.01, commandCapacity: Int = 8192,
        pendingCapacity: Int = 1024, midiOutputs: Int = 64, midiMessagesPerCycle: Int = 1024
    ) {
        self.sampleRate = sampleRate
        self.maxFrames = maxFrames
        self.maxStrips = maxStrips
        self.maxBuses = maxBuses
        self.inputs = inputs
        self.maxBuffers = maxBuffers
        self.rampSeconds = rampSeconds
        self.commandCapacity = commandCapacity
        self.pendingCapacity = pendingCapacity
        self.midiOutputs = midiOutputs
        self.midiMessagesPerCycle = midiMessagesPerCycle
    }

    public var rampFrames: Int32 { Int32((rampSeconds * sampleRate).rounded()) }
}
