import Atomics
import Control
import Engine
import Foundation
import JACKHost
import Logging
import OSC
import ServiceLifecycle

/// What the engine service says about the audio: the server went (and why), or one
/// is back and the engine plays on it.
enum AudioChange: Sendable {
    case lost(String)
    case back(rate: Int, period: Int, afterSeconds: Double)
}

/// The JACK client's control side: a thread of its own that frees retired plans and
/// drains cycle timings and realtime events, asleep until there is work or a second
/// passes. When the server goes away the engine carries on without it (a stand-in
/// runs it, so commands still change the state) and this thread looks for a server
/// four times a second — starting again the jackd dawg started, if that was the one
/// that died — and reopens the client on it.
final class EngineService: Service, @unchecked Sendable {
    // @unchecked Sendable: every member is Sendable or only touched by the loop thread.
    private let jack: JackHost
    private let monitor: JackMonitor
    private let launcher: JackdLauncher
    private let logger: Logger
    private let onChange: @Sendable (AudioChange) -> Void
    private let wake = Wakeup()
    private let stopping = ManagedAtomic(false)

    init(jack: JackHost, monitor: JackMonitor, launcher: JackdLauncher, logger: Logger,
         onChange: @escaping @Sendable (AudioChange) -> Void) {
        self.jack = jack
        self.monitor = monitor
        self.launcher = launcher
        self.logger = logger
        self.onChange = onChange
        jack.shutdownSignal = wake
    }

    func run() async throws {
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                await withCheckedContinuation { done in
                    Thread.detachNewThread {
                        self.housekeeping()
                        done.resume()
                    }
                }
            } onGracefulShutdown: { self.stop() }
        } onCancel: { self.stop() }
        jack.close()
    }

    private func stop() {
        stopping.store(true, ordering: .relaxed)
        wake.signal()
    }

    /// Passes in a row (a second apart) that saw no engine cycle while a server was
    /// there; at `stallLimit` the client is given up and opened again. Several passes,
    /// not a time: a dawg stopped and continued (SIGSTOP) sees one stale pass, not three.
    private var stalledPasses = 0
    private var lastCycles: UInt64 = 0
    private var lastLook = Date.distantPast
    static let stallLimit = 3
    /// A client just opened, and the engine's cycle count then, until its first cycle:
    /// a new client runs within a few periods or, in a process that had a client on a
    /// killed server, may never run at all (seen on jackd2); so it gets half a second.
    private var fresh: (at: Date, cycles: UInt64)?
    static let firstCycleLimit = 0.5

    /// Its own thread, until asked to stop.
    private func housekeeping() {
        var lostAt: Date?
        var lastFailure: String?
        while !stopping.load(ordering: .relaxed) {
            if lostAt == nil { watchForStall() }
            if lostAt == nil { watchFirstCycle() }
            if lostAt == nil, let reason = jack.shutdown {
                logger.error("the JACK server shut down: \(reason). The engine keeps its state and reconnects when a server is back.")
                jack.serverLost()
                lostAt = Date()
                lastFailure = nil
                onChange(.lost(reason))
            }
            if let since = lostAt {
                if launcher.restartIfDied() { logger.notice("the jackd dawg started has died; starting it again") }
                do {
                    try jack.reopen()
                    let seconds = Date().timeIntervalSince(since)
                    lostAt = nil
                    let period = jack.bufferSize.load(ordering: .relaxed)
                    logger.notice("reconnected to JACK (\(jack.sampleRate) Hz, \(period) frames) after \(String(format: "%.1f", seconds)) s")
                    onChange(.back(rate: jack.sampleRate, period: period, afterSeconds: seconds))
                    fresh = jack.engine.map { (Date(), $0.published.cycles.load(ordering: .relaxed)) }
                } catch {
                    let text = "\(error)"
                    if text != lastFailure { logger.warning("no JACK server to go back to yet: \(text)") }
                    lastFailure = text
                }
            }
            jack.connectWaiting()
            jack.refreshConnections()
            if let engine = jack.engine { drain(engine) }
            wake.wait(nanoseconds: lostAt != nil ? 250_000_000 : fresh != nil ? 100_000_000 : 1_000_000_000)
        }
    }

    /// The loop thread: JACK can leave a client uncalled (seen after a server was
    /// killed and another started); the engine then hears nothing and says nothing.
    private func watchForStall() {
        // A pass woken early (a connection changed) is no second of silence.
        guard let engine = jack.engine, Date().timeIntervalSince(lastLook) >= 0.9 else { return }
        lastLook = Date()
        let cycles = engine.published.cycles.load(ordering: .relaxed)
        stalledPasses = cycles == lastCycles ? stalledPasses + 1 : 0
        lastCycles = cycles
        if stalledPasses >= Self.stallLimit {
            stalledPasses = 0
            logger.error("JACK has not called the engine for \(Self.stallLimit) s although the server is there; opening the client again")
            jack.abandon("the process callback stopped being called")
        }
    }

    /// The loop thread: a client opened again that JACK has not called once within
    /// `firstCycleLimit` is opened again at once, rather than after the stall watch's
    /// seconds.
    private func watchFirstCycle() {
        guard let f = fresh, let engine = jack.engine else { return }
        if engine.published.cycles.load(ordering: .relaxed) != f.cycles {
            fresh = nil
        } else if Date().timeIntervalSince(f.at) >= Self.firstCycleLimit {
            fresh = nil
            logger.error("JACK has not called the new client within \(Self.firstCycleLimit) s; opening it again")
            jack.abandon("the process callback was never called")
        }
    }

    /// The loop thread: free retired plans, take the cycle timings and log what the
    /// process thread reported.
    private func drain(_ engine: EngineHandle) {
        engine.collectRetired()
        monitor.drain()
        var starved: [Int32: Int] = [:]  // meter slot → frames, logged once a pass
        engine.drainEvents { event in
            switch event {
            case .oversizedCycle(let frames): logger.warning("a \(frames)-frame cycle is longer than the engine takes; it was silenced")
            case .pendingOverflow: logger.warning("too many time-tagged changes waiting: one was applied early")
            case .lateCommand: logger.debug("process thread: \(event)")
            case let .overrun(slot, samples): starved[slot, default: 0] += Int(samples)
            }
        }
        for (slot, frames) in starved {
            logger.warning("the strip on meter slot \(slot) lost \(frames) frames to a ring the disk did not keep up with (a stream played silence, or a recording dropped frames)")
        }
    }
}

/// OSC over UDP and TCP: its threads run from `run` until the group shuts down; then
/// it stops taking packets and lets the jobs already started (file loads) finish.
struct OSCService: Service {
    let server: OSCServer
    let router: OSCRouter

    func run() async throws {
        server.start(router: router)
        try? await gracefulShutdown()
        server.stop()
        router.drainJobs()
    }
}

/// The recorder's disk writer. On shutdown it turns record off, lets the taps close
/// their passes, then drains the rings and closes every take.
struct RecorderService: Service {
    let writer: DiskWriter
    let session: Session

    func run() async throws {
        writer.start()
        try? await gracefulShutdown()
        try? session.enableRecording(false)
        try? await Task.sleep(for: .milliseconds(100))  // a few cycles: the taps end their passes
        writer.stop()
    }
}

/// The disk reader behind streamed file tracks.
struct StreamService: Service {
    let reader: StreamReader

    func run() async throws {
        reader.start()
        try? await gracefulShutdown()
        reader.stop()
    }
}

/// Meters and transport to subscribers, on a thread that sleeps while nobody listens.
struct FeedbackService: Service {
    let hub: FeedbackHub

    func run() async throws {
        hub.start()
        try? await gracefulShutdown()
        hub.stop()
    }
}

struct PitchFeedbackService: Service {
    let pitch: PitchFeedback

    func run() async throws {
        pitch.start()
        try? await gracefulShutdown()
        pitch.stop()
    }
}

/// The metrics sampler's thread, for the service group's lifetime.
struct SamplerService: Service {
    let sampler: MetricsSampler

    func run() async throws {
        sampler.start()
        try? await gracefulShutdown()
        sampler.stop()
    }
}

/// Says dawg is ready, from inside the running group: the group traps SIGINT and
/// SIGTERM before it starts any service, so a script that signals dawg as soon as it
/// reads the line gets a clean shutdown, not a process killed by the signal.
struct ReadyService: Service {
    /// What must be up first (the HTTP port).
    let after: ReadyGate?
    let line: String

    func run() async throws {
        await after?.wait()
        // Unbuffered, so scripts waiting for this line see it at once.
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
        try? await gracefulShutdown()
    }
}
