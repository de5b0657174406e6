import DSP

/// The realtime side of the engine: everything `process` touches, as plain values and
/// pointers allocated by `EngineHandle` before the first cycle. No references, so the
/// audio thread never retains, releases or frees anything.
public struct RealtimeCore {
    @usableFromInline let maxFrames: Int
    @usableFromInline let maxBuses: Int
    @usableFromInline let inputCount: Int
    @usableFromInline let rampFrames: Int32
    @usableFromInline let ballistics: MeterBallistics

    @usableFromInline var plan: UnsafeMutablePointer<Plan>
    public let commands: SPSCRing<TimedCommand>
    /// Plans replaced by `installPlan`, handed back to be freed off the audio thread.
    public let retired: SPSCRing<UnsafeMutablePointer<Plan>>
    public let published: Published

    @usableFromInline let strips: UnsafeMutablePointer<StripState>
    /// Send gains, `maxBuses` per strip: index `strip * maxBuses + bus`.
    @usableFromInline let sendRamps: UnsafeMutablePointer<Ramp>
    /// Stereo bus inputs, `2 * maxFrames` floats per bus.
    @usableFromInline let busBuffers: UnsafeMutablePointer<Float>
    /// Working buffers: source L/R, pre-fader L/R, post-fader L/R, master L/R.
    @usableFromInline let scratch: UnsafeMutablePointer<Float>
    @usableFromInline let pending: UnsafeMutablePointer<TimedCommand>
    @usableFromInline let pendingCapacity: Int
    @usableFromInline var pendingCount = 0

    public internal(set) var transport = Transport()
    /// Frames processed since the engine started (the time base of timed commands).
    public internal(set) var clock: UInt64 = 0

    static let scratchBuffers = 8

    init(config: EngineConfig, emptyPlan: UnsafeMutablePointer<Plan>) {
        maxFrames = config.maxFrames
        maxBuses = config.maxBuses
        inputCount = config.inputs
        rampFrames = config.rampFrames
        ballistics = MeterBallistics(sampleRate: config.sampleRate)
        plan = emptyPlan
        commands = SPSCRing(capacity: config.commandCapacity)
        retired = SPSCRing(capacity: 256)
        published = Published(strips: config.maxStrips)
        // Allocate and touch every buffer now, so the first cycle faults in no page.
        strips = .allocate(capacity: config.maxStrips)
        strips.initialize(repeating: StripState(), count: config.maxStrips)
        sendRamps = .allocate(capacity: config.maxStrips * config.maxBuses)
        sendRamps.initialize(repeating: Ramp(0), count: config.maxStrips * config.maxBuses)
        busBuffers = .allocate(capacity: config.maxBuses * 2 * config.maxFrames)
        busBuffers.initialize(repeating: 0, count: config.maxBuses * 2 * config.maxFrames)
        scratch = .allocate(capacity: Self.scratchBuffers * config.maxFrames)
        scratch.initialize(repeating: 0, count: Self.scratchBuffers * config.maxFrames)
        pendingCapacity = config.pendingCapacity
        pending = .allocate(capacity: config.pendingCapacity)
        touchPages(pending, count: config.pendingCapacity)
        // The master is always audible at unity until told otherwise.
        strips[EngineConfig.masterStrip].left.snap(to: 1)
        strips[EngineConfig.masterStrip].right.snap(to: 1)
        strips[EngineConfig.masterStrip].fader.snap(to: 1)
    }

    func destroy() {
        commands.destroy()
        retired.destroy()
        published.destroy()
        strips.deallocate()
        sendRamps.deallocate()
        busBuffers.deallocate()
        scratch.deallocate()
        pending.deallocate()
    }

    @inlinable func buffer(_ index: Int) -> UnsafeMutablePointer<Float> { scratch + index * maxFrames }

    /// Process thread: render one cycle.
    ///
    /// - Parameters:
    ///   - frames: period size; at most `maxFrames` (larger cycles output silence).
    ///   - inputs: `inputCount` capture buffers (a nil entry reads as silence).
    ///   - left, right: the master outputs, `frames` long.
    ///   - nanos: monotonic time at the start of the cycle (maps OSC time tags to frames).
    #if RT_CHECKS
    @_noLocks
    #endif
    public mutating func process(
        frames: Int,
        inputs: UnsafePointer<UnsafePointer<Float>?>,
        left: UnsafeMutablePointer<Float>,
        right: UnsafeMutablePointer<Float>,
        nanos: UInt64
    ) {
        published.storeAnchor(clock: clock, nanos: nanos)
        if frames > maxFrames {
            Kernels.clear(left, frames)
            Kernels.clear(right, frames)
            published.oversizedCycles.wrappingIncrement(ordering: .relaxed)
            clock &+= UInt64(frames)
            return
        }
        drainCommands()
        // Split the cycle at each timed command's sample, applying it there.
        var offset = 0
        while offset < frames {
            applyDue(upTo: clock &+ UInt64(offset))
            let end = nextBoundary(after: offset, frames: frames)
            renderTimeline(offset: offset, count: end - offset, inputs: inputs, left: left, right: right)
            offset = end
        }
        clock &+= UInt64(frames)
        publish()
    }

    /// Render `count` frames, splitting where the loop wraps.
    #if RT_CHECKS
    @_noLocks
    #endif
    mutating func renderTimeline(
        offset: Int, count: Int, inputs: UnsafePointer<UnsafePointer<Float>?>,
        left: UnsafeMutablePointer<Float>, right: UnsafeMutablePointer<Float>
    ) {
        var done = 0
        while done < count {
            var chunk = count - done
            let t = transport
            if t.playing && t.looping && t.loopEnd > t.loopStart && t.position < t.loopEnd {
                chunk = min(chunk, Int(t.loopEnd - t.position))
            }
            renderGraph(offset: offset + done, count: chunk, inputs: inputs, left: left, right: right)
            if transport.playing {
                transport.position += Int64(chunk)
                if transport.looping && transport.loopEnd > transport.loopStart && transport.position == transport.loopEnd {
                    transport.position = transport.loopStart
                }
            }
            done += chunk
        }
    }

    #if RT_CHECKS
    @_noLocks
    #endif
    mutating func publish() {
        published.playing.store(transport.playing, ordering: .relaxed)
        published.position.store(transport.position, ordering: .relaxed)
        published.clock.store(clock, ordering: .relaxed)
        published.cycles.wrappingIncrement(ordering: .relaxed)
        let p = plan
        for t in p.pointee.tracks { publishMeter(Int(t.strip)) }
        for b in p.pointee.buses { publishMeter(Int(b.strip)) }
        publishMeter(EngineConfig.masterStrip)
    }

    #if RT_CHECKS
    @_noLocks
    #endif
    @inlinable
    func publishMeter(_ strip: Int) {
        let s = strips[strip]
        published.storeMeter(
            strip: strip,
            peak: max(s.meterLeft.peak, s.meterRight.peak),
            meanSquare: max(s.meterLeft.meanSquare, s.meterRight.meanSquare)
        )
    }
}

extension RealtimeCore {
    /// Control side, before the first real cycle: undo what warm-up cycles advanced.
    public mutating func restoreClock(from saved: RealtimeCore) {
        clock = saved.clock
        transport = saved.transport
    }
}
