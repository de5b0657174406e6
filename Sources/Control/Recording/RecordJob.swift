import AudioFiles
import Engine
import Store

/// The disk writer's side of one recording tap: where the stream has been read to and
/// the take being written. Touched only by the disk writer's thread.
final class RecordJob {
    let source: TakeSource
    let stream: RecordStream
    /// Frames taken from the stream so far (read, or written as silence for a gap):
    /// compared with each mark's `frame`.
    var consumed: Int64 = 0
    var file: StreamingFileWriter?
    var take: TakeRecord?
    /// Silence written for dropped frames in the open take.
    var takeOverruns: Int64 = 0
    /// Silence written for cycles the engine missed, in the open take.
    var takeSkipped: Int64 = 0
    var lastHeaderUpdate: UInt64 = 0
    /// The track is gone: close what is open once the stream is drained, then forget it.
    var retired = false
    /// Planar chunk read from the rings, and the same frames interleaved for the file.
    let planar: UnsafeMutablePointer<Float>
    let interleaved: UnsafeMutablePointer<Float>
    static let chunk = 8192

    init(source: TakeSource, stream: RecordStream) {
        self.source = source
        self.stream = stream
        planar = .allocate(capacity: Self.chunk * stream.channels)
        interleaved = .allocate(capacity: Self.chunk * stream.channels)
        interleaved.initialize(repeating: 0, count: Self.chunk * stream.channels)
    }

    deinit {
        planar.deallocate()
        interleaved.deallocate()
    }

    /// Read `count` (≤ `chunk`) frames from every channel's ring into `interleaved`.
    func readFrames(_ count: Int) {
        let channels = stream.channels
        for c in 0..<channels {
            let got = stream.ring(c).read(into: planar + c * Self.chunk, count: count)
            precondition(got == count, "the rings hold fewer frames than framesWaiting said")
        }
        if channels == 1 {
            interleaved.update(from: planar, count: count)
        } else {
            for c in 0..<channels {
                let src = planar + c * Self.chunk
                for i in 0..<count { interleaved[i * channels + c] = src[i] }
            }
        }
    }

    /// Silence for `count` (≤ `chunk`) frames in `interleaved`.
    func silence(_ count: Int) {
        interleaved.update(repeating: 0, count: count * stream.channels)
    }
}
