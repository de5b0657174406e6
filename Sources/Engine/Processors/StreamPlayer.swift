import Atomics
import DSP

/// Source: a file too long to decode whole, played from a `StreamBuffer` a disk
/// reader keeps filled ahead of the transport. One output channel for mono files, two
/// for stereo.
///
/// The buffer holds samples in timeline order (the reader follows the loop, and plays
/// the clip's trim, gain and fades into it). While the transport rolls and the
/// buffer's next sample is the one due, the player copies. While it stands (stopped,
/// or held after a play or a locate) the player makes sure the run for that frame is on
/// its way and counts itself in `CycleContext.waiting` until enough of it has arrived;
/// the transport rolls only once no stream waits, so a locate is heard from its first
/// sample. If the transport moves under a rolling player anyway (a loop edited while
/// playing), it asks the reader for a position a little ahead (`lead`) and plays
/// silence until the new run reaches the transport. If the reader falls behind, the
/// missing frames are silence, counted in `underruns`, and reported.
///
/// A clip edit is read into the player's second lane (the session arms it, see
/// `StreamLaneState`); once that lane's run reaches the transport the player crosses
/// over to it in `rampFrames`, as a decoded clip's edit does, so an edit made while
/// the file plays never steps. Standing still, it crosses at once.
public struct StreamPlayer: RealtimeProcessor {
    /// The lane sounding, and the other: the one before it while a crossover runs,
    /// or the one the next edit is read into.
    var cur: StreamLane
    var other: StreamLane
    /// How far ahead of the transport a new request asks the reader to start.
    let lead: Int64
    let meterSlot: Int32
    let rampFrames: Int
    /// Frames of the crossover from `other` into `cur` done (`rampFrames`: none runs).
    var faded: Int

    public enum Parameter: Int32 { case prime }

    /// Control side: `lanes.0` sounds first (the session marks it so).
    public init(lanes: (StreamBuffer, StreamBuffer), lead: Int, meterSlot: Int, rampFrames: Int) {
        cur = StreamLane(lanes.0)
        other = StreamLane(lanes.1)
        self.lead = Int64(lead)
        self.meterSlot = Int32(meterSlot)
        self.rampFrames = max(1, rampFrames)
        faded = self.rampFrames
    }

    /// Control side: the node, keeping both lanes' buffers alive while any schedule
    /// can run it.
    public static func node(lanes: (StreamBuffer, StreamBuffer), lead: Int, meterSlot: Int, rampFrames: Int) -> NodeState {
        NodeState(.stream, StreamPlayer(lanes: lanes, lead: lead, meterSlot: meterSlot, rampFrames: rampFrames),
                  retaining: [lanes.0, lanes.1])
    }

    /// Process thread: `prime` asks the reader for a position now (the session sends it
    /// with a locate, so the read-ahead is under way before the transport gets there).
    /// The position comes as two Floats, each an exact whole number below 2²⁴: the
    /// frame's high and low 24 bits.
    #if RT_CHECKS
    @_noLocks
    #endif
    public mutating func set(_ index: Int32, _ value: ParameterValue) {
        if index == Parameter.prime.rawValue { cur.request(Int64(value[0]) << 24 | Int64(value[1])) }
    }

    /// Process thread.
    #if RT_CHECKS
    @_noLocks
    #endif
    public mutating func process(_ block: ProcessBlock) {
        let ctx = block.context.pointee
        let n = ctx.frames
        let at = ctx.position
        cur.absorbMarks()
        other.absorbMarks()
        let edited = armed()
        if edited && other.armedAs != other.armings() {
            // A new edit: its run, from where the transport is (or soon will be).
            other.armedAs = other.armings()
            other.request(ctx.playing ? at + Int64(n) + lead : at)
        }
        guard ctx.playing else {
            if faded < rampFrames { endCrossover() }  // nothing sounds: the lane before goes at once
            if edited && crossOver() { endCrossover() }
            cur.standBy(at: at)
            if !cur.ready(at: at, least: 2 * Int(lead)) { ctx.waiting.pointee += 1 }
            block.silenceOutputs()
            return
        }
        if edited && faded == rampFrames {
            other.follow(at: at, n, lead: lead)
            if other.canRead(at: at, n) { _ = crossOver() }
        }
        if faded < rampFrames {
            // The new lane rises from 0 as the one before falls from 1, sample by sample.
            let w0 = Float(faded) / Float(rampFrames), step = 1 / Float(rampFrames)
            block.silenceOutputs()
            _ = cur.roll(block, at: at, n, lead: lead, meterSlot: meterSlot, weight: w0, step: step, adding: true)
            if other.valid && other.readPosition < at { _ = other.skipForward(to: at) }
            if other.canRead(at: at, n) { other.read(block, n, weight: 1 - w0, step: -step, adding: true) }
            faded = min(rampFrames, faded + n)
            if faded == rampFrames { endCrossover() }
            return
        }
        if !cur.roll(block, at: at, n, lead: lead, meterSlot: meterSlot) { block.silenceOutputs() }
    }

    /// Process thread: has the session armed the other lane with an edit?
    #if RT_CHECKS
    @_noLocks
    #endif
    func armed() -> Bool { other.state() == .armed }

    /// Process thread: make the armed lane the sounding one, the crossover starting
    /// (it ends at once if the transport stands). False when the session took the lane
    /// back to point it at a newer edit.
    #if RT_CHECKS
    @_noLocks
    #endif
    mutating func crossOver() -> Bool {
        guard other.claim(from: .armed, to: .sounding) else { return false }
        guard other.armedAs == other.armings() else {
            other.setState(.armed)  // armed again since its run was asked for: wait for the new one
            return false
        }
        swap(&cur, &other)
        faded = 0
        return true
    }

    /// Process thread: the lane before is let go (the next edit may be read into it).
    #if RT_CHECKS
    @_noLocks
    #endif
    mutating func endCrossover() {
        faded = rampFrames
        other.setState(.idle)
    }
}
