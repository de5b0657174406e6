import Engine
import Store

/// Recording: arming input tracks, record enable, punch range, and the takes the
/// store keeps. The realtime side only copies armed inputs into rings while record is
/// enabled and the transport rolls; the `DiskWriter` makes the takes.
extension Session {
    /// Arm or disarm an input track. The first arm makes the track's tap and its rings
    /// (seconds of audio, allocated and touched here, not on the process thread).
    public func arm(track id: Int, _ on: Bool) throws {
        try locked {
            let i = try trackIndex(id)
            guard recorder != nil else { throw ControlError("recording needs the project store (this engine runs without one)") }
            guard patch.tracks[i].input != nil else {
                throw ControlError("track \(id) plays a file; only input tracks can be armed")
            }
            patch.tracks[i].armed = on
            syncTap(id)
            refreshInputSource(id)
        }
    }

    /// Session lock held: make the track's tap if it is armed and has none; tell the
    /// tap its arm state.
    func syncTap(_ id: Int) {
        guard let t = patch.tracks.first(where: { $0.id == id }), t.input != nil, let n = graph[.track(id)] else { return }
        setTap(n, armed: t.armed, channels: 1)
    }

    /// Session lock held: arm or disarm the strip's tap, making it (and its rings, for
    /// the disk writer) on the first arm; a tap once made stays, disarmed.
    func setTap(_ n: StripNodes, armed: Bool, channels: Int) {
        if n.recordTap == nil, armed, let recorder {
            let stream = RecordStream(channels: channels, frames: recordRingFrames)
            n.recordStream = stream
            n.recordTap = RecordTap.node(stream: stream, armed: true, meterSlot: n.meterSlot)
            recorder.add(stream, for: Self.takeSource(n.ref))
            pushGraph()
        } else if let tap = n.recordTap {
            set(tap, RecordTap.Parameter.armed.rawValue, [armed ? 1 : 0])
        }
    }

    /// Session lock held: the strip's tap (if any) is going away with its nodes.
    func retireTap(_ ref: StripRef) {
        if let stream = graph[ref]?.recordStream { recorder?.retire(stream) }
    }

    /// Under the lock: the strip records no more (its tap retired and dropped).
    func removeTap(_ ref: StripRef) {
        retireTap(ref)
        graph[ref]?.recordTap = nil
        graph[ref]?.recordStream = nil
    }

    /// The capture port (from 1) an input track plays, if it is one.
    public func inputPort(track id: Int) -> Int? {
        locked { patch.tracks.first { $0.id == id }?.input }
    }

    public func isArmed(track id: Int) throws -> Bool {
        try locked { patch.tracks[try trackIndex(id)].armed }
    }

    /// Bounce a bus or the master: while on, record enable and the transport record its
    /// post-fader output (two channels) as takes of its own (`takes/bus-<id>/`,
    /// `takes/master/`). Not saved in patches.
    public func bounce(_ ref: StripRef, _ on: Bool) throws {
        try locked {
            if case .track = ref { throw ControlError("a track records by arming it, not as a bounce") }
            guard recorder != nil else { throw ControlError("recording needs the project store (this engine runs without one)") }
            guard let n = graph[ref] else { throw ControlError.unknownStrip("\(ref)") }
            if on { bounces.insert(ref) } else { bounces.remove(ref) }
            setTap(n, armed: on, channels: 2)
        }
    }

    public func isBounced(_ ref: StripRef) -> Bool { locked { bounces.contains(ref) } }

    public static func takeSource(_ ref: StripRef) -> TakeSource {
        switch ref {
        case .master: .master
        case .track(let id): .track(id)
        case .bus(let id): .bus(id)
        }
    }

    /// The takes of a bounce, in number order.
    public func takes(bounce ref: StripRef) throws -> [TakeRecord] {
        guard let store = recorder?.store else { return [] }
        return try store.takes(Self.takeSource(ref))
    }

    /// Record enable, and the transport rolling: takes begin on every armed track.
    public func startRecording() throws {
        try enableRecording(true)
        play()
    }

    /// Record enable on or off; with it on, the transport starting starts takes and
    /// stopping it ends them. Turning it on with nothing armed is refused.
    public func enableRecording(_ on: Bool) throws {
        try locked {
            if on {
                guard recorder != nil else { throw ControlError("recording needs the project store (this engine runs without one)") }
                guard patch.tracks.contains(where: { $0.armed }) || !bounces.isEmpty else {
                    throw ControlError("no track is armed and no bounce is on")
                }
            }
            recordEnabled = on
            send(.record(on))
        }
    }

    public var isRecordEnabled: Bool { locked { recordEnabled } }

    /// Record only between `from` and `to` seconds on the timeline.
    public func punch(from: Double, to: Double) throws {
        let a = engine.frames(seconds: try Validate.seconds(from, "punch in"))
        let b = engine.frames(seconds: try Validate.seconds(to, "punch out"))
        guard b > a else { throw ControlError("punch out (\(to) s) must come after punch in (\(from) s)") }
        locked {
            punchRange = (a, b)
            send(.punch(in: a, out: b))
        }
    }

    /// Record everywhere again.
    public func clearPunch() {
        locked {
            punchRange = nil
            send(.punch(in: .min, out: .max))
        }
    }

    /// The punch range in timeline frames, if one is set.
    public var punch: (Int64, Int64)? { locked { punchRange } }

    /// The takes of an input track, in number order.
    public func takes(track id: Int) throws -> [TakeRecord] {
        _ = try locked { try trackIndex(id) }
        guard let store = recorder?.store else { return [] }
        return try store.takes(.track(id))
    }
}
