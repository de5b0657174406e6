/// The control side's hold on the engine: owns the realtime core and its memory,
/// pushes commands, compiles and installs schedules and frees the ones handed back.
///
/// Any control-side thread may call it; pushes are serialised by a mutex so the
/// command ring keeps a single producer. The realtime side only ever sees `core`.
public final class EngineHandle: @unchecked Sendable {
    // @unchecked Sendable: mutable state is only touched under `lock`; `core` is shared with the
    // process thread only through its rings and atomics.
    public let config: EngineConfig
    /// The realtime side. Pass this pointer to the process callback.
    public let core: UnsafeMutablePointer<RealtimeCore>

    private struct State {
        var nextPlanID = 1
        /// The nodes of each plan still held by the realtime side (and whatever those
        /// keep alive).
        var keepAlive: [Int: [NodeState]] = [:]
        var plansInFlight = 0
        var current: UnsafeMutablePointer<Plan>
        /// Nodes a timed command will reach, kept until its time has passed even if
        /// the node has left the graph.
        var lingering: [(node: NodeState, until: UInt64)] = []
        var pushed = 0
    }
    private var _state: State
    private let lock = ControlLock()

    public init(config: EngineConfig) {
        self.config = config
        let empty = Plan.empty(id: 0)
        core = .allocate(capacity: 1)
        core.initialize(to: RealtimeCore(config: config, emptyPlan: empty))
        _state = State(current: empty)
    }

    deinit {
        collectRetired()
        Plan.deallocate(_state.current)
        core.pointee.destroy()
        core.deinitialize(count: 1)
        core.deallocate()
    }

    /// Any control thread. False when the ring is full: the command is dropped and the
    /// caller should report it.
    @discardableResult
    public func send(_ command: Command, at time: UInt64 = 0) -> Bool {
        lock.withLock {
            _state.pushed += 1
            return core.pointee.commands.push(TimedCommand(time: time, command: command))
        }
    }

    /// Commands pushed so far (plans included): what a change cost in commands.
    public var commandsPushed: Int { lock.withLock { _state.pushed } }

    /// Any control thread: set parameter `index` of `node` at engine time `time`
    /// (0: now). False when the ring is full.
    @discardableResult
    public func set(_ node: NodeState, _ index: Int32, _ value: ParameterValue, at time: UInt64 = 0) -> Bool {
        lock.withLock {
            _state.pushed += 1
            let ok = core.pointee.commands.push(TimedCommand(
                time: time, command: .parameter(kind: node.kind, node: node.pointer, index: index, value: value)
            ))
            // The command keeps its node alive until it has been applied: a node that is
            // in no plan (an insert switched off and pruned) and that the session drops
            // next (a patch load, a removed strip) must outlive the command in the ring.
            // An immediate one is applied by the cycle after the next to finish at most.
            let clock = core.pointee.published.clock.load(ordering: .relaxed)
            if ok { _state.lingering.append((node, time != 0 ? time : clock &+ UInt64(config.maxFrames))) }
            return ok
        }
    }

    /// Any control thread: set a one-value parameter.
    @discardableResult
    public func set(_ node: NodeState, _ index: Int32, _ value: Float, at time: UInt64 = 0) -> Bool {
        set(node, index, [value], at: time)
    }

    /// Any control thread: check that `graph` compiles (no cycle, enough buffers)
    /// without installing it.
    public func validate(_ graph: GraphDescription) throws {
        let plan = try compile(graph, id: -1)
        Plan.deallocate(plan)
    }

    /// Any control thread: compile `graph` and hand it to the realtime side. Throws
    /// (and installs nothing) when the graph has a cycle or needs too many buffers;
    /// false when the realtime side is not taking plans. The plan keeps its nodes (and
    /// what they keep) alive until it is retired.
    @discardableResult
    public func install(_ graph: GraphDescription) throws -> Bool {
        collectRetired()
        let plan = try compile(graph, id: 0)
        return lock.withLock {
            // Leave room in the retired ring for every plan the realtime side may return.
            guard _state.plansInFlight < core.pointee.retired.capacity - 1 else {
                Plan.deallocate(plan)
                return false
            }
            plan.pointee.id = _state.nextPlanID
            _state.nextPlanID += 1
            guard core.pointee.commands.push(TimedCommand(command: .installPlan(plan))) else {
                Plan.deallocate(plan)
                return false
            }
            _state.keepAlive[plan.pointee.id] = graph.nodes.map(\.state)
            _state.plansInFlight += 1
            _state.current = plan
            return true
        }
    }

    private func compile(_ graph: GraphDescription, id: Int) throws -> UnsafeMutablePointer<Plan> {
        let core = self.core
        return try GraphCompiler.compile(graph, id: id, bufferCount: config.maxBuffers) { core.pointee.buffer($0) }
    }

    /// Any control thread: free the plans the realtime side has handed back, and the
    /// nodes and audio they alone kept alive. Returns how many plans were freed.
    @discardableResult
    public func collectRetired() -> Int {
        let dead: ([[NodeState]], [NodeState], Int) = lock.withLock {
            var released: [[NodeState]] = []
            var freed = 0
            while let old = core.pointee.retired.pop() {
                if let kept = _state.keepAlive.removeValue(forKey: old.pointee.id) { released.append(kept) }
                Plan.deallocate(old)
                _state.plansInFlight -= 1
                freed += 1
            }
            let now = core.pointee.published.clock.load(ordering: .relaxed)
            var expired: [NodeState] = []
            if !_state.lingering.isEmpty {
                expired = _state.lingering.filter { $0.until < now }.map(\.node)
                _state.lingering.removeAll { $0.until < now }
            }
            return (released, expired, freed)
        }
        // The last references drop here, outside the lock: node memory is freed now.
        return dead.2
    }

    public var published: Published { core.pointee.published }

    /// The control thread that drains events (one at a time): everything the process
    /// thread has reported since the last call, oldest first.
    public func drainEvents(_ body: (RealtimeEvent) -> Void) {
        while let e = core.pointee.events.pop() { body(e) }
    }

    /// Seconds ↔ frames at the engine rate.
    public func frames(seconds: Double) -> Int64 { Int64((seconds * config.sampleRate).rounded()) }
    public func seconds(frames: Int64) -> Double { Double(frames) / config.sampleRate }
}
