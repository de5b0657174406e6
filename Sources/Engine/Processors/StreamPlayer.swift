import Atomics
import DSP

/// Source: a file too long to decode whole, played from a `StreamBuffer` a disk
/// reader keeps filled ahead of the transport. One output channel for mono files, two
/// for stereo.
///
/// The buffer holds samples in timeline order (the reader follows the loop). While the
/// transport rolls and the buffer's next sample is the one due, the player copies.
/// While it stands (stopped, or held after a play or a locate) the player makes sure
/// the run for that frame is on its way and counts itself in `CycleContext.waiting`
/// until enough of it has arrived; the transport rolls only once no stream waits, so a
/// locate is heard from its first sample. If the transport moves under a rolling player
/// anyway (a loop edited while playing), it asks the reader for a position a little
/// ahead (`lead`) and plays silence until the new run reaches the transport. If the
/// reader falls behind, the missing frames are silence, counted in `underruns`, and
/// reported.
public struct StreamPlayer: RealtimeProcessor {
    let ring: AudioRing
    let marks: SPSCRing<StreamMark>
    let requestPosition: UnsafeAtomic<Int64>
    let requestGeneration: UnsafeAtomic<UInt32>
    let underruns: UnsafeAtomic<Int>
    let channels: Int
    /// How far ahead of the transport a new request asks the reader to start.
    let lead: Int64
    let meterSlot: Int32
    var generation: UInt32 = 0
    /// Frames taken from the ring so far (marks count in the same frames).
    var consumed: Int64 = 0
    /// Timeline frame of the ring's next frame, once the run of `generation` began.
    var readPosition: Int64 = 0
    var valid = false
    /// A request is out whose run has not begun.
    var requested = false

    public enum Parameter: Int32 { case prime }

    /// Control side.
    public init(buffer: StreamBuffer, lead: Int, meterSlot: Int) {
        ring = buffer.ring
        marks = buffer.marks
        requestPosition = buffer.requestPosition
        requestGeneration = buffer.requestGeneration
        underruns = buffer.underruns
        channels = buffer.channels
        self.lead = Int64(lead)
        self.meterSlot = Int32(meterSlot)
    }

    /// Control side: the node, keeping the buffer alive while any schedule can run it.
    public static func node(buffer: StreamBuffer, lead: Int, meterSlot: Int) -> NodeState {
        NodeState(.stream, StreamPlayer(buffer: buffer, lead: lead, meterSlot: meterSlot), retaining: [buffer])
    }

    /// Process thread: `prime` asks the reader for a position now (the session sends it
    /// with a locate, so the read-ahead is under way before the transport gets there).
    /// The position comes as two Floats, each an exact whole number below 2²⁴: the
    /// frame's high and low 24 bits.
    #if RT_CHECKS
    @_noLocks
    #endif
    public mutating func set(_ index: Int32, _ value: ParameterValue) {
        if index == Parameter.prime.rawValue { request(Int64(value[0]) << 24 | Int64(value[1])) }
    }

    /// Process thread.
    #if RT_CHECKS
    @_noLocks
    #endif
    public mutating func process(_ block: ProcessBlock) {
        let ctx = block.context.pointee
        let n = ctx.frames
        absorbMarks()
        let at = ctx.position
        guard ctx.playing else {
            standBy(at: at)
            if !ready(at: at) { ctx.waiting.pointee += 1 }
            block.silenceOutputs()
            return
        }
        if valid && readPosition < at && !skipForward(to: at) {
            request(at + Int64(n) + lead)
        }
        if valid && readPosition == at {
            if available() >= n && Int64(n) <= framesToNextMark() {
                read(block, n)
                readPosition += Int64(n)
                return
            }
            if available() < n {
                // The reader is late: silence, counted. Its frames for this block will be
                // skipped when they come, so what follows stays in place.
                underruns.wrappingIncrement(by: n, ordering: .relaxed)
                _ = ctx.events.push(.overrun(meterSlot: meterSlot, samples: Int32(truncatingIfNeeded: n)))
            } else {
                request(at + Int64(n) + lead)  // a wrap inside the block: the reader's loop is not the transport's
            }
        } else if valid && readPosition > at + 4 * lead {
            request(at + Int64(n) + lead)  // far ahead of the transport: a locate back
        } else if !valid && !requested {
            request(at + Int64(n) + lead)  // never primed here
        }
        // Waiting for the run that was asked for (it starts a little ahead).
        block.silenceOutputs()
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
    /// of it that the reader keeps ahead from the first block on.
    #if RT_CHECKS
    @_noLocks
    #endif
    func ready(at: Int64) -> Bool {
        valid && readPosition == at && available() >= min(2 * Int(lead), ring.capacity / channels / 2)
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

    /// Process thread: `n` frames out of the ring, de-interleaved into the outputs.
    #if RT_CHECKS
    @_noLocks
    #endif
    mutating func read(_ block: ProcessBlock, _ n: Int) {
        let (a, b) = ring.readVector()
        let first = min(a.count / channels, n)
        copy(block, from: a, frames: first, to: 0)
        if first < n { copy(block, from: b, frames: n - first, to: first) }
        ring.commitRead(n * channels)
        consumed += Int64(n)
    }

    /// Process thread: `frames` interleaved frames from `region` into the outputs at `offset`.
    #if RT_CHECKS
    @_noLocks
    #endif
    func copy(_ block: ProcessBlock, from region: UnsafeBufferPointer<Float>, frames: Int, to offset: Int) {
        guard let base = region.baseAddress else { return }
        for c in 0..<min(block.outputCount, channels) {
            let out = block.output(c) + offset
            if block.adds(c) {
                for f in 0..<frames { out[f] += base[f * channels + c] }
            } else {
                for f in 0..<frames { out[f] = base[f * channels + c] }
            }
        }
    }
}
