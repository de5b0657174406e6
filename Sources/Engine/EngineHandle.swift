
/// The control side's hold on the engine: owns the realtime core and its memory,
/// pushes commands, installs plans and frees the ones handed back.
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
        /// Objects that must outlive each plan still held by the realtime side.
        var keepAlive: [Int: [AnyObject]] = [:]
        var plansInFlight = 0
        var current: UnsafeMutablePointer<Plan>
    }
    private var _state: State
    private let lock = ControlLock()

    public init(config: EngineConfig) {
        self.config = config
        let empty = Plan.compile(GraphDescription(), id: 0)
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
        lock.withLock { core.pointee.commands.push(TimedCommand(time: time, command: command)) }
    }

    /// Any control thread: compile `graph` and hand it to the realtime side. `keepAlive`
    /// holds what the plan points into (decoded audio) until the plan is retired.
    @discardableResult
    public func install(_ graph: GraphDescription, keepAlive: [AnyObject] = []) -> Bool {
        collectRetired()
        return lock.withLock {
            // Leave room in the retired ring for every plan the realtime side may return.
            if _state.plansInFlight >= core.pointee.retired.capacity - 1 { return false }
            let plan = Plan.compile(graph, id: _state.nextPlanID)
            _state.nextPlanID += 1
            guard core.pointee.commands.push(TimedCommand(command: .installPlan(plan))) else {
                Plan.deallocate(plan)
                return false
            }
            _state.keepAlive[plan.pointee.id] = keepAlive
            _state.plansInFlight += 1
            _state.current = plan
            return true
        }
    }

    /// Any control thread: free the plans the realtime side has handed back, and the
    /// audio they alone kept alive. Returns how many were freed.
    @discardableResult
    public func collectRetired() -> Int {
        lock.withLock {
            var freed = 0
            while let old = core.pointee.retired.pop() {
                _state.keepAlive[old.pointee.id] = nil
                Plan.deallocate(old)
                _state.plansInFlight -= 1
                freed += 1
            }
            return freed
        }
    }

    public var published: Published { core.pointee.published }

    /// Seconds ↔ frames at the engine rate.
    public func frames(seconds: Double) -> Int64 { Int64((seconds * config.sampleRate).rounded()) }
    public func seconds(frames: Int64) -> Double { Double(frames) / config.sampleRate }
}
