/// Who sent a request: where replies and feedback go.
public struct OSCClient: Hashable, Sendable, CustomStringConvertible {
    public var host: String
    public var port: String
    /// TCP (a stream): replies must travel on the connection, during the request.
    public var isStream: Bool
    /// A WebSocket page (its connection's number in `port`): messages go as JSON.
    public var isWebSocket: Bool

    public init(host: String, port: String, isStream: Bool, isWebSocket: Bool = false) {
        self.host = host
        self.port = port
        self.isStream = isStream || isWebSocket
        self.isWebSocket = isWebSocket
    }

    public var description: String { "\(isWebSocket ? "ws" : isStream ? "tcp" : "udp")://\(host):\(port)" }
}

/// Sends messages to a client outside a request (job results, feedback).
public protocol OSCSender: Sendable {
    func send(_ messages: [OSCMessage], to client: OSCClient)
    /// The same messages to many (feedback): a sender may encode them once.
    func send(_ messages: [OSCMessage], to clients: [OSCClient])
    /// A tick of periodic feedback (meters, position) to many: the next tick says it
    /// again, so a sender may skip a client that is not keeping up.
    func sendPeriodic(_ messages: [OSCMessage], to clients: [OSCClient])
}

extension OSCSender {
    public func send(_ messages: [OSCMessage], to clients: [OSCClient]) {
        for client in clients { send(messages, to: client) }
    }

    public func sendPeriodic(_ messages: [OSCMessage], to clients: [OSCClient]) {
        send(messages, to: clients)
    }
}

/// Engine figures `/status` and `/stats` report, supplied by the host (JACK) side.
public struct EngineStatus: Sendable {
    public var sampleRate: Double
    public var period: Int
    /// Percent of the period JACK spends processing (jack_cpu_load).
    public var dspLoad: Float
    public var xruns: Int
    public var uptime: Double
    /// Why no JACK server runs the engine now (it went away; dawg is reconnecting);
    /// nil while audio flows.
    public var audioDown: String?
    /// Process callbacks timed since the last reset, and their duration percentiles (µs).
    public var callbacks: Int = 0
    public var callbackP50: Double = 0
    public var callbackP99: Double = 0
    public var callbackMax: Double = 0
    /// Xruns since the last reset.
    public var recentXruns: Int = 0
    /// How late the callback started after the server's cycle start (µs), p99 and max.
    public var wakeP99: Double = 0
    public var wakeMax: Double = 0
    /// Latest callback end after the cycle start (µs); beyond the period is late.
    public var finishMax: Double = 0
    /// Cycles that ended after their period was over, or that the server ran without the
    /// engine: the engine's own share of xruns.
    public var lateCycles: Int = 0

    public init(sampleRate: Double, period: Int, dspLoad: Float, xruns: Int, uptime: Double) {
        self.sampleRate = sampleRate
        self.period = period
        self.dspLoad = dspLoad
        self.xruns = xruns
        self.uptime = uptime
    }
}

/// The host's view of the running engine, for `/status` and `/stats`.
public protocol EngineMonitor: Sendable {
    func status() -> EngineStatus
    /// Start a new measurement window for the callback statistics.
    func resetStatistics()
}
