import Atomics
import CJack
#if canImport(Glibc)
import Glibc
#endif

// C callbacks handed to JACK. Global functions in a file without top-level code, so
// none is actor-isolated: JACK calls them on its own threads.

/// Process thread.
func dawgProcess(_ nframes: jack_nframes_t, _ arg: UnsafeMutableRawPointer?) -> Int32 {
    arg?.assumingMemoryBound(to: HostRealtime.self).pointee.cycle(nframes)
    return 0
}

/// Process thread, just before process, while JACK transport waits to roll from a new
/// place: ready once every streamed track has read ahead there (JACK rolls anyway after
/// its sync timeout, two seconds by default).
func dawgSync(_ state: jack_transport_state_t, _ pos: UnsafeMutablePointer<jack_position_t>?, _ arg: UnsafeMutableRawPointer?) -> Int32 {
    guard let arg, let pos else { return 1 }
    return arg.assumingMemoryBound(to: HostRealtime.self).pointee.core.pointee.readyToRoll(at: Int64(pos.pointee.frame)) ? 1 : 0
}

/// JACK's notification thread.
func dawgXrun(_ arg: UnsafeMutableRawPointer?) -> Int32 {
    guard let arg else { return 0 }
    Unmanaged<JackClient>.fromOpaque(arg).takeUnretainedValue().host.xruns.wrappingIncrement(ordering: .relaxed)
    return 0
}

/// JACK's notification thread.
func dawgBufferSize(_ nframes: jack_nframes_t, _ arg: UnsafeMutableRawPointer?) -> Int32 {
    guard let arg else { return 0 }
    Unmanaged<JackClient>.fromOpaque(arg).takeUnretainedValue().host.bufferSizeChanged(Int(nframes))
    return 0
}

/// JACK's notification thread.
func dawgSampleRate(_ rate: jack_nframes_t, _ arg: UnsafeMutableRawPointer?) -> Int32 {
    guard let arg else { return 0 }
    let client = Unmanaged<JackClient>.fromOpaque(arg).takeUnretainedValue()
    client.host.sampleRateChanged(Int(rate), from: client)
    return 0
}

/// JACK's notification thread: the engine adds no latency of its own, so what comes in
/// on the capture side goes out with the same latency, and vice versa.
func dawgLatency(_ mode: jack_latency_callback_mode_t, _ arg: UnsafeMutableRawPointer?) {
    guard let arg else { return }
    Unmanaged<JackClient>.fromOpaque(arg).takeUnretainedValue().propagateLatency(mode)
}

/// Any JACK thread, once: the server went away.
func dawgShutdown(_ code: jack_status_t, _ reason: UnsafePointer<CChar>?, _ arg: UnsafeMutableRawPointer?) {
    guard let arg else { return }
    let client = Unmanaged<JackClient>.fromOpaque(arg).takeUnretainedValue()
    client.host.serverShutDown(reason.map { String(cString: $0) } ?? "no reason given", from: client)
}

/// JACK's notification thread: two ports were connected or disconnected (any ports:
/// ours are read again on the control side).
func dawgPortConnect(_ a: jack_port_id_t, _ b: jack_port_id_t, _ connect: Int32, _ arg: UnsafeMutableRawPointer?) {
    guard let arg else { return }
    let client = Unmanaged<JackClient>.fromOpaque(arg).takeUnretainedValue()
    client.host.portsConnected(from: client)
}

/// JACK's notification thread: a port was registered or unregistered anywhere.
func dawgPortRegistration(_ port: jack_port_id_t, _ registered: Int32, _ arg: UnsafeMutableRawPointer?) {
    guard let arg, registered != 0 else { return }
    let client = Unmanaged<JackClient>.fromOpaque(arg).takeUnretainedValue()
    client.host.portRegistered(from: client)
}

/// While probing for a server, libjack's complaints that none is running are
/// expected; they are silenced so the log says it once, in our words.
let jackMessagesQuiet = ManagedAtomic(false)

/// Any thread (libjack's error and info output).
func dawgJackMessage(_ message: UnsafePointer<CChar>?) {
    guard let message, !jackMessagesQuiet.load(ordering: .relaxed) else { return }
    _ = write(2, "jack: ", 6)
    _ = write(2, message, strlen(message))
    _ = write(2, "\n", 1)
}
