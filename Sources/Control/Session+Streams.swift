import AudioFiles
import Engine
import Foundation

/// File tracks longer than `streamThreshold` play from disk through a `StreamBuffer`
/// the `StreamReader` keeps filled, instead of being decoded whole: a two-hour stereo
/// file costs a second or two of read-ahead, not gigabytes. Each has two lanes, so a
/// clip edit is read into the one not sounding and crossed over to (`StreamPlayer`).
extension Session {
    /// Read-ahead per stream, in frames (about 2.7 s at 48 kHz).
    static let streamFrames = 1 << 17
    /// How far ahead of the transport a re-primed stream starts (about 85 ms at 48 kHz).
    static let streamLead = 4096

    /// Should `path` stream rather than decode? (Control side; reads the header only.)
    func opensForStreaming(_ path: String) throws -> StreamingFileReader? {
        guard streamer != nil else { return nil }
        let reader = try StreamingFileReader(path: path, sampleRate: sampleRate)
        return Double(reader.frames) / sampleRate > streamThreshold ? reader : nil
    }

    /// Session lock held: the stream source for `file` on track `id`, played as the
    /// track's position and clip say; throws when the clip does not fit the file.
    func streamNode(_ id: Int, _ file: StreamingFileReader, track: TrackSettings, slot: Int) throws -> NodeState {
        let placement = try clipPlacement(frames: file.frames, track: track)
        dropStream(id)
        let lanes = (StreamBuffer(channels: file.channels, frames: Self.streamFrames),
                     StreamBuffer(channels: file.channels, frames: Self.streamFrames))
        _ = lanes.0.claim(from: .idle, to: .sounding)
        streams[id] = (lanes, file)
        streamer?.add(lanes.0, file: file, placement: placement)
        streamer?.add(lanes.1, file: file, placement: placement)
        let node = StreamPlayer.node(lanes: lanes, lead: Self.streamLead, meterSlot: slot, rampFrames: Int(engine.config.rampFrames))
        let frame = engine.published.position.load(ordering: .relaxed)
        set(node, StreamPlayer.Parameter.prime.rawValue, Self.primeValue(frame))
        return node
    }

    /// Session lock held: track `id`'s stream plays `placement` from now on: the
    /// reader fills the lane that is not sounding with it, and the player crosses over.
    /// A lane in a crossover is waited for (a ramp's time while the engine runs).
    func editStream(_ id: Int, placement: ClipPlacement) throws {
        guard let s = streams[id], let streamer else { return }
        let deadline = DispatchTime.now().uptimeNanoseconds + 200_000_000
        while true {
            // The lane armed before and not crossed to yet, else the idle one.
            for lane in [s.lanes.0, s.lanes.1] where lane.laneState == .armed || lane.laneState == .idle {
                guard lane.claim(from: lane.laneState, to: .writing) else { continue }
                streamer.retarget(lane, placement: placement)
                lane.armings.wrappingIncrement(ordering: .releasing)
                lane.state.store(StreamLaneState.armed.rawValue, ordering: .releasing)
                return
            }
            guard DispatchTime.now().uptimeNanoseconds < deadline else {
                throw ControlError("track \(id)'s stream is still crossing over to its last edit; try again")
            }
            usleep(1000)
        }
    }

    /// Session lock held: the track no longer streams.
    func dropStream(_ id: Int) {
        if let s = streams.removeValue(forKey: id) {
            streamer?.remove(s.lanes.0)
            streamer?.remove(s.lanes.1)
        }
    }

    /// Session lock held: ask every stream for `frame` before the transport goes there.
    func primeStreams(at frame: Int64, time: UInt64) {
        for id in streams.keys {
            if let node = graph[.track(id)]?.source, node.kind == .stream {
                set(node, StreamPlayer.Parameter.prime.rawValue, Self.primeValue(frame), at: time)
            }
        }
    }

    /// A timeline frame as the prime parameter carries it: its high and low 24 bits.
    static func primeValue(_ frame: Int64) -> ParameterValue {
        let f = max(0, frame)
        return [Float(f >> 24), Float(f & 0xFF_FFFF)]
    }

    /// Frames the streamed tracks played as silence because the disk was late.
    public var streamUnderruns: Int { streamer?.underruns() ?? 0 }
}
