import Atomics
import CJack
import CShim
import Engine
import Logging

public struct JackError: Error, CustomStringConvertible {
    public let description: String
    /// True when no server was running (the caller may start one).
    public let noServer: Bool
}

/// dawg's place on a JACK server, across servers: it opens the client, registers
/// `in_1…in_N`, `out_L`, `out_R`, runs the engine in the process callback, follows
/// JACK transport, reports latency, counts xruns and notices the server going away —
/// and, when a server is back, `reopen` makes the same client again on it: the same
/// ports, the connections they had, the transport where it was.
///
/// Every control-side call that reaches libjack goes through `withClient`, which
/// holds `callLock` for the call; closing a client takes the same lock first, so no
/// call ever runs on a closed handle. JACK's callbacks never take `callLock`.
public final class JackHost: @unchecked Sendable {
    // @unchecked Sendable: mutable state is atomics, or behind `lock` / `callLock`.
    /// The name asked for; the client JACK made may differ (`clientName`).
    public let requestedName: String
    public let serverName: String?
    public let xruns = ManagedAtomic<Int>(0)
    /// Times the client was opened again on a server that came back.
    public let reconnects = ManagedAtomic<Int>(0)
    public let bufferSize: ManagedAtomic<Int>
    let logger: Logger
    private let lock = ControlLock()
    private let callLock = ControlLock()
    private var current: JackClient?
    private var _clientName: String
    private var _sampleRate: Int
    private var shutdownReason: String?
    private var closed = false
    private var setup: (engine: EngineHandle, inputs: Int, followTransport: Bool)?
    /// Our ports' connections as last read (`refreshConnections`), restored on reopen.
    private var knownConnections: [String: [String]] = [:]
    let connectionsChanged = ManagedAtomic(false)
    /// Connections a reopen could not make yet (the other port was not there), made
    /// when JACK says ports appeared.
    private var _waiting: [String: [String]] = [:]
    let portsAppeared = ManagedAtomic(false)
    /// Transport requests made while no server runs, applied when one is back.
    private var resumeRolling = false
    /// Runs the engine while no server does.
    private var standIn: EngineStandIn?
    /// MIDI out slot → its port's names: registered on every server the client opens on.
    private var midiNames: [Int: MIDIPortName] = [:]

    /// Connect to the server `serverName` (nil: the default one); never starts one.
    public init(clientName: String, serverName: String?, logger: Logger) throws {
        requestedName = clientName
        self.serverName = serverName
        self.logger = logger
        bufferSize = ManagedAtomic(0)
        _clientName = clientName
        _sampleRate = 0
        let first = try JackClient(name: clientName, server: serverName, host: self)
        current = first
        _clientName = first.name
        _sampleRate = first.sampleRate
        bufferSize.store(first.bufferSize, ordering: .relaxed)
    }

    deinit {
        close()
    }

    public var clientName: String { lock.withLock { _clientName } }
    /// The rate of the server the client is (or was last) on.
    public var sampleRate: Int { lock.withLock { _sampleRate } }

    /// Register ports, install callbacks, warm the engine up and activate.
    public func start(engine: EngineHandle, inputs count: Int, followTransport: Bool = true) throws {
        lock.withLock { setup = (engine, count, followTransport) }
        guard let client = lock.withLock({ current }) else { throw JackError(description: "the JACK client is closed", noServer: false) }
        try client.registerPorts(inputs: count, core: engine.core, followTransport: followTransport, midi: lock.withLock { midiNames })
        warmUp(engine)
        try client.activate(followTransport: followTransport)
    }

    /// Run a few silent cycles before activation, so every page the process path
    /// touches is mapped and every lazy runtime path has been taken.
    private func warmUp(_ engine: EngineHandle) {
        let frames = min(engine.config.maxFrames, max(bufferSize.load(ordering: .relaxed), 1))
        let saved = engine.core.pointee
        let cycle = SilentCycle(engine: engine, frames: frames)
        for _ in 0..<4 { cycle.run() }
        // The warm-up must not advance the transport or the frame clock.
        engine.core.pointee.restoreClock(from: saved)
    }

    // MARK: - Control side

    /// Any control thread: run `body` on the live client, or return `fallback` when
    /// there is none (the server went away, or the host was closed).
    func withClient<T>(_ fallback: T, _ body: (JackClient) -> T) -> T {
        callLock.withLock {
            guard let client = lock.withLock({ shutdownReason == nil ? current : nil }) else { return fallback }
            return body(client)
        }
    }

    /// Cycle timings since the last call.
    public func drainCycleTimes(_ body: (CycleTiming) -> Void) {
        // Also after the server went: the last cycles' timings are still there.
        callLock.withLock {
            guard let rt = lock.withLock({ current?.realtime }) else { return }
            while let t = rt.pointee.cycleTimes.pop() { body(t) }
        }
    }

    public var dspLoad: Float { withClient(0) { jack_cpu_load($0.handle) } }

    /// Set while no server is there; the reason JACK gave when it went.
    public var shutdown: String? { lock.withLock { shutdownReason } }

    /// Signalled when the server goes away or our connections change, so a waiting
    /// thread hears of it at once.
    public var shutdownSignal: Wakeup? {
        get { lock.withLock { _shutdownSignal } }
        set { lock.withLock { _shutdownSignal = newValue } }
    }
    private var _shutdownSignal: Wakeup?

    /// JACK's notification thread (or the process thread), from `client`.
    func serverShutDown(_ reason: String, from client: JackClient) {
        let wake: Wakeup? = lock.withLock {
            guard client === current, shutdownReason == nil else { return nil }
            shutdownReason = reason
            return _shutdownSignal
        }
        wake?.signal()
    }

    /// Control thread: give up on the current client as if its server had gone (it is
    /// closed and opened again by the usual path). For a client JACK no longer calls.
    public func abandon(_ reason: String) {
        lock.withLock { () -> Wakeup? in
            guard current != nil, shutdownReason == nil else { return nil }
            shutdownReason = reason
            return _shutdownSignal
        }?.signal()
    }

    /// JACK's notification thread: a connection of some port changed.
    func portsConnected(from client: JackClient) {
        connectionsChanged.store(true, ordering: .relaxed)
        lock.withLock { _shutdownSignal }?.signal()
    }

    /// JACK's notification thread: a port was registered somewhere on the server.
    func portRegistered(from client: JackClient) {
        portsAppeared.store(true, ordering: .relaxed)
        lock.withLock { _shutdownSignal }?.signal()
    }

    func bufferSizeChanged(_ frames: Int) {
        bufferSize.store(frames, ordering: .relaxed)
        logger.info("JACK period is now \(frames) frames")
    }

    func sampleRateChanged(_ rate: Int, from client: JackClient) {
        if rate != client.sampleRate {
            logger.error("JACK sample rate changed from \(client.sampleRate) to \(rate) Hz; files stay at \(client.sampleRate) Hz until reloaded")
        }
    }

    /// Frames between a sound leaving dawg and the same moment arriving back on capture
    /// port `input` (from 0): the port's capture latency plus the outputs' playback
    /// latency, as JACK reports them (the maxima of the ranges). A take recorded through
    /// `input` is placed this much earlier on the timeline, where it was heard.
    public func recordingLatency(input: Int) -> Int {
        withClient(0) { client in
            guard input >= 0, input < client.inputs.count else { return 0 }
            var capture = jack_latency_range_t()
            jack_port_get_latency_range(client.inputs[input], JackCaptureLatency, &capture)
            var playback: UInt32 = 0
            for p in client.outputs {
                var r = jack_latency_range_t()
                jack_port_get_latency_range(p, JackPlaybackLatency, &r)
                playback = max(playback, r.max)
            }
            return Int(capture.max) + Int(playback)
        }
    }

    // MARK: - Losing the server and finding one again

    /// Control thread, once the server has gone: the transport stops where it was
    /// (`reopen` rolls on from there if it was rolling) and a stand-in runs the engine,
    /// so what is asked of it meanwhile is done.
    public func serverLost() {
        // The dead server's client goes first: libjack keeps per-process state that a
        // client opened while a dead one is still open does not survive the close.
        let dead: JackClient? = callLock.withLock {
            lock.withLock {
                defer { current = nil }
                return current
            }
        }
        dead?.close(serverAlive: false)
        guard let engine = lock.withLock({ setup?.engine }) else { return }
        let rolling = engine.published.playing.load(ordering: .relaxed)
        if rolling { engine.send(.stop) }
        lock.withLock { resumeRolling = rolling }
        startStandIn()
    }

    /// The engine carries on without a server (after the loss, or a failed reopen); a
    /// stand-in already running is stopped first.
    private func startStandIn() {
        guard let engine = lock.withLock({ setup?.engine }) else { return }
        let standIn = EngineStandIn(engine: engine, frames: bufferSize.load(ordering: .relaxed))
        lock.withLock {
            defer { self.standIn = standIn }
            return self.standIn
        }?.stop()
    }

    private func stopStandIn() {
        lock.withLock {
            defer { standIn = nil }
            return standIn
        }?.stop()
    }

    /// Control thread, while no server runs: open the client on a server that is
    /// back — the same name, ports and connections, the transport where it was (rolling
    /// if it was, or if play was asked for meanwhile). Throws while none is there, or
    /// when the one there cannot take us (another sample rate).
    public func reopen() throws {
        guard var setup = lock.withLock({ setup }), lock.withLock({ !closed && current == nil }) else { return }
        let client = try JackClient(name: requestedName, server: serverName, host: self)
        stopStandIn()
        let oldRate = setup.engine.config.sampleRate
        var frame = setup.engine.published.position.load(ordering: .relaxed)
        if Double(client.sampleRate) != oldRate {
            // Another rate: a new engine, the state moved onto it (files decoded again at
            // the new rate, off every audio thread), the transport at the same second.
            guard let mover = engineMover else {
                client.close(serverAlive: true)
                startStandIn()
                throw JackError(description: "the server runs at \(client.sampleRate) Hz and the engine cannot change its rate", noServer: false)
            }
            logger.notice("the JACK server now runs at \(client.sampleRate) Hz (the engine ran at \(Int(oldRate)) Hz): moving the engine's state to the new rate")
            setup.engine = mover.make(client.sampleRate)
            // The new engine runs meanwhile, so the state's commands never fill its ring.
            let standIn = EngineStandIn(engine: setup.engine, frames: client.bufferSize)
            mover.adopt(setup.engine)
            standIn.stop()
            frame = Int64((Double(frame) * Double(client.sampleRate) / oldRate).rounded())
            let moved = setup
            lock.withLock { self.setup = moved }
        }
        do {
            try client.registerPorts(inputs: setup.inputs, core: setup.engine.core, followTransport: setup.followTransport, midi: lock.withLock { midiNames })
        } catch {
            client.close(serverAlive: true)
            startStandIn()
            throw error
        }
        bufferSize.store(client.bufferSize, ordering: .relaxed)
        warmUp(setup.engine)
        do {
            try client.activate(followTransport: setup.followTransport)
        } catch {
            client.close(serverAlive: true)
            startStandIn()
            throw error
        }
        let (rolling, wanted) = callLock.withLock {
            lock.withLock { () -> (Bool, [String: [String]]) in
                current = client
                _clientName = client.name
                _sampleRate = client.sampleRate
                shutdownReason = nil
                return (resumeRolling, knownConnections.merging(_waiting, uniquingKeysWith: Self.union))
            }
        }
        reconnects.wrappingIncrement(ordering: .relaxed)
        waitingConnections = wanted
        portsAppeared.store(true, ordering: .relaxed)
        connectWaiting()
        if setup.followTransport {
            transportLocate(frame: frame)
            if rolling { transportStart() }
        } else {
            setup.engine.send(.locate(frame: frame))
            if rolling { setup.engine.send(.play) }
        }
    }

    /// How the engine moves to a server that is back at another rate: `make` an engine
    /// for the rate, then `adopt` it (the session moves its state onto it). `reopen`
    /// calls both on its thread while no process callback runs. Set before the server
    /// can go.
    public struct EngineMover: Sendable {
        public let make: @Sendable (Int) -> EngineHandle
        public let adopt: @Sendable (EngineHandle) -> Void
        public init(make: @escaping @Sendable (Int) -> EngineHandle, adopt: @escaping @Sendable (EngineHandle) -> Void) {
            self.make = make
            self.adopt = adopt
        }
    }

    public var engineMover: EngineMover? {
        get { lock.withLock { _engineMover } }
        set { lock.withLock { _engineMover = newValue } }
    }
    private var _engineMover: EngineMover?

    /// The engine the host runs (another one after a move to a new rate).
    public var engine: EngineHandle? { lock.withLock { setup?.engine } }

    /// Leave the server: deactivate and close the client (once).
    public func close() {
        let client: JackClient? = callLock.withLock {
            lock.withLock {
                defer { closed = true; current = nil }
                return closed ? nil : current
            }
        }
        client?.close(serverAlive: shutdown == nil)
        stopStandIn()
    }

    // MARK: - MIDI ports

    /// Control side: a JACK MIDI output for MIDI out slot `slot`, named `name`; kept
    /// across servers. While no server runs it is made when one is back.
    public func openMIDIPort(slot: Int, name: String, pretty: String) {
        let port = MIDIPortName(name: name, pretty: "\(requestedName) \(pretty)")
        lock.withLock { midiNames[slot] = port }
        withClient(()) { client in
            do { try client.openMIDI(slot: slot, port) } catch { logger.warning("\(error)") }
        }
    }

    /// Control side: take slot `slot`'s MIDI port away.
    public func closeMIDIPort(slot: Int) {
        lock.withLock { midiNames[slot] = nil }
        let cycles = lock.withLock { setup?.engine.published.cycles }
        withClient(()) { client in client.closeMIDI(slot: slot, cycles: cycles) }
    }

    // MARK: - Transport

    /// Control side: ask JACK transport to roll; the engine follows next cycle, and so
    /// does every other transport-aware client on the server. While no server runs,
    /// the request waits for one.
    public func transportStart() {
        if !withClient(false, { jack_transport_start($0.handle); return true }) { lock.withLock { resumeRolling = true } }
    }

    public func transportStop() {
        if !withClient(false, { jack_transport_stop($0.handle); return true }) { lock.withLock { resumeRolling = false } }
    }

    /// While no server runs the engine itself moves (its stand-in applies it).
    public func transportLocate(frame: Int64) {
        let sent = withClient(false) { jack_transport_locate($0.handle, jack_nframes_t(clamping: max(0, frame))); return true }
        if !sent, let engine = lock.withLock({ setup?.engine }) { engine.send(.locate(frame: max(0, frame))) }
    }

    // MARK: - Connections

    /// Control side: read our ports' connections again if JACK said they changed, so
    /// a server that goes away leaves them known.
    public func refreshConnections() {
        guard connectionsChanged.exchange(false, ordering: .relaxed) else { return }
        let now = withClient(nil) { Self.readConnections($0) }
        if let now { lock.withLock { knownConnections = now } }
    }

    /// While no server runs: connections asked for join those kept for the next one
    /// (as on a server, where existing connections stay).
    func remember(_ connections: [String: [String]]) {
        lock.withLock { knownConnections.merge(connections, uniquingKeysWith: Self.union) }
    }

    /// Two lists of port names as one, each name once.
    static func union(_ a: [String], _ b: [String]) -> [String] { Array(Set(a + b)).sorted() }

    var knownConnectionsNow: [String: [String]] {
        lock.withLock { knownConnections.merging(_waiting, uniquingKeysWith: Self.union) }
    }

    var waitingConnections: [String: [String]] {
        get { lock.withLock { _waiting } }
        set { lock.withLock { _waiting = newValue } }
    }
}
