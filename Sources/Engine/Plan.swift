/// The compiled graph: flat arrays the realtime side walks in order. Built and freed
/// on the control side only; immutable while the realtime side holds it.
public struct Plan {
    public struct Track {
        public var strip: Int32
        public var kind: SourceKind
        public var stereo: Bool
        public var input: Int32
        public var clips: UnsafeMutableBufferPointer<Clip>
        public var sends: UnsafeMutableBufferPointer<Send>
    }

    public struct Clip {
        public var left: UnsafePointer<Float>
        public var right: UnsafePointer<Float>
        public var start: Int64
        public var length: Int64
        public var offset: Int64
    }

    public struct Send {
        public var bus: Int32
        public var preFader: Bool
    }

    public struct Bus {
        public var strip: Int32
        public var bus: Int32
    }

    public enum SourceKind: UInt8 {
        case silent, input, clips
    }

    public var tracks: UnsafeMutableBufferPointer<Track>
    public var buses: UnsafeMutableBufferPointer<Bus>
    /// Identifies the plan to its owner when it comes back retired.
    public var id: Int

    /// Control side: allocate a plan for `graph`. Free it with `deallocate`.
    public static func compile(_ graph: GraphDescription, id: Int) -> UnsafeMutablePointer<Plan> {
        let tracks = UnsafeMutableBufferPointer<Track>.allocate(capacity: graph.tracks.count)
        for (i, node) in graph.tracks.enumerated() {
            var kind = SourceKind.silent, input: Int32 = 0, stereo = false
            var clips: [Clip] = []
            switch node.source {
            case .silent: break
            case .input(let port):
                kind = .input
                input = Int32(port)
            case .clips(let nodes, let isStereo):
                kind = .clips
                stereo = isStereo
                clips = nodes.map { Clip(left: $0.left, right: $0.right, start: $0.start, length: $0.length, offset: $0.offset) }
            }
            tracks[i] = Track(
                strip: Int32(node.strip), kind: kind, stereo: stereo, input: input,
                clips: copy(clips),
                sends: copy(node.sends.map { Send(bus: Int32($0.bus), preFader: $0.preFader) })
            )
        }
        let plan = UnsafeMutablePointer<Plan>.allocate(capacity: 1)
        plan.initialize(to: Plan(
            tracks: tracks,
            buses: copy(graph.buses.map { Bus(strip: Int32($0.strip), bus: Int32($0.bus)) }),
            id: id
        ))
        return plan
    }

    /// Control side, once the realtime side has handed the plan back.
    public static func deallocate(_ plan: UnsafeMutablePointer<Plan>) {
        for t in plan.pointee.tracks {
            t.clips.deallocate()
            t.sends.deallocate()
        }
        plan.pointee.tracks.deallocate()
        plan.pointee.buses.deallocate()
        plan.deinitialize(count: 1)
        plan.deallocate()
    }

    private static func copy<T>(_ items: [T]) -> UnsafeMutableBufferPointer<T> {
        let buffer = UnsafeMutableBufferPointer<T>.allocate(capacity: items.count)
        _ = buffer.initialize(from: items)
        return buffer
    }
}
