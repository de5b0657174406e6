/// The control side's description of the graph: nodes with their state and where each
/// input channel listens. Value types that may allocate freely; `GraphCompiler` turns
/// them into the flat schedule the realtime side runs.
public struct GraphDescription: Sendable {
    public var nodes: [Node]

    public init(nodes: [Node] = []) { self.nodes = nodes }

    /// One processor instance.
    public struct Node: Sendable {
        /// Stable id of the node (unique in the graph).
        public var key: Int
        public var state: NodeState
        /// For each input channel, the outputs feeding it: summed for a mix point
        /// (`.sum`), at most one for any other kind; none reads silence.
        public var inputs: [[PortRef]]
        /// Number of output channels.
        public var outputs: Int
        /// What errors call it ("track 3 strip").
        public var name: String

        public init(key: Int, state: NodeState, inputs: [[PortRef]] = [], outputs: Int, name: String = "") {
            self.key = key
            self.state = state
            self.inputs = inputs
            self.outputs = outputs
            self.name = name.isEmpty ? "node \(key)" : name
        }
    }
}

/// Output `channel` of node `node` (a key).
public struct PortRef: Hashable, Sendable {
    public var node: Int
    public var channel: Int

    public init(_ node: Int, _ channel: Int) {
        self.node = node
        self.channel = channel
    }
}

/// A graph the compiler refuses; nothing is installed.
public struct GraphError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
