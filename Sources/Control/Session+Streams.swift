import AudioFiles
import Engine

/// File tracks longer than `streamThreshold` play from disk through a `StreamBuffer`
/// the `StreamReader` keeps filled, instead of being decoded whole: a two-hour stereo
/// file costs a second or two of read-ahead, not gigabytes.
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

    /// Session lock held: the stream source for `file` at `position` seconds on track `id`.
    func streamNode(_ id: Int, _ file: StreamingFileReader, at position: Double, slot: Int) -> NodeState {
        dropStream(id)
        let buffer = StreamBuffer(channels: file.channels, frames: Self.streamFrames)
        streams[id] = (buffer, file)
        streamer?.add(buffer, file: file, start: engine.frames(seconds: position))
        let node = StreamPlayer.node(buffer: buffer, lead: Self.streamLead, meterSlot: slot)
        let frame = engine.published.position.load(ordering: .relaxed)
        set(node, StreamPlayer.Parameter.prime.rawValue, Self.primeValue(frame))
        return node
    }

    /// Session lock held: the track no longer streams.
    func dropStream(_ id: Int) {
        if let s = streams.removeValue(forKey: id) { streamer?.remove(s.buffer) }
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
