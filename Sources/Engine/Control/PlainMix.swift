/// Control side: the smallest useful graph — sources, each through a strip, into a
/// master strip and the host's outputs. For benchmarks and tests that need no session;
/// the session builds its own, richer graph (Control/Session+Graph.swift).
public struct PlainMix {
    public let masterStrip: NodeState
    public private(set) var graph = GraphDescription()
    private var mix: [[PortRef]] = [[], []]
    private let config: EngineConfig

    static let masterSum = -1, masterKey = -2, outputKey = -3

    public init(config: EngineConfig, master: StripProcessor.Gains = .init()) {
        self.config = config
        masterStrip = StripProcessor.node(gains: master, meterSlot: EngineConfig.masterStrip, rampFrames: config.rampFrames)
    }

    /// Add a source (channels it outputs) through `inserts` in series and a new strip
    /// at `gains` publishing meters on `slot`; `tap`, a sink (a recorder tap), hears the
    /// source. Returns the strip's node.
    @discardableResult
    public mutating func add(
        source: NodeState?, channels: Int = 1, inserts: [NodeState] = [], tap: NodeState? = nil,
        gains: StripProcessor.Gains, slot: Int
    ) -> NodeState {
        var signal: [[PortRef]] = [[]]
        if let source {
            let key = graph.nodes.count
            graph.nodes.append(.init(key: key, state: source, outputs: channels))
            signal = (0..<channels).map { [PortRef(key, $0)] }
        }
        if let tap {
            graph.nodes.append(.init(key: graph.nodes.count, state: tap, inputs: signal, outputs: 0))
        }
        for insert in inserts {
            let key = graph.nodes.count
            graph.nodes.append(.init(key: key, state: insert, inputs: signal, outputs: signal.count))
            signal = (0..<signal.count).map { [PortRef(key, $0)] }
        }
        let key = graph.nodes.count
        let strip = StripProcessor.node(gains: gains, meterSlot: slot, rampFrames: config.rampFrames)
        graph.nodes.append(.init(key: key, state: strip, inputs: signal, outputs: 2))
        mix[0].append(PortRef(key, 0))
        mix[1].append(PortRef(key, 1))
        return strip
    }

    /// The graph with the master at the end.
    public func description() -> GraphDescription {
        var g = graph
        g.nodes.append(.init(key: Self.masterSum, state: SumProcessor.node(), inputs: mix, outputs: 2, name: "master mix"))
        g.nodes.append(.init(key: Self.masterKey, state: masterStrip, inputs: [[PortRef(Self.masterSum, 0)], [PortRef(Self.masterSum, 1)]], outputs: 2, name: "master"))
        g.nodes.append(.init(key: Self.outputKey, state: MasterOutput.node(), inputs: [[PortRef(Self.masterKey, 0)], [PortRef(Self.masterKey, 1)]], outputs: 0, name: "output"))
        return g
    }
}
