import Atomics
import Control
import Engine
import Foundation
import JACKHost
import Logging
import OSC
import ServiceLifecycle

/// JACK went away under the engine; the group shuts down and dawg exits with status 3.
struct JackGone: Error, CustomStringConvertible {
    let reason: String
    var description: String { "the JACK server shut down: \(reason)" }
}

/// The JACK client's control side: a thread of its own that frees retired plans and
/// drains cycle timings and realtime events, asleep until there is work or a second
/// passes. It ends when the group shuts down (closing the client) or when JACK goes
/// away (throwing `JackGone`, so the group shuts the other services down).
final class EngineService: Service, @unchecked Sendable {
    // @unchecked Sendable: every member is Sendable or only touched by the loop thread.
    private let jack: JackHost
    private let engine: EngineHandle
    private let monitor: JackMonitor
    private let logger: Logger
    private let wake = Wakeup()
    private let stopping = ManagedAtomic(false)

    init(jack: JackHost, engine: EngineHandle, monitor: JackMonitor, logger: Logger) {
        self.jack = jack
        self.engine = engine
        self.monitor = monitor
        self.logger = logger
        jack.shutdownSignal = wake
    }

    func run() async throws {
        let failure: String? = await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                await withCheckedContinuation { done in
                    Thread.detachNewThread { done.resume(returning: self.housekeeping()) }
                }
            } onGracefulShutdown: { self.stop() }
        } onCancel: { self.stop() }
        if let failure { throw JackGone(reason: failure) }
        jack.close()
    }

    private func stop() {
        stopping.store(true, ordering: .relaxed)
        wake.signal()
    }

    /// Its own thread: returns why JACK went away, or nil when asked to stop.
    private func housekeeping() -> String? {
        while !stopping.load(ordering: .relaxed) {
            if let reason = jack.shutdown { return reason }
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
            wake.wait(nanoseconds: 1_000_000_000)
        }
        return nil
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
    let line: String

    func run() async throws {
        // Unbuffered, so scripts waiting for this line see it at once.
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
        try? await gracefulShutdown()
    }
}
