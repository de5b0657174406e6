import ArgumentParser
import AudioFiles
import Atomics
import Control
import Engine
import Foundation
import JACKHost
import Logging
import OSC
import ServiceLifecycle
import Store

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the engine as a JACK client, controlled over OSC.",
        discussion: "Starts a dummy-backend jackd when no JACK server is running, and stops it on exit."
    )

    @Option(name: .customLong("jack-server"), help: "JACK server name (default: $JACK_DEFAULT_SERVER, else the default server).")
    var jackServer: String?

    @Option(name: .customLong("client-name"), help: "JACK client name.")
    var clientName = "dawg"

    @Option(help: "Patch to load (default: patches/default.json in the project directory, if present).")
    var patch: String?

    @Option(name: .customLong("project-dir"), help: "Directory that holds the project's files; paths sent over OSC stay inside it.")
    var projectDir = FileManager.default.currentDirectoryPath

    @Option(name: .customLong("osc-port"), help: "OSC port, UDP and TCP.")
    var oscPort = 9000

    @Option(name: .customLong("http-port"), help: "HTTP port for /health.")
    var httpPort = 9001

    @Option(help: "Capture ports (in_1 … in_N).")
    var inputs = 2

    @Option(help: "Address to listen on (OSC and HTTP). Beyond this machine the page and its WebSocket need a token (OSC has no authentication: keep it on trusted networks).")
    var bind = "127.0.0.1"

    @Option(help: "The token the page and its WebSocket need (default: made up at start when --bind is not a loopback address, and printed on the ready line).")
    var token: String?

    @Flag(name: .customLong("no-jack-transport"), help: "Keep the engine's transport to itself instead of driving and following JACK transport.")
    var noJackTransport = false

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel = "info"

    @Flag(name: .customLong("no-lock-memory"), help: "Do not lock dawg's memory in RAM (mlockall).")
    var noLockMemory = false

    @Option(name: .customLong("record-format"), help: "Takes' file format: wav-float (RF64 past 4 GB), wav-24, flac-24 or flac-16.")
    var recordFormat = RecordFormat.wavFloat.rawValue

    @Option(name: .customLong("record-buffer"), help: "Seconds of audio each armed input's ring holds for the disk writer.")
    var recordBuffer = 5.0

    @Option(name: .customLong("store"), help: "The project store (SQLite); default dawg.sqlite in the project directory.")
    var store: String?

    @Option(name: .customLong("stream-threshold"), help: "Files longer than this many seconds stream from disk instead of being decoded whole.")
    var streamThreshold = 30.0

    @Option(name: .customLong("record-throttle-ms"), help: .hidden)
    var recordThrottle = 0.0

    @Option(name: .customLong("metrics-interval"), help: "Seconds between the samples of the engine's figures kept in the project store.")
    var metricsInterval = 10.0

    @Option(name: .customLong("metrics-retention"), help: "Hours the samples are kept.")
    var metricsRetention = 168.0

    /// Tests: the stream reader answers each new position this late (a slow disk).
    @Option(name: .customLong("stream-delay-ms"), help: .hidden)
    var streamDelay = 0.0

    func validate() throws {
        guard (1...65535).contains(oscPort), (1...65535).contains(httpPort) else { throw ValidationError("ports must be from 1 to 65535") }
        guard oscPort != httpPort else { throw ValidationError("--osc-port and --http-port must differ") }
        guard (0...256).contains(inputs) else { throw ValidationError("--inputs must be from 0 to 256") }
        guard metricsInterval >= 0.1 && metricsInterval <= 3600 else { throw ValidationError("--metrics-interval must be 0.1 … 3600 s") }
        guard metricsRetention > 0 && metricsRetention <= 24 * 3650 else { throw ValidationError("--metrics-retention must be over 0 and at most ten years, in hours") }
        if let token {
            guard token.count >= 8, token.count <= 256, token.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.~".contains($0)) }) else {
                throw ValidationError("--token must be 8 … 256 letters, digits or - _ . ~")
            }
        }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("unknown --log-level \(logLevel)") }
        guard RecordFormat(rawValue: recordFormat) != nil else {
            throw ValidationError("unknown --record-format \(recordFormat); one of \(RecordFormat.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard recordBuffer.isFinite, (0.01...60).contains(recordBuffer) else { throw ValidationError("--record-buffer must be from 0.01 to 60 seconds") }
        guard streamThreshold.isFinite, streamThreshold >= 0 else { throw ValidationError("--stream-threshold must be 0 or more seconds") }
        guard recordThrottle.isFinite, (0...10_000).contains(recordThrottle) else { throw ValidationError("--record-throttle-ms must be from 0 to 10000") }
        guard streamDelay.isFinite, (0...10_000).contains(streamDelay) else { throw ValidationError("--stream-delay-ms must be from 0 to 10000") }
    }

    func run() async throws {
        LoggingSystem.bootstrap { label in
            var h = StreamLogHandler.standardError(label: label)
            h.logLevel = Logger.Level(rawValue: logLevel) ?? .info
            return h
        }
        let logger = Logger(label: "dawg")
        if !noLockMemory { MemoryLock.lock(logger: logger) }
        let server = jackServer ?? ProcessInfo.processInfo.environment["JACK_DEFAULT_SERVER"]

        let launcher = JackdLauncher(logger: logger)
        let jack = try connect(server: server, launcher: launcher, logger: logger)
        let engine = EngineHandle(config: EngineConfig(sampleRate: Double(jack.sampleRate), inputs: inputs))
        let paths = try ProjectPaths(directory: projectDir)
        let writer: DiskWriter
        do {
            writer = try makeRecorder(paths: paths, sampleRate: jack.sampleRate, jack: jack, logger: logger)
        } catch {
            jack.close()
            launcher.stop()
            throw StartupError("cannot open the project store: \(error)")
        }
        let streamer = StreamReader(logger: logger, answerDelay: streamDelay / 1000)
        let session = Session(
            engine: engine, paths: paths, logger: logger,
            transport: noJackTransport ? nil : JackTransport(host: jack), connections: JackConnections(host: jack), midiPorts: JackMIDIPorts(host: jack),
            recorder: writer, recordRingFrames: Int(recordBuffer * Double(jack.sampleRate)),
            streamer: streamer, streamThreshold: streamThreshold
        )
        writer.latency { [weak session] source in
            guard case .track(let id) = source, let port = session?.inputPort(track: id) else { return 0 }
            return Int64(jack.recordingLatency(input: port - 1))
        }
        try jack.start(engine: engine, inputs: inputs, followTransport: !noJackTransport)

        if let path = patchToLoad(session) {
            do {
                for warning in try session.loadPatch(from: path) { logger.warning("patch \(path): \(warning)") }
            } catch {
                jack.close()
                launcher.stop()
                throw StartupError("cannot load patch \(path): \(error)")
            }
        }

        // A server back at another rate gets an engine of its own, the state moved onto it.
        let engineInputs = inputs
        jack.engineMover = .init(
            make: { EngineHandle(config: EngineConfig(sampleRate: Double($0), inputs: engineInputs)) },
            adopt: { [weak session] in session?.moveEngine(to: $0) })
        let monitor = JackMonitor(jack: jack)
        let metrics = EngineMetrics()
        monitor.metrics = metrics
        let osc = try OSCServer(host: bind, port: oscPort, logger: logger)  // bound now: packets queue until it runs
        let feedback = FeedbackHub(session: session, sender: osc)
        let recorderFeedback = RecorderFeedback(feedback: feedback, sender: osc)
        let pitchFeedback = PitchFeedback(session: session, hub: feedback)
        let takeQueue = DispatchQueue(label: "dawg.takes")  // in order, off the writer's thread
        writer.onEvent { [weak session] event in
            recorderFeedback.handle(event)
            if case .finished(let take) = event, let session {
                takeQueue.async {
                    session.takeFinished(take)
                    // It became its track's active take: pages and surfaces hear it as they
                    // hear /track/<id>/take.
                    if case .track(let id) = take.source, let n = try? session.activeTake(track: id) {
                        feedback.broadcast([OSCMessage("/track/\(id)/take", [.int(Int32(n))])])
                    }
                    pitchFeedback.takeScores.finished(take, session: session, hub: feedback)
                }
            }
        }
        let router = OSCRouter(session: session, sender: osc, feedback: feedback, monitor: monitor, logger: logger, recorder: recorderFeedback,
                               observe: { metrics.handled($0, failed: $1) })
        pitchFeedback.onLatency = { metrics.pitchLatency.recordNanoseconds($0) }
        // The ready line waits for the HTTP port: a script that reads it may scrape at once.
        let httpBound = ReadyGate()
        let webSocket = WebSocketBridge()
        webSocket.router = router
        osc.webSockets = webSocket
        let pageToken = token ?? (AccessToken.isLoopback(bind) ? nil : AccessToken.make())
        let pageFolder = ShippedFolder.find("web", containing: "index.html", environment: "DAWG_WEB", projectDirectory: projectDir)
        let pageHost = bind == "0.0.0.0" || bind == "::" ? (ProcessInfo.processInfo.hostName) : bind
        let pageAddress = "http://\(pageHost.contains(":") ? "[\(pageHost)]" : pageHost):\(httpPort)/" + (pageToken.map { "?token=\($0)" } ?? "")
        let connections = OpenConnections()
        let health = HealthServer(host: bind, port: httpPort, report: {
            let report = HealthReport.make(jack: jack, monitor: monitor, session: session)
            return (report.status == "ok", report.json)
        }, metrics: {
            metrics.scrape(ScrapeSources(session: session, monitor: monitor))
        }, bound: httpBound, webSocket: webSocket, pageFolder: pageFolder, pageData: PageData(paths: paths), token: pageToken,
           connections: connections).makeApplication()

        // One group; SIGINT and SIGTERM shut it down gracefully, in reverse order: the
        // ready line's service, HTTP, feedback, OSC, then the engine (which closes the
        // JACK client). JACK going away ends nothing: the engine service reconnects.
        let whenDone = ServiceGroupConfiguration.ServiceConfiguration.TerminationBehavior.gracefullyShutdownGroup
        let configuration = ServiceGroupConfiguration(
            services: [
                .init(service: EngineService(jack: jack, monitor: monitor, launcher: launcher, logger: logger) { change in
                          Serve.audioChanged(change, session: session, feedback: feedback, logger: logger)
                      },
                      successTerminationBehavior: whenDone, failureTerminationBehavior: whenDone),
                .init(service: RecorderService(writer: writer, session: session)),
                .init(service: StreamService(reader: streamer)),
                .init(service: OSCService(server: osc, router: router)),
                .init(service: FeedbackService(hub: feedback)),
                .init(service: PitchFeedbackService(pitch: pitchFeedback)),
                .init(service: SamplerService(sampler: MetricsSampler(
                    metrics: metrics, sources: ScrapeSources(session: session, monitor: monitor), store: writer.store,
                    interval: metricsInterval, retention: metricsRetention * 3600, logger: logger))),
                .init(service: health),
                .init(service: ConnectionClosingService(connections: connections)),
                .init(service: ReadyService(after: httpBound, line: "dawg: ready: JACK client \(jack.clientName) on server \(server ?? "default") at \(jack.sampleRate) Hz, "
                    + "\(jack.bufferSize.load(ordering: .relaxed)) frames; OSC udp+tcp \(bind):\(oscPort); HTTP \(bind):\(httpPort); page \(pageAddress)")),
            ],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        )
        let group = ServiceGroup(configuration: configuration)

        try await group.run()
        launcher.stop()
        logger.info("stopped")
    }

    /// The engine service's thread: the server went, or one is back. Takes end where the
    /// audio did (a take of the stand-in's silence would be no take), and subscribers
    /// hear `/audio down <reason>` and `/audio up <rate> <period>`.
    static func audioChanged(_ change: AudioChange, session: Session, feedback: FeedbackHub, logger: Logger) {
        switch change {
        case .lost(let reason):
            if session.engine.published.recording.load(ordering: .relaxed) {
                logger.warning("recording stopped: the JACK server went away")
                try? session.enableRecording(false)
            }
            feedback.broadcast([OSCMessage("/audio", [.string("down"), .string(reason)])])
        case let .back(rate, period, _):
            feedback.broadcast([OSCMessage("/audio", [.string("up"), .int(Int32(rate)), .int(Int32(period))])])
        }
    }

    /// Connect to JACK, starting a dummy-backend jackd when no server runs.
    func connect(server: String?, launcher: JackdLauncher, logger: Logger) throws -> JackHost {
        do {
            return try JackHost(clientName: clientName, serverName: server, logger: logger)
        } catch let e as JackError where e.noServer {
            logger.notice("no JACK server \(server ?? "default") is running; starting one with the dummy backend")
            try launcher.start(serverName: server, sampleRate: 48000, period: 256)
            for _ in 0..<100 {
                usleep(100_000)
                if let host = try? JackHost(clientName: clientName, serverName: server, logger: logger) { return host }
                if !launcher.isRunning { break }
            }
            launcher.stop()
            throw StartupError("jackd did not start (try it by hand: jackd -r -d dummy)")
        }
    }

    /// The project store (takes left open by a crash are closed first) and the disk
    /// writer over it, aligning takes by the JACK latency of each input.
    func makeRecorder(paths: ProjectPaths, sampleRate: Int, jack: JackHost, logger: Logger) throws -> DiskWriter {
        let name = (paths.root as NSString).lastPathComponent
        let store = try ProjectStore(directory: paths.root, name: name, path: store.map { try paths.resolve($0, mustExist: false) })
        _ = try TakeRecovery.run(store: store, root: paths.root, logger: logger)
        let interrupted = try store.interruptUnfinishedJobs()
        if interrupted > 0 { logger.warning("\(interrupted) jobs were left unfinished by an engine that stopped; marked interrupted") }
        var options = DiskWriter.Options()
        options.format = RecordFormat(rawValue: recordFormat)!
        options.throttle = recordThrottle / 1000
        return DiskWriter(store: store, paths: paths, sampleRate: sampleRate, options: options, logger: logger)
    }

    func patchToLoad(_ session: Session) -> String? {
        if let patch { return patch }
        let fallback = "patches/default.json"
        return (try? session.paths.resolve(fallback, mustExist: true)) != nil ? fallback : nil
    }
}
