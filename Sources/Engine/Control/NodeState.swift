/// Control side: one node's realtime state — a `RealtimeProcessor` in memory allocated
/// here, lent to every schedule that runs the node. Because the memory outlives any one
/// schedule, a node keeps its ramps, filter memories, envelopes and tails when the
/// graph around it is recompiled: state is keyed by the node, not by the plan.
///
/// Once constructed, only the realtime side touches the processor (through schedules
/// and parameter commands); the control side frees it in `deinit`, which runs when the
/// session has dropped the node and every plan and pending command that could reach it
/// has come back (`EngineHandle` holds it until then).
public final class NodeState: @unchecked Sendable {
    // @unchecked Sendable: after init the pointee belongs to the realtime side; this
    // object only carries the pointer and frees it once nothing can reach it.
    public let kind: ProcessorKind
    public let pointer: UnsafeMutableRawPointer
    private let release: (UnsafeMutableRawPointer) -> Void
    /// What the processor points into (decoded audio), kept alive with it.
    let retained: [AnyObject]

    /// Control side: move `processor` into memory of its own, every page touched.
    public init<P: RealtimeProcessor>(_ kind: ProcessorKind, _ processor: P, retaining: [AnyObject] = []) {
        self.kind = kind
        let typed = UnsafeMutablePointer<P>.allocate(capacity: 1)
        touchPages(typed, count: 1)
        typed.initialize(to: processor)
        pointer = UnsafeMutableRawPointer(typed)
        retained = retaining
        release = { raw in
            let p = raw.assumingMemoryBound(to: P.self)
            p.pointee.release()
            p.deinitialize(count: 1)
            p.deallocate()
        }
    }

    deinit { release(pointer) }

}
