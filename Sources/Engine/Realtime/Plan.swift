/// A compiled schedule: the processors of a graph in an order where every node runs
/// after what it reads, each with its input and output buffers resolved to pointers.
/// Built by `GraphCompiler` and freed on the control side only; immutable while the
/// realtime side holds it.
public struct Plan {
    public struct Step {
        public var kind: ProcessorKind
        public var state: UnsafeMutableRawPointer
        public var inputs: UnsafeMutablePointer<UnsafeMutablePointer<Float>>
        public var inputCount: Int32
        public var outputs: UnsafeMutablePointer<UnsafeMutablePointer<Float>>
        public var outputCount: Int32
        /// Bit c: output c adds into a mix point written earlier in the block.
        public var accumulate: UInt32
    }

    public var steps: UnsafeMutableBufferPointer<Step>
    /// Every step's input and output pointers, in one allocation.
    var ports: UnsafeMutableBufferPointer<UnsafeMutablePointer<Float>>
    /// Identifies the plan to its owner when it comes back retired.
    public var id: Int
    /// Steps that play from disk: while any is in the plan, the transport waits for
    /// their read-ahead before it rolls from a new place.
    public var streams = 0

    /// Control side, once the realtime side has handed the plan back (or never had it).
    public static func deallocate(_ plan: UnsafeMutablePointer<Plan>) {
        plan.pointee.steps.deallocate()
        plan.pointee.ports.deallocate()
        plan.deinitialize(count: 1)
        plan.deallocate()
    }

    /// Control side: a plan with no steps.
    static func empty(id: Int) -> UnsafeMutablePointer<Plan> {
        let plan = UnsafeMutablePointer<Plan>.allocate(capacity: 1)
        plan.initialize(to: Plan(steps: .allocate(capacity: 0), ports: .allocate(capacity: 0), id: id))
        return plan
    }
}
