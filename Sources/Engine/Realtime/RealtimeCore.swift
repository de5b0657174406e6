import DSP

/// The realtime side of the engine: everything `process` touches, as plain values and
/// pointers allocated by `EngineHandle` before the first cycle. No references, so the
/// audio thread never retains, releases or frees anything.
///
/// Each cycle it drains the command ring, then runs the current plan's steps in order,
/// split into sub-blocks where a timed command falls or the loop wraps.
public struct RealtimeCore {
    @usableFromInline let maxFrames: Int
    @usableFromInline let inputCount: Int
    @usableFromInline let ballistics: MeterBallistics

    @usableFromInline var plan: UnsafeMutablePointer<Plan>
    let commands: SPSCRing<TimedCommand>
    /// Plans replaced by `installPlan`, handed back to be freed off the audio thread.
    let retired: SPSCRing<UnsafeMutablePointer<Plan>>
    /// What the process thread reports to the control side.
    let events: SPSCRing<RealtimeEvent>
    public let published: Published
    /// What MIDI tracks send out this cycle, read by the host after it.
    public let midi: MIDIOutputs

    /// The buffers the graph compiler hands out: `bufferCount` × `maxFrames` floats.
    let pool: UnsafeMutablePointer<Float>
    let bufferCount: Int
    /// Processors' per-call working memory (`CycleContext.scratch`).
    let scratch: UnsafeMutablePointer<Float>
    /// The context of the block being rendered.
    let context: UnsafeMutablePointer<CycleContext>
    @usableFromInline let pending: UnsafeMutablePointer<TimedCommand>
    @usableFromInline let pendingCapacity: Int
    @usableFromInline var pendingCount = 0

    public internal(set) var transport = Transport()
    /// Streams that were not ready at `checkedPosition` in the last block rendered
    /// (counted by the players through `CycleContext.waiting`).
    let waiting: UnsafeMutablePointer<Int>
    var checkedPosition: Int64 = -1
    var checkedWaiting = 0
    /// Frames the transport has stood still waiting for streams, and the most it will
    /// (then it rolls anyway and a late disk is heard as counted silence, as in JACK's
    /// two-second sync timeout).
    var held = 0
    let maxHold: Int
    /// Frames processed since the engine started (the time base of timed commands).
    public internal(set) var clock: UInt64 = 0
    /// Frames the transport rolled on without the engine since the last block rendered
    /// (`follow(skipped:)`), told to the next block.
    var skipped: Int64 = 0

    init(config: EngineConfig, emptyPlan: UnsafeMutablePointer<Plan>) {
        maxFrames = config.maxFrames
        inputCount = config.inputs
        ballistics = MeterBallistics(sampleRate: config.sampleRate)
        plan = emptyPlan
        commands = SPSCRing(capacity: config.commandCapacity)
        retired = SPSCRing(capacity: 256)
        events = SPSCRing(capacity: 4096)
        published = Published(strips: config.maxStrips)
        midi = MIDIOutputs(slots: config.midiOutputs, capacity: config.midiMessagesPerCycle)
        // Allocate and touch every buffer now, so the first cycle faults in no page.
        bufferCount = config.maxBuffers
        pool = .allocate(capacity: config.maxBuffers * config.maxFrames)
        pool.initialize(repeating: 0, count: config.maxBuffers * config.maxFrames)
        scratch = .allocate(capacity: CycleContext.scratchBuffers * config.maxFrames)
        scratch.initialize(repeating: 0, count: CycleContext.scratchBuffers * config.maxFrames)
        context = .allocate(capacity: 1)
        touchPages(context, count: 1)
        waiting = .allocate(capacity: 1)
        waiting.initialize(to: 0)
        maxHold = Int(2 * config.sampleRate)
        pendingCapacity = config.pendingCapacity
        pending = .allocate(capacity: config.pendingCapacity)
        touchPages(pending, count: config.pendingCapacity)
    }

    func destroy() {
        commands.destroy()
        retired.destroy()
        events.destroy()
        published.destroy()
        midi.destroy()
        pool.deallocate()
        scratch.deallocate()
        context.deallocate()
        waiting.deallocate()
        pending.deallocate()
    }

    /// Control side: buffer `index` of the pool (the compiler's addresses).
    func buffer(_ index: Int) -> UnsafeMutablePointer<Float> { pool + index * maxFrames }

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
        midi.clear()
        if frames > maxFrames {
            Kernels.clear(left, frames)
            Kernels.clear(right, frames)
            published.oversizedCycles.wrappingIncrement(ordering: .relaxed)
            report(.oversizedCycle(frames: Int32(truncatingIfNeeded: frames)))
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
            var t = transport
            if t.playing && t.syncing {
                if readyToRoll(at: t.position) || held >= maxHold {
                    transport.syncing = false
                    held = 0
                } else {
                    t.playing = false  // stand still, silent, while the streams read ahead
                    held += chunk
                }
            }
            if t.playing && t.looping && t.loopEnd > t.loopStart && t.position < t.loopEnd {
                chunk = min(chunk, Int(t.loopEnd - t.position))
            }
            context.pointee = CycleContext(
                frames: chunk, offset: offset + done, playing: t.playing, position: t.position,
                capture: inputs, captureCount: inputCount, outLeft: left, outRight: right,
                meters: ballistics.block(chunk), published: published, events: events, tempo: t.tempo,
                recording: t.recording, punchIn: t.punchIn, punchOut: t.punchOut,
                scratch: scratch, scratchStride: maxFrames, clock: clock &+ UInt64(offset + done), waiting: waiting,
                skipped: skipped
            )
            skipped = 0
            waiting.pointee = 0
            runPlan()
            checkedPosition = t.position
            checkedWaiting = waiting.pointee
            if t.playing {
                transport.position += Int64(chunk)
                if transport.looping && transport.loopEnd > transport.loopStart && transport.position == transport.loopEnd {
                    transport.position = transport.loopStart
                }
            }
            done += chunk
        }
    }

    /// Process thread (the JACK sync callback, and each block): may the transport roll
    /// from `frame`? Yes when no stream plays, or when every stream said it was ready
    /// there in the last block.
    #if RT_CHECKS
    @_noLocks
    #endif
    public func readyToRoll(at frame: Int64) -> Bool {
        plan.pointee.streams == 0 || (checkedPosition == frame && checkedWaiting == 0)
    }

    /// Every step of the plan, in order, over the block in `context`.
    #if RT_CHECKS
    @_noLocks
    #endif
    func runPlan() {
        let ctx = UnsafePointer(context)
        for step in plan.pointee.steps {
            ProcessorKind.process(step, ctx)
        }
    }

    /// Process thread: tell the control side; a full ring drops the event and counts it.
    #if RT_CHECKS
    @_noLocks
    #endif
    func report(_ event: RealtimeEvent) {
        if !events.push(event) { published.droppedEvents.wrappingIncrement(ordering: .relaxed) }
    }

    #if RT_CHECKS
    @_noLocks
    #endif
    mutating func publish() {
        published.playing.store(transport.playing, ordering: .relaxed)
        published.position.store(transport.position, ordering: .relaxed)
        published.clock.store(clock, ordering: .relaxed)
        published.cycles.wrappingIncrement(ordering: .relaxed)
        published.tempoBits.store(transport.tempo.bitPattern, ordering: .relaxed)
        published.recording.store(transport.recording, ordering: .relaxed)
    }
}

extension RealtimeCore {
    /// Control side, before the first real cycle: undo what warm-up cycles advanced.
    public mutating func restoreClock(from saved: RealtimeCore) {
        clock = saved.clock
        transport = saved.transport
    }
}
