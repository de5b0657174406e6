import CShim
import Control
import DSP
import Engine
import Foundation

/// Feedback subscribers and what they are sent: meters and the transport position at
/// each subscriber's rate, and every state change as it happens.
///
/// Runs its own thread; reads the engine's published atomics, never its memory. Every
/// subscriber's periodic feedback is sent from that thread — OSC surfaces' and pages'
/// alike (the WebSocket bridge writes pages' frames on the calling thread), so a tick
/// wakes one thread.
public final class FeedbackHub: @unchecked Sendable {
    // @unchecked Sendable: `subscribers` and `lastPlaying` are touched only under `lock`,
    // `layout` only under `layoutLock`.
    public static let defaultRate = 30.0
    public static let maxSubscribers = 32

    struct Subscriber {
        let client: OSCClient
        var rate: Double
        var nextDue: UInt64
    }

    let session: Session
    private let sender: OSCSender
    private let lock = ControlLock()
    /// A list, not a dictionary: at most `maxSubscribers`, and each tick updates them
    /// in place without copying anything.
    private var subscribers: [Subscriber] = []
    private var lastPlaying: Bool?
    private var running = false
    /// Wakes the feedback thread: a new subscriber, or stop.
    private let wake = Wakeup()
    /// The strips' meters and loudness meters with their addresses, as of graph
    /// `version`: asked of the session only when the graph changed, not at every tick.
    private var layout = Layout()
    private let layoutLock = NSLock()

    struct Layout {
        var version = -1
        var meters: [(address: String, slot: Int)] = []
        var loudness: [(address: String, meter: LiveLoudness)] = []
    }

    public init(session: Session, sender: OSCSender) {
        self.session = session
        self.sender = sender
    }

    public var subscriberCount: Int { lock.withLock { subscribers.count } }

    func subscribe(_ client: OSCClient, rate: Double) throws {
        try lock.withLock {
            if !subscribers.contains(where: { $0.client == client }) && subscribers.count >= Self.maxSubscribers {
                throw ControlError("too many subscribers (the limit is \(Self.maxSubscribers))")
            }
        }
        lock.withLock {
            subscribers.removeAll { $0.client == client }
            subscribers.append(Subscriber(client: client, rate: rate, nextDue: 0))
        }
        wake.signal()
    }

    public func unsubscribe(_ client: OSCClient) {
        lock.withLock { subscribers.removeAll { $0.client == client } }
    }

    /// Send `messages` to every subscriber (but `except`) now.
    public func broadcast(_ messages: [OSCMessage], except: OSCClient? = nil) {
        let targets = lock.withLock { subscribers.map(\.client) }
        sender.send(messages, to: targets.filter { $0 != except })
    }

    /// Send `messages` to every subscriber now, but `datagram` instead to those over
    /// UDP: for what may not fit in one datagram.
    public func broadcast(_ messages: [OSCMessage], datagram: [OSCMessage]) {
        let targets = lock.withLock { subscribers.map(\.client) }
        sender.send(messages, to: targets.filter(\.isStream))
        sender.send(datagram, to: targets.filter { !$0.isStream })
    }

    /// Start the feedback thread. With no subscriber it sleeps until one arrives (or
    /// 100 ms, to keep the loudness meters' integration going, while any is on); with
    /// some, until the next one is due, and at least every 20 ms to catch a transport
    /// change made by another JACK client.
    public func start() {
        lock.withLock { running = true }
        let t = Thread { [weak self] in
            ThreadName.set("dawg.feedback")
            while let self, self.lock.withLock({ self.running }) {
                let wait = self.tick(now: dawg_monotonic_ns())
                let idle = self.subscriberCount == 0
                self.wake.wait(nanoseconds: !idle ? min(max(wait, 1_000_000), 20_000_000)
                    : self.currentLayout().loudness.isEmpty ? nil : 100_000_000)
            }
        }
        t.name = "dawg.feedback"
        t.start()
    }

    public func stop() {
        lock.withLock { running = false }
        wake.signal()
    }

    /// Send what is due at `now`; returns nanoseconds until the next send is due.
    @discardableResult
    func tick(now: UInt64) -> UInt64 {
        for (_, meter) in currentLayout().loudness { meter.drain() }
        pollTransport()
        let (due, wait): ([OSCClient], UInt64) = lock.withLock {
            var due: [OSCClient] = []
            var wait = UInt64(50_000_000)
            for i in subscribers.indices {
                if now >= subscribers[i].nextDue {
                    due.append(subscribers[i].client)
                    subscribers[i].nextDue = Self.nextTick(after: now, rate: subscribers[i].rate)
                }
                let next = subscribers[i].nextDue
                wait = min(wait, next > now ? next - now : 0)
            }
            return (due, wait)
        }
        if !due.isEmpty { sender.sendPeriodic(periodicMessages(), to: due) }
        return wait
    }

    /// The first tick after `now` (nanoseconds) on the grid of `rate`'s period: on a
    /// grid, so subscribers at one rate share each tick and its messages are made and
    /// encoded once for them all.
    static func nextTick(after now: UInt64, rate: Double) -> UInt64 {
        nextTick(after: now, period: UInt64(1e9 / rate))
    }

    static func nextTick(after now: UInt64, period: UInt64) -> UInt64 { (now / period + 1) * period }

    /// The feedback thread: what a subscriber gets at each of its ticks — meters,
    /// loudness, the transport's position and the recorder's state.
    func periodicMessages() -> [OSCMessage] {
        let layout = currentLayout()
        return meterMessages(layout) + loudnessMessages(layout.loudness)
            + [OSCMessage("/transport/position", [.float(Float(session.transportState.seconds))])] + recorderMessages()
    }

    /// Any thread: tell everyone if the transport started or stopped since last asked
    /// (another JACK client may have done it). The hub asks at its ticks.
    func pollTransport() {
        let playing = session.engine.published.playing.load(ordering: .relaxed)
        let changed = lock.withLock {
            defer { lastPlaying = playing }
            return lastPlaying != nil && lastPlaying != playing
        }
        if changed {
            let t = session.transportState
            broadcast([OSCMessage("/transport/state", [.int(t.playing ? 1 : 0), .float(Float(t.seconds))])])
        }
    }

    /// `/loudness/<id> <momentary> <short-term> <integrated LUFS> <true peak dBTP>` for
    /// every metered strip, the master last; a value there is none of yet (silence, or
    /// less than 400 ms / 3 s of signal) reads −120 as the meters' floor does.
    func loudnessMessages(_ meters: [(address: String, meter: LiveLoudness)]) -> [OSCMessage] {
        meters.map { address, meter in
            let r = meter.reading()
            func reading(_ v: Double?) -> OSCValue { .float(Float(max(-120, v ?? -120))) }
            return OSCMessage(address, [reading(r.momentary), reading(r.shortTerm), reading(r.integrated), reading(r.truePeak)])
        }
    }

    /// While anything is armed or bounced: `/record/status i:enabled f:elapsed_s` (the
    /// longest take open now; 0 between takes) and `/record/fill <track> f:percent`
    /// for each tap's ring (how far the disk writer is behind).
    func recorderMessages() -> [OSCMessage] {
        guard let writer = session.recorder else { return [] }
        let fills = writer.ringFill()
        guard !fills.isEmpty else { return [] }
        let elapsed = writer.openTakeSeconds()
        return [OSCMessage("/record/status", [.int(session.isRecordEnabled ? 1 : 0), .float(Float(elapsed))])]
            + fills.map { OSCMessage("/record/fill", [RecorderFeedback.id($0.0), .float(Float(100 * $0.1))]) }
    }

    /// `/meter/<id> <peak dBFS> <rms dBFS> <gain reduction dB>` for every strip, the
    /// master last.
    func meterMessages(_ layout: Layout) -> [OSCMessage] {
        let published = session.engine.published
        return layout.meters.map { strip in
            let m = published.meter(strip: strip.slot)
            return OSCMessage(strip.address, [
                .float(Decibels.meterReading(m.peak)), .float(Decibels.meterReading(m.rms)),
                .float(published.gainReduction(strip: strip.slot)),
            ])
        }
    }

    /// Any thread: the strips and meters, asked again of the session if the graph changed.
    private func currentLayout() -> Layout {
        layoutLock.withLock {
            let version = session.graphVersion
            if version != layout.version {
                layout = Layout(version: version,
                                meters: session.meteredStrips().map { ("/meter/\($0.id)", $0.slot) },
                                loudness: session.loudnessMeters().map { ("/loudness/\($0.id)", $0.meter) })
            }
            return layout
        }
    }
}
