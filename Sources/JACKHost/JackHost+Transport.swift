import CJack

extension JackHost {
    /// Control side: ask JACK transport to roll; the engine follows next cycle, and so
    /// does every other transport-aware client on the server.
    public func transportStart() { jack_transport_start(client) }
    public func transportStop() { jack_transport_stop(client) }
    public func transportLocate(frame: Int64) { jack_transport_locate(client, jack_nframes_t(clamping: max(0, frame))) }
}
