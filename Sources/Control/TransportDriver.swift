/// Where transport requests go when a host owns the transport (JACK transport, so a
/// DAW on the same server starts and stops with us). Without one, the session sends
/// them to the engine directly. Called on control threads.
public protocol TransportDriver: Sendable {
    func play()
    func stop()
    func locate(frame: Int64)
}

/// Restores a patch's JACK connections; returns one message per connection it could
/// not make. Called on control threads.
public protocol ConnectionRestorer: Sendable {
    func restore(_ connections: [String: [String]]) -> [String]
    func current() -> [String: [String]]
}

/// The host's MIDI outputs: one JACK MIDI port per MIDI track, fed from the track's
/// slot of the engine's `MIDIOutputs`. Called on control threads.
public protocol MIDIPortHost: Sendable {
    /// Make (or rename) the port for `slot`, called `name` (`midi_<track id>`).
    func openMIDIPort(slot: Int, name: String, pretty: String)
    /// Take the port of `slot` away.
    func closeMIDIPort(slot: Int)
}
