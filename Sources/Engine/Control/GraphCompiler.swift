/// Control side: turns a `GraphDescription` into a `Plan`.
///
/// 1. Orders the nodes so each runs after everything it reads (depth-first, keeping the
///    description's order where it is free); a cycle is an error naming its nodes.
/// 2. Lets an output whose only listener is a mix point add straight into that mix
///    point's buffer (the first writer in the schedule replaces, the rest add), so a
///    plain mix costs no summing pass.
/// 3. Assigns pool buffers by liveness: a buffer is free again after the last step that
///    reads it; kinds that process in place write over an input that dies with them.
///    Buffer 0 is always silence (unconnected inputs); buffer 1 takes writes no one reads.
public enum GraphCompiler {
    static let silence = 0
    static let discard = 1

    /// Output (or, for readers, input) `channel` of the node at index `node`.
    struct Port: Hashable, Comparable {
        var node: Int
        var channel: Int
        static func < (a: Port, b: Port) -> Bool { (a.node, a.channel) < (b.node, b.channel) }
    }

    /// - Parameters:
    ///   - buffer: the address of pool buffer `i`.
    ///   - bufferCount: buffers in the pool.
    public static func compile(
        _ graph: GraphDescription, id: Int, bufferCount: Int, buffer: (Int) -> UnsafeMutablePointer<Float>
    ) throws -> UnsafeMutablePointer<Plan> {
        let nodes = graph.nodes
        var index: [Int: Int] = [:]
        for (i, n) in nodes.enumerated() {
            if index.updateValue(i, forKey: n.key) != nil { throw GraphError("two nodes have the key \(n.key)") }
            // The accumulate mask has a bit per output.
            guard n.outputs <= 32 else { throw GraphError("\(n.name) has more than 32 outputs") }
        }
        // Resolve every input to the output it listens to, and check it.
        var sources: [[[Port]]] = []
        for n in nodes {
            var perChannel: [[Port]] = []
            for list in n.inputs {
                if n.state.kind != .sum && list.count > 1 {
                    throw GraphError("\(n.name): an input channel of a \(n.state.kind) listens to \(list.count) outputs; only a mix point sums")
                }
                perChannel.append(try list.map { ref in
                    guard let s = index[ref.node] else { throw GraphError("\(n.name) listens to a node that is not in the graph (\(ref.node))") }
                    guard ref.channel >= 0, ref.channel < nodes[s].outputs else {
                        throw GraphError("\(n.name) listens to channel \(ref.channel) of \(nodes[s].name), which has \(nodes[s].outputs)")
                    }
                    return Port(node: s, channel: ref.channel)
                })
            }
            sources.append(perChannel)
        }

        let order = try schedule(nodes, sources)
        var stepOf = [Int](repeating: 0, count: nodes.count)
        for (k, n) in order.enumerated() { stepOf[n] = k }

        // Who reads each output: the reader's input ports.
        var readers: [Port: [Port]] = [:]
        for (n, perChannel) in sources.enumerated() {
            for (c, list) in perChannel.enumerated() {
                for s in list { readers[s, default: []].append(Port(node: n, channel: c)) }
            }
        }

        // Outputs that add straight into a mix point: producer output → mix point output,
        // and each mix point output's producers.
        var fused: [Port: Port] = [:]
        var fusedWriters: [Port: [Int]] = [:]
        for n in nodes.indices where nodes[n].state.kind != .sum {
            for c in 0..<nodes[n].outputs {
                let output = Port(node: n, channel: c)
                guard let r = readers[output], r.count == 1, nodes[r[0].node].state.kind == .sum else { continue }
                fused[output] = r[0]
                fusedWriters[r[0], default: []].append(n)
            }
        }

        // Liveness of every value that needs a buffer: an unfused output (its producer's
        // step to its last reader's), or a mix point's output (from its first writer).
        struct Value { var first: Int; var last: Int; var buffer = -1 }
        var values: [Port: Value] = [:]
        for n in nodes.indices {
            for c in 0..<nodes[n].outputs where fused[Port(node: n, channel: c)] == nil {
                let output = Port(node: n, channel: c)
                var first = stepOf[n]
                if let writers = fusedWriters[output] { first = min(first, writers.map { stepOf[$0] }.min()!) }
                let last = readers[output]?.map { stepOf[$0.node] }.max() ?? -1
                values[output] = Value(first: first, last: last)
            }
        }

        // Assign buffers, step by step.
        var free = Array((2..<bufferCount).reversed())
        var starting: [Int: [Port]] = [:], ending: [Int: [Port]] = [:]
        for (k, v) in values {
            starting[v.first, default: []].append(k)
            if v.last >= 0 { ending[v.last, default: []].append(k) }
        }
        for step in order.indices {
            let n = order[step]
            var taken: Set<Port> = []
            for k in (starting[step] ?? []).sorted() {
                if values[k]!.last < 0 { values[k]!.buffer = discard; continue }
                // In place: output c over input c, when that input dies here and nothing
                // else in this node reads it.
                let c = k.channel
                if k.node == n, nodes[n].state.kind.processesInPlace, c < sources[n].count, sources[n][c].count == 1 {
                    let s = sources[n][c][0]
                    let readsElsewhere = sources[n].enumerated().contains { $0.offset != c && $0.element.contains(s) }
                    if let v = values[s], v.last == step, v.buffer >= 2, !readsElsewhere, !taken.contains(s) {
                        values[k]!.buffer = v.buffer
                        taken.insert(s)
                        continue
                    }
                }
                guard let b = free.popLast() else {
                    throw GraphError("the graph needs more than \(bufferCount) buffers at once")
                }
                values[k]!.buffer = b
            }
            for k in ending[step] ?? [] where !taken.contains(k) { free.append(values[k]!.buffer) }
        }

        // Lay out the steps: each one's input and output buffers.
        var entries: [(node: GraphDescription.Node, inputs: [Int], outputs: [Int], accumulate: UInt32)] = []
        for n in order {
            let node = nodes[n]
            var inputs: [Int] = []
            var accumulate: UInt32 = 0
            if node.state.kind == .sum {
                // Only what was not fused in: group g is the g-th remaining source of
                // every channel, silence where a channel has fewer.
                let remaining = sources[n].map { $0.filter { fused[$0] == nil } }
                let groups = remaining.map(\.count).max() ?? 0
                for g in 0..<groups {
                    for c in 0..<node.outputs {
                        let list = c < remaining.count ? remaining[c] : []
                        inputs.append(g < list.count ? values[list[g]]!.buffer : silence)
                    }
                }
                for c in 0..<node.outputs where fusedWriters[Port(node: n, channel: c)] != nil { accumulate |= 1 << UInt32(c) }
                if groups == 0 && node.outputs > 0 && accumulate == (UInt32(1) << UInt32(node.outputs)) - 1 {
                    continue  // every channel already written by its producers: nothing to do
                }
            } else {
                for list in sources[n] {
                    inputs.append(list.first.map { values[$0]!.buffer } ?? silence)
                }
            }
            var outputs: [Int] = []
            for c in 0..<node.outputs {
                if let target = fused[Port(node: n, channel: c)] {
                    outputs.append(values[target]!.buffer)
                    let firstWriter = fusedWriters[target]!.min { stepOf[$0] < stepOf[$1] }!
                    if firstWriter != n { accumulate |= 1 << UInt32(c) }
                } else {
                    outputs.append(values[Port(node: n, channel: c)]!.buffer)
                }
            }
            entries.append((node, inputs, outputs, accumulate))
        }

        // Resolve buffers to pointers, every step's ports in one allocation.
        let portCount = entries.reduce(0) { $0 + $1.inputs.count + $1.outputs.count }
        let ports = UnsafeMutableBufferPointer<UnsafeMutablePointer<Float>>.allocate(capacity: max(1, portCount))
        let steps = UnsafeMutableBufferPointer<Plan.Step>.allocate(capacity: entries.count)
        var next = ports.baseAddress!
        for (i, e) in entries.enumerated() {
            let inputs = next, outputs = next + e.inputs.count
            for (j, b) in (e.inputs + e.outputs).enumerated() { (next + j).initialize(to: buffer(b)) }
            next += e.inputs.count + e.outputs.count
            steps.initializeElement(at: i, to: Plan.Step(
                kind: e.node.state.kind, state: e.node.state.pointer,
                inputs: inputs, inputCount: Int32(e.inputs.count),
                outputs: outputs, outputCount: Int32(e.outputs.count), accumulate: e.accumulate
            ))
        }
        let plan = UnsafeMutablePointer<Plan>.allocate(capacity: 1)
        plan.initialize(to: Plan(steps: steps, ports: ports, id: id))
        plan.pointee.streams = entries.count { $0.node.state.kind == .stream }
        return plan
    }

    /// Node indices in an order where every node follows its sources.
    static func schedule(_ nodes: [GraphDescription.Node], _ sources: [[[Port]]]) throws -> [Int] {
        enum Mark { case unvisited, visiting, done }
        var marks = [Mark](repeating: .unvisited, count: nodes.count)
        var order: [Int] = []
        order.reserveCapacity(nodes.count)
        var path: [Int] = []
        func visit(_ n: Int) throws {
            switch marks[n] {
            case .done: return
            case .visiting:
                let cycle = path[path.lastIndex(of: n)!...].map { nodes[$0].name } + [nodes[n].name]
                throw GraphError("that would make a cycle: \(cycle.joined(separator: " → "))")
            case .unvisited: break
            }
            marks[n] = .visiting
            path.append(n)
            for list in sources[n] { for s in list { try visit(s.node) } }
            path.removeLast()
            marks[n] = .done
            order.append(n)
        }
        for n in nodes.indices { try visit(n) }
        return order
    }
}
