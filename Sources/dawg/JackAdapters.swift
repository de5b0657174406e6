import Control
import JACKHost

/// The session drives JACK transport, so a DAW on the same server rolls with it.
struct JackTransport: TransportDriver {
    let host: JackHost
    func play() { host.transportStart() }
    func stop() { host.transportStop() }
    func locate(frame: Int64) { host.transportLocate(frame: frame) }
}

struct JackConnections: ConnectionRestorer {
    let host: JackHost
    func restore(_ connections: [String: [String]]) -> [String] { host.connect(connections) }
    func current() -> [String: [String]] { host.connections() }
}

/// Each MIDI track's JACK MIDI output, `midi_<track id>`.
struct JackMIDIPorts: MIDIPortHost {
    let host: JackHost
    func openMIDIPort(slot: Int, name: String, pretty: String) { host.openMIDIPort(slot: slot, name: name, pretty: pretty) }
    func closeMIDIPort(slot: Int) { host.closeMIDIPort(slot: slot) }
}
