extension Session {
    /// Start the transport. With a host transport (JACK) and no time, the request goes
    /// to the host and the engine follows it; a timed request goes to the engine, on
    /// its sample.
    public func play(at time: UInt64 = 0) {
        if let transportDriver, time == 0 { transportDriver.play() } else { locked { send(.play, at: time) } }
    }

    public func stop(at time: UInt64 = 0) {
        if let transportDriver, time == 0 { transportDriver.stop() } else { locked { send(.stop, at: time) } }
    }

    public func locate(seconds: Double, at time: UInt64 = 0) throws {
        let frame = engine.frames(seconds: try Validate.seconds(seconds, "position"))
        locked { primeStreams(at: frame, time: time) }
        if let transportDriver, time == 0 { transportDriver.locate(frame: frame) } else { locked { send(.locate(frame: frame), at: time) } }
    }

    /// Loop between `start` and `end` seconds; `end` must be after `start`.
    public func setLoop(start: Double, end: Double) throws {
        let start = try Validate.seconds(start, "loop start"), end = try Validate.seconds(end, "loop end")
        guard end > start else { throw ControlError("loop end (\(end)) must be after loop start (\(start))") }
        locked {
            patch.transport.loopStart = start
            patch.transport.loopEnd = end
            patch.transport.loop = true
            pushLoop()
        }
    }

    /// Set the tempo (beats per minute) tempo-synced processors follow.
    @discardableResult
    public func setTempo(_ bpm: Double, at time: UInt64 = 0) throws -> Double {
        let bpm = try Validate.tempo(bpm)
        locked {
            patch.transport.tempo = bpm
            send(.tempo(Float(bpm)), at: time)
        }
        return bpm
    }

    /// The tempo in use: the JACK timebase master's while one publishes it, else the
    /// one set here.
    public var tempo: Double {
        let p = engine.published
        return p.tempoFollowed.load(ordering: .relaxed) ? Double(p.tempo) : locked { patch.transport.tempo }
    }

    public func clearLoop() {
        locked {
            patch.transport.loop = false
            pushLoop()
        }
    }

    func pushLoop() {
        let t = patch.transport
        let start = engine.frames(seconds: t.loopStart), end = engine.frames(seconds: t.loopEnd)
        streamer?.setLoop(start: start, end: end, on: t.loop)  // the read-ahead wraps where the transport will
        send(.loop(start: start, end: end, enabled: t.loop))
        // What the streams read ahead followed the old loop: read again from here.
        primeStreams(at: engine.published.position.load(ordering: .relaxed), time: 0)
    }

    public var transportState: (playing: Bool, seconds: Double) {
        let p = engine.published
        return (p.playing.load(ordering: .relaxed), engine.seconds(frames: p.position.load(ordering: .relaxed)))
    }

    public var loop: (start: Double, end: Double, enabled: Bool) {
        locked { (patch.transport.loopStart, patch.transport.loopEnd, patch.transport.loop) }
    }
}
