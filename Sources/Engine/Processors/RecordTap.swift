import Atomics
import DSP

/// Sink: copies its inputs into a `RecordStream` while the track is armed, record is
/// enabled, the transport rolls and the block lies inside the punch range. Each
/// continuous pass (until record stops, the transport stops or jumps, the punch range
/// or the loop ends) is framed by start and end marks; the disk writer makes one take
/// of each. Cycles the host missed while the JACK transport rolled on are a skipped mark
/// inside the pass (written as silence), not a jump.
///
/// The process thread only copies into preallocated rings. When a ring is full the
/// frames are counted, marked as dropped and reported — never waited for.
public struct RecordTap: RealtimeProcessor {
    let rings: UnsafeMutablePointer<AudioRing>
    let channels: Int
    let marks: SPSCRing<RecordMark>
    let overrunFrames: UnsafeAtomic<Int>
    let skippedFrames: UnsafeAtomic<Int>
    let lostMarks: UnsafeAtomic<Int>
    /// Reported with overrun events.
    let meterSlot: Int32
    var armed: Bool
    /// A pass is open.
    var active = false
    /// Frames produced since the stream began (written or dropped).
    var produced: Int64 = 0
    /// Timeline frame the open pass expects next (a different one starts a new pass).
    var next: Int64 = 0
    /// Frames of the gap being counted (the ring is full), not yet marked.
    var gap: Int64 = 0

    public enum Parameter: Int32 { case armed }

    /// Control side.
    public init(stream: RecordStream, armed: Bool, meterSlot: Int) {
        rings = stream.rings
        channels = stream.channels
        marks = stream.marks
        overrunFrames = stream.overrunFrames
        skippedFrames = stream.skippedFrames
        lostMarks = stream.lostMarks
        self.armed = armed
        self.meterSlot = Int32(meterSlot)
    }

    /// Control side: the node, keeping the stream alive while any schedule can run it.
    public static func node(stream: RecordStream, armed: Bool, meterSlot: Int) -> NodeState {
        NodeState(.recordTap, RecordTap(stream: stream, armed: armed, meterSlot: meterSlot), retaining: [stream])
    }

    /// Process thread.
    #if RT_CHECKS
    @_noLocks
    #endif
    public mutating func set(_ index: Int32, _ value: ParameterValue) {
        if index == Parameter.armed.rawValue { armed = value[0] != 0 }
    }

    /// Process thread.
    #if RT_CHECKS
    @_noLocks
    #endif
    public mutating func process(_ block: ProcessBlock) {
        let ctx = block.context.pointee
        var from = 0, to = 0
        if armed && ctx.recording && ctx.playing {
            let start = ctx.position, end = ctx.position + Int64(ctx.frames)
            let a = max(start, ctx.punchIn), b = min(end, ctx.punchOut)
            if a < b { from = Int(a - start); to = Int(b - start) }
        }
        guard from < to, block.inputCount >= channels else {
            if active { finish() }
            return
        }
        let at = ctx.position + Int64(from)
        if active && at != next {
            // Cycles the host missed are a hole in this pass, not the end of it.
            if ctx.skipped > 0 && at == next + ctx.skipped { skip(ctx.skipped) } else { finish() }
        }
        if !active {
            mark(.start, value: at)
            active = true
        }
        let count = to - from
        var room = Int.max
        for c in 0..<channels { room = min(room, rings[c].capacity - rings[c].count) }
        let written = min(count, room)
        if written > 0 {
            closeGap()
            for c in 0..<channels { _ = rings[c].writeSamples(block.input(c) + from, count: written) }
            produced += Int64(written)
        }
        if written < count {
            let lost = count - written
            gap += Int64(lost)
            overrunFrames.wrappingIncrement(by: lost, ordering: .relaxed)
            _ = ctx.events.push(.overrun(meterSlot: meterSlot, samples: Int32(truncatingIfNeeded: lost)))
        }
        next = at + Int64(count)
        if to < ctx.frames { finish() }  // punched out inside this block
    }

    /// Process thread: the ring has room again (or the pass ends): mark the gap.
    #if RT_CHECKS
    @_noLocks
    #endif
    mutating func closeGap() {
        guard gap > 0 else { return }
        mark(.dropped, value: gap)
        produced += gap
        gap = 0
    }

    /// Process thread: the transport rolled on `frames` frames that never reached the
    /// engine: mark them, so the writer keeps the take aligned with silence.
    #if RT_CHECKS
    @_noLocks
    #endif
    mutating func skip(_ frames: Int64) {
        closeGap()
        mark(.skipped, value: frames)
        produced += frames
        skippedFrames.wrappingIncrement(by: Int(frames), ordering: .relaxed)
    }

    #if RT_CHECKS
    @_noLocks
    #endif
    mutating func finish() {
        closeGap()
        mark(.end, value: 0)
        active = false
    }

    #if RT_CHECKS
    @_noLocks
    #endif
    func mark(_ kind: RecordMark.Kind, value: Int64) {
        if !marks.push(RecordMark(kind: kind, frame: produced, value: value)) {
            lostMarks.wrappingIncrement(ordering: .relaxed)
        }
    }
}
