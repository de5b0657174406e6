import Atomics

/// The process thread's side of one `StreamBuffer`: which run of the reader's it is
/// following, and where on the timeline the ring's next frame lies. A `StreamPlayer`
/// has two (the sounding lane and the one an edit is read into).
struct StreamLane {
    let ring: AudioRing
    let marks: SPSCRing<StreamMark>
    let requestPosition: UnsafeAtomic<Int64>
    let requestGeneration: UnsafeAtomic<UInt32>
    let underruns: UnsafeAtomic<Int>
    let laneState: UnsafeAtomic<UInt8>
    let armingCount: UnsafeAtomic<UInt32>
    let channels: Int
    var generation: UInt32 = 0
    /// Frames taken from the ring so far (marks count in the same frames).
    var consumed: Int64 = 0
    /// Timeline frame of the ring's next frame, once the run of `generation` began.
    var readPosition: Int64 = 0
    var valid = false
    /// A request is out whose run has not begun.
    var requested = false
    /// The session's arming this lane's latest request answers.
    var armedAs: UInt32 = 0

    /// Control side; the node retains `buffer`.
    init(_ buffer: StreamBuffer) {
        ring = buffer.ring
        marks = buffer.marks
        requestPosition = buffer.requestPosition
        requestGeneration = buffer.requestGeneration
        underruns = buffer.underruns
        laneState = buffer.state
        armingCount = buffer.armings
        channels = buffer.channels
    }

    /// Process thread: the lane's `StreamLaneState` (the session may change it).
    #if RT_CHECKS
    @_noLocks
    #endif
    func state() -> StreamLaneState {
        StreamLaneState(rawValue: laneState.load(ordering: .acquiring)) ?? .idle
    }

    /// Process thread: the session's count of armings.
    #if RT_CHECKS
    @_noLocks
    #endif
    func armings() -> UInt32 { armingCount.load(ordering: .acquiring) }

    #if RT_CHECKS
    @_noLocks
    #endif
    func claim(from: StreamLaneState, to: StreamLaneState) -> Bool {
        laneState.compareExchange(expected: from.rawValue, desired: to.rawValue, ordering: .acquiringAndReleasing).exchanged
    }

    #if RT_CHECKS
    @_noLocks
    #endif
    func setState(_ s: StreamLaneState) {
        laneState.store(s.rawValue, ordering: .releasing)
    }

    /// Process thread, the transport standing at `at`: have the run for `at` ready, or
    /// on its way.
    #if RT_CHECKS
    @_noLocks
    #endif
    mutating func standBy(at: Int64) {
        if valid && readPosition < at {
            if !skipForward(to: at) { request(at) }
        } else if valid && readPosition > at {
            request(at)
        } else if !valid && !requested {
            request(at)
        }
    }

    /// Process thread, the transport rolling at `at` with `n` frames due: when the run
    /// is not where the transport is and cannot get there by skipping, ask for one a
    /// little ahead (`lead`) — after a locate, a loop edited while playing, or for the
    /// first time.
    #if RT_CHECKS
    @_noLocks
    #endif
    mutating func follow(at: Int64, _ n: Int, lead: Int64) {
        if valid && readPosition < at && !skipForward(to: at) {
            request(at + Int64(n) + lead)
        } else if valid && readPosition > at + 4 * lead {
            request(at + Int64(n) + lead)  // far ahead of the transport: a locate back
        } else if !valid && !requested {
            request(at + Int64(n) + lead)  // never primed here
        }
    }

    /// Process thread, the transport rolling at `at`: the `n` frames due, read as
    /// `read` says, or false when they are not here (the caller plays silence). A
    /// reader that is late is counted in `underruns` and reported; its frames for this
    /// block will be skipped when they come, so what follows stays in place.
    #if RT_CHECKS
    @_noLocks
    #endif
    mutating func roll(_ block: ProcessBlock, at: Int64, _ n: Int, lead: Int64, meterSlot: Int32,
                       weight: Float = 1, step: Float = 0, adding: Bool = false) -> Bool {
        follow(at: at, n, lead: lead)
        guard valid && readPosition == at else { return false }  // waiting for the run asked for
        if canRead(at: at, n) {
            read(block, n, weight: weight, step: step, adding: adding)
            return true
        }
        if available() < n {
            underruns.wrappingIncrement(by: n, ordering: .relaxed)
            _ = block.context.pointee.events.push(.overrun(meterSlot: meterSlot, samples: Int32(truncatingIfNeeded: n)))
        } else {
            request(at + Int64(n) + lead)  // a wrap inside the block: the reader's loop is not the transport's
        }
        return false
    }

    /// Process thread: the run is behind the transport (still short of it, or a locate
    /// ahead): skip to `at` if the frames are there and no wrap lies between. False
    /// when it cannot.
    #if RT_CHECKS
    @_noLocks
    #endif
    mutating func skipForward(to at: Int64) -> Bool {
        let skip = at - readPosition
        guard skip <= Int64(available()) && skip <= framesToNextMark() else { return false }
        discard(Int(skip))
        readPosition = at
        return true
    }

    /// Process thread: can the transport roll from `at`? The run is there, and enough
    /// of it (`least` frames) that the reader keeps ahead from the first block on.
    #if RT_CHECKS
    @_noLocks
    #endif
    func ready(at: Int64, least: Int) -> Bool {
        valid && readPosition == at && available() >= min(least, ring.capacity / channels / 2)
    }

    /// Process thread: are the `n` frames from `at` here, with no wrap among them?
    #if RT_CHECKS
    @_noLocks
    #endif
    func canRead(at: Int64, _ n: Int) -> Bool {
        valid && readPosition == at && available() >= n && Int64(n) <= framesToNextMark()
    }

    /// Process thread: follow the marks the ring has reached; drop stale ones, and the
    /// samples before the run of the current request.
    #if RT_CHECKS
    @_noLocks
    #endif
    mutating func absorbMarks() {
        while let m = marks.peek() {
            if m.generation != generation {
                _ = marks.pop()
                continue
            }
            if m.frame > consumed {
                if valid { return }  // a wrap still ahead
                let skip = m.frame - consumed
                if skip > Int64(available()) { return }
                discard(Int(skip))
            }
            readPosition = m.position
            valid = true
            requested = false
            _ = marks.pop()
        }
    }

    /// Process thread: ask the reader for `position` on; what the ring holds is stale.
    #if RT_CHECKS
    @_noLocks
    #endif
    mutating func request(_ position: Int64) {
        generation &+= 1
        requestPosition.store(position, ordering: .relaxed)
        requestGeneration.store(generation, ordering: .releasing)
        discard(available())
        valid = false
        requested = true
    }

    #if RT_CHECKS
    @_noLocks
    #endif
    func available() -> Int { ring.count / channels }

    /// Frames from the ring's next frame to the next mark of the current run.
    #if RT_CHECKS
    @_noLocks
    #endif
    func framesToNextMark() -> Int64 {
        if let m = marks.peek(), m.generation == generation { return m.frame - consumed }
        return .max
    }

    #if RT_CHECKS
    @_noLocks
    #endif
    mutating func discard(_ frames: Int) {
        ring.commitRead(frames * channels)
        consumed += Int64(frames)
    }

    /// Process thread: `n` frames out of the ring into the outputs, de-interleaved:
    /// written as they are (`weight` 1, `step` 0, `adding` false: the outputs were not
    /// cleared) or added in times a weight that starts at `weight` and moves by `step`
    /// a frame (held within 0 … 1). The run moves on by `n`.
    #if RT_CHECKS
    @_noLocks
    #endif
    mutating func read(_ block: ProcessBlock, _ n: Int, weight: Float = 1, step: Float = 0, adding: Bool = false) {
        let (a, b) = ring.readVector()
        let first = min(a.count / channels, n)
        copy(block, from: a, frames: first, to: 0, weight: weight, step: step, adding: adding)
        if first < n { copy(block, from: b, frames: n - first, to: first, weight: weight, step: step, adding: adding) }
        ring.commitRead(n * channels)
        consumed += Int64(n)
        readPosition += Int64(n)
    }

    /// Process thread: `frames` interleaved frames from `region` into the outputs at `offset`.
    #if RT_CHECKS
    @_noLocks
    #endif
    func copy(_ block: ProcessBlock, from region: UnsafeBufferPointer<Float>, frames: Int, to offset: Int, weight: Float, step: Float, adding: Bool) {
        guard let base = region.baseAddress else { return }
        for c in 0..<min(block.outputCount, channels) {
            let out = block.output(c) + offset
            if adding {
                for f in 0..<frames { out[f] += base[f * channels + c] * min(1, max(0, weight + step * Float(offset + f))) }
            } else if block.adds(c) {
                for f in 0..<frames { out[f] += base[f * channels + c] }
            } else {
                for f in 0..<frames { out[f] = base[f * channels + c] }
            }
        }
    }
}
