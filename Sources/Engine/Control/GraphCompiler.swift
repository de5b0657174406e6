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
        }
        // Resolve every input to (node index, channel) and check it.
        var sources: [[[(node: Int, channel: Int)]]] = []
        for n in nodes {
            var perChannel: [[(Int, Int)]] = []
            for list in n.inputs {
                if n.state.kind != .sum && list.count > 1 {
                    throw GraphError("\(n.name): an input channel of a \(n.state.kind) listens to \(list.count) outputs; only a mix point sums")
                }
                perChannel.append(try list.map { ref in
                    guard let s = index[ref.node] else { throw GraphError("\(n.name) listens to a node that is not in the graph (\(ref.node))") }
                    guard ref.channel >= 0, ref.channel < nodes[s].outputs else {
                        throw GraphError("\(n.name) listens to channel \(ref.channel) of \(nodes[s].name), which has \(nodes[s].outputs)")
                    }
                    return (s, ref.channel)
                })
            }
            sources.append(perChannel)
        }

        let order = try schedule(nodes, sources)
        var stepOf = [Int](repeating: 0, count: nodes.count)
        for (k, n) in order.enumerated() { stepOf[n] = k }

        // Who reads each output: (reader node, input channel).
        var readers: [[[(node: Int, channel: Int)]]] = nodes.map { [[(Int, Int)]](repeating: [], count: $0.outputs) }
        for (n, perChannel) in sources.enumerated() {
            for (c, list) in perChannel.enumerated() {
                for s in list { readers[s.node][s.channel].append((n, c)) }
            }
        }

        // Outputs that add straight into a mix point: producer (node, channel) → (sum, channel).
        var fused: [Int: [Int: (sum: Int, channel: Int)]] = [:]
        var fusedWriters: [Int: [Int: [Int]]] = [:]  // sum → channel → producer nodes
        for n in nodes.indices where nodes[n].state.kind != .sum {
            for c in 0..<nodes[n].outputs {
                let r = readers[n][c]
                guard r.count == 1, nodes[r[0].node].state.kind == .sum else { continue }
                fused[n, default: [:]][c] = (r[0].node, r[0].channel)
                fusedWriters[r[0].node, default: [:]][r[0].channel, default: []].append(n)
            }
        }

        // Liveness of every value that needs a buffer: an unfused output (its producer's
        // step to its last reader's), or a mix point's output (from its first writer).
        struct Value { var first: Int; var last: Int; var buffer = -1 }
        var values: [Int: Value] = [:]  // key: node * 64 + channel
        func key(_ n: Int, _ c: Int) -> Int { n * 64 + c }
        for n in nodes.indices {
            guard nodes[n].outputs <= 32 else { throw GraphError("\(nodes[n].name) has more than 32 outputs") }
            for c in 0..<nodes[n].outputs where fused[n]?[c] == nil {
                var first = stepOf[n]
                if let writers = fusedWriters[n]?[c] { first = min(first, writers.map { stepOf[$0] }.min()!) }
                let last = readers[n][c].map { stepOf[$0.node] }.max() ?? -1
                values[key(n, c)] = Value(first: first, last: last)
            }
        }

        // Assign buffers, step by step.
        var free = Array((2..<bufferCount).reversed())
        var starting: [Int: [Int]] = [:], ending: [Int: [Int]] = [:]
        for (k, v) in values {
            starting[v.first, default: []].append(k)
            if v.last >= 0 { ending[v.last, default: []].append(k) }
        }
        for step in order.indices {
            let n = order[step]
            var taken: Set<Int> = []
            for k in (starting[step] ?? []).sorted() {
                if values[k]!.last < 0 { values[k]!.buffer = discard; continue }
                // In place: output c over input c, when that input dies here and nothing
                // else in this node reads it.
                let c = k % 64
                if k / 64 == n, nodes[n].state.kind.processesInPlace, c < sources[n].count, sources[n][c].count == 1 {
                    let s = sources[n][c][0]
                    let sk = key(s.node, s.channel)
                    let readsElsewhere = sources[n].enumerated().contains { $0.offset != c && $0.element.contains { $0 == s } }
                    if let v = values[sk], v.last == step, v.buffer >= 2, !readsElsewhere, !taken.contains(sk) {
                        values[k]!.buffer = v.buffer
                        taken.insert(sk)
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

        // Lay out the steps.
        var steps: [Plan.Step] = []
        var ports: [Int] = []  // buffer indices, resolved to pointers below
        var layout: [(inputs: Int, inputCount: Int, outputs: Int, outputCount: Int)] = []
        for n in order {
            let node = nodes[n]
            var inputs: [Int] = []
            var accumulate: UInt32 = 0
            if node.state.kind == .sum {
                // Only what was not fused in: group g is the g-th remaining source of
                // every channel, silence where a channel has fewer.
                let remaining = sources[n].map { $0.filter { fused[$0.node]?[$0.channel] == nil } }
                let groups = remaining.map(\.count).max() ?? 0
                for g in 0..<groups {
                    for c in 0..<node.outputs {
                        let list = c < remaining.count ? remaining[c] : []
                        inputs.append(g < list.count ? values[key(list[g].node, list[g].channel)]!.buffer : silence)
                    }
                }
                for c in 0..<node.outputs where fusedWriters[n]?[c] != nil { accumulate |= 1 << UInt32(c) }
                if groups == 0 && node.outputs > 0 && accumulate == (UInt32(1) << UInt32(node.outputs)) - 1 {
                    continue  // every channel already written by its producers: nothing to do
                }
            } else {
                for list in sources[n] {
                    inputs.append(list.first.map { values[key($0.node, $0.channel)]!.buffer } ?? silence)
                }
            }
            var outputs: [Int] = []
            for c in 0..<node.outputs {
                if let target = fused[n]?[c] {
                    outputs.append(values[key(target.sum, target.channel)]!.buffer)
                    let writers = fusedWriters[target.sum]![target.channel]!
                    let firstWriter = writers.min { stepOf[$0] < stepOf[$1] }!
                    if firstWriter != n { accumulate |= 1 << UInt32(c) }
                } else {
                    outputs.append(values[key(n, c)]!.buffer)
                }
            }
            layout.append((ports.count, inputs.count, ports.count + inputs.count, outputs.count))
            ports += inputs
            ports += outputs
            steps.append(Plan.Step(
                kind: node.state.kind, state: node.state.pointer,
                inputs: UnsafeMutablePointer(bitPattern: 8)!, inputCount: Int32(inputs.count),
                outputs: UnsafeMutablePointer(bitPattern: 8)!, outputCount: Int32(outputs.count),
                accumulate: accumulate
            ))
        }

        let portPointers = UnsafeMutableBufferPointer<UnsafeMutablePointer<Float>>.allocate(capacity: max(1, ports.count))
        for (i, b) in ports.enumerated() { portPointers.initializeElement(at: i, to: buffer(b)) }
        let stepBuffer = UnsafeMutableBufferPointer<Plan.Step>.allocate(capacity: steps.count)
        for (i, var s) in steps.enumerated() {
            s.inputs = portPointers.baseAddress! + layout[i].inputs
            s.outputs = portPointers.baseAddress! + layout[i].outputs
            stepBuffer.initializeElement(at: i, to: s)
        }
        let plan = UnsafeMutablePointer<Plan>.allocate(capacity: 1)
        plan.initialize(to: Plan(steps: stepBuffer, ports: portPointers, id: id))
        return plan
    }

    /// Node indices in an order where every node follows its sources.
    static func schedule(_ nodes: [GraphDescription.Node], _ sources: [[[(node: Int, channel: Int)]]]) throws -> [Int] {
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
