import DSP

extension RealtimeCore {
    /// Process thread: take every command in the ring. Immediate ones (and ones whose
    /// time has passed) apply now; future ones wait in the pending table.
    #if RT_CHECKS
    @_noLocks
    #endif
    mutating func drainCommands() {
        while let timed = commands.pop() {
            if timed.time > clock {
                if pendingCount < pendingCapacity {
                    pending[pendingCount] = timed
                    pendingCount += 1
                    continue
                }
                published.pendingOverflows.wrappingIncrement(ordering: .relaxed)
                report(.pendingOverflow(time: timed.time))
            } else if timed.time != 0 && timed.time < clock {
                published.lateCommands.wrappingIncrement(ordering: .relaxed)
                report(.lateCommand(time: timed.time, clock: clock))
            }
            apply(timed.command)
        }
    }

    /// Apply, in time order (then arrival order), every pending command due at or before `time`.
    #if RT_CHECKS
    @_noLocks
    #endif
    mutating func applyDue(upTo time: UInt64) {
        while true {
            var best = -1
            for i in 0..<pendingCount where pending[i].time <= time {
                if best < 0 || pending[i].time < pending[best].time { best = i }
            }
            if best < 0 { return }
            let command = pending[best].command
            // Keep arrival order among the rest: shift down rather than swap.
            for i in best..<(pendingCount - 1) { pending[i] = pending[i + 1] }
            pendingCount -= 1
            apply(command)
        }
    }

    /// The next frame offset in this cycle where a pending command falls, or `frames`.
    #if RT_CHECKS
    @_noLocks
    #endif
    func nextBoundary(after offset: Int, frames: Int) -> Int {
        var next = frames
        let start = clock &+ UInt64(offset)
        for i in 0..<pendingCount where pending[i].time > start {
            let rel = pending[i].time - clock
            if rel < UInt64(next) { next = Int(rel) }
        }
        return next
    }

    #if RT_CHECKS
    @_noLocks
    #endif
    mutating func apply(_ command: Command) {
        switch command {
        case let .parameter(kind, node, index, value):
            ProcessorKind.set(kind, node, index, value)
        case .play:
            if !transport.playing { (transport.syncing, held) = (true, 0) }
            transport.playing = true
        case .stop:
            transport.playing = false
        case .locate(let frame):
            transport.position = max(0, frame)
            (transport.syncing, held) = (true, 0)
        case let .loop(start, end, enabled):
            transport.loopStart = start
            transport.loopEnd = end
            transport.looping = enabled && end > start
        case .tempo(let bpm):
            transport.tempo = bpm
        case .record(let on):
            transport.recording = on
        case let .punch(from, to):
            transport.punchIn = from
            transport.punchOut = to
        case .installPlan(let next):
            let old = plan
            plan = next
            // The control side keeps room in `retired` for every plan it sends.
            _ = retired.push(old)
        }
    }

    /// Process thread: follow a transport that moved outside the engine (JACK transport
    /// driven by another client).
    #if RT_CHECKS
    @_noLocks
    #endif
    public mutating func follow(playing: Bool, locate frame: Int64?) {
        transport.playing = playing
        transport.syncing = false  // JACK holds its own transport (the host's sync callback)
        if let frame { transport.position = max(0, frame) }
    }

    /// Process thread: the server ran `frames` frames of cycles without this client (it
    /// was held up past them) and the JACK transport rolled on through them. So does the
    /// engine, and the next block tells its processors, so that a recorder keeps its take
    /// with silence for the frames it never received instead of starting another.
    #if RT_CHECKS
    @_noLocks
    #endif
    public mutating func follow(skipped frames: Int64) {
        guard frames > 0, transport.playing else { return }
        var position = transport.position + frames
        let t = transport
        if t.looping && t.loopEnd > t.loopStart && t.position < t.loopEnd && position >= t.loopEnd {
            position = t.loopStart + (position - t.loopEnd) % (t.loopEnd - t.loopStart)
        }
        transport.position = position
        skipped += frames
    }

    /// Process thread: follow the tempo of another client that is JACK timebase master
    /// (nil: no client publishes one, so the engine keeps its own).
    #if RT_CHECKS
    @_noLocks
    #endif
    public mutating func follow(tempo: Float?) {
        if let tempo, tempo >= 1 && tempo <= 1000 {
            transport.tempo = tempo
            published.tempoFollowed.store(true, ordering: .relaxed)
        } else {
            published.tempoFollowed.store(false, ordering: .relaxed)
        }
    }
}

