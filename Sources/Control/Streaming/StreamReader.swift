import AudioFiles
import Engine
import Foundation
import Logging

/// The disk reader behind streamed file tracks: keeps each `StreamBuffer` filled with
/// the track's samples in timeline order, ahead of the transport. It follows the loop
/// (a wrap is a mark, not a re-prime), answers each player's request for a new
/// position, plays the clip into it (trim, gain and fades, one formula with decoded
/// clips: `ClipPlacement`), and converts sample rates (in `StreamingFileReader`)
/// here, off the audio thread. Any control thread may add and remove streams or set
/// the loop; the filling runs on the reader's own thread, or in `fill()` for tests
/// that render offline.
public final class StreamReader: @unchecked Sendable {
    // @unchecked Sendable: `jobs`, `loop` and `lowest` under `lock`; a job's fields
    // only under `fillLock`.
    final class Job {
        let buffer: StreamBuffer
        let file: StreamingFileReader
        /// Where the clip sits on the timeline, the part of the file it plays, its gain
        /// and fades.
        var placement: ClipPlacement
        var generation: UInt32 = 0
        var active = false
        /// When the latest request was first seen (for `answerDelay`).
        var seen: (generation: UInt32, at: UInt64)?
        /// Timeline frame of the next frame to write, and frames written so far.
        var position: Int64 = 0
        var produced: Int64 = 0
        var scratch: [Float]

        init(buffer: StreamBuffer, file: StreamingFileReader, placement: ClipPlacement) {
            self.buffer = buffer
            self.file = file
            self.placement = placement
            scratch = [Float](repeating: 0, count: StreamReader.chunk * buffer.channels)
        }
    }

    static let chunk = 4096
    let logger: Logger
    private let lock = NSLock()
    private let fillLock = NSLock()
    private var jobs: [Job] = []
    private var loop: (start: Int64, end: Int64, on: Bool) = (0, 0, false)
    /// The least read-ahead any stream had when the reader came round to top it up,
    /// in frames, since `resetLowest` (the margin before a stream would starve).
    private var lowest = Int.max
    private let thread = PollingThread()
    /// Seconds before a new position is answered: 0, except in tests standing in for a
    /// slow disk.
    let answerDelay: Double

    public init(logger: Logger = Logger(label: "dawg.streams"), answerDelay: Double = 0) {
        self.logger = logger
        self.answerDelay = answerDelay
    }

    /// Keep `buffer` filled from `file`, played as `placement` says, once its player
    /// asks for a position.
    public func add(_ buffer: StreamBuffer, file: StreamingFileReader, placement: ClipPlacement) {
        lock.withLock { jobs.append(Job(buffer: buffer, file: file, placement: placement)) }
        thread.signal()
    }

    /// From the player's next request on, fill `buffer` as `placement` says (an edited
    /// clip). Whatever run is under way when it changes is one the player no longer
    /// plays: the session arms the lane only after this returns.
    public func retarget(_ buffer: StreamBuffer, placement: ClipPlacement) {
        let job = lock.withLock { jobs.first { $0.buffer === buffer } }
        fillLock.withLock { job?.placement = placement }
        thread.signal()
    }

    public func remove(_ buffer: StreamBuffer) {
        lock.withLock { jobs.removeAll { $0.buffer === buffer } }
    }

    /// The transport's loop, which the read-ahead follows.
    public func setLoop(start: Int64, end: Int64, on: Bool) {
        lock.withLock { loop = (start, end, on && end > start) }
    }

    public func start() {
        thread.start(name: "dawg stream reader") { [self] in
            fill()
            return lock.withLock { jobs.isEmpty } ? nil : 10_000_000  // 10 ms: a small part of the read-ahead
        }
    }

    public func stop() { thread.stop() }

    /// Frames of silence the players played because this reader was late, in all.
    public func underruns() -> Int {
        lock.withLock { jobs.reduce(0) { $0 + $1.buffer.underruns.load(ordering: .relaxed) } }
    }

    /// One pass: answer new requests, top every buffer up.
    public func fill() {
        let (all, loop) = lock.withLock { (jobs, self.loop) }
        var least = Int.max
        fillLock.withLock {
            for job in all {
                if job.active && job.buffer.laneState == .sounding && job.generation == job.buffer.requestGeneration.load(ordering: .acquiring) {
                    least = min(least, job.buffer.framesWaiting)
                }
                fill(job, loop: loop)
            }
        }
        lock.withLock { lowest = min(lowest, least) }
    }

    /// Streams playing (a stream's sounding lane; the other waits for an edit), and the
    /// least read-ahead a sounding lane had (frames; nil before any).
    public func readAhead() -> (streams: Int, lowest: Int?) {
        lock.withLock { (jobs.count { $0.buffer.laneState == .sounding }, lowest == .max ? nil : lowest) }
    }

    public func resetLowest() { lock.withLock { lowest = .max } }

    private func fill(_ job: Job, loop: (start: Int64, end: Int64, on: Bool)) {
        let buffer = job.buffer, channels = buffer.channels
        while true {
            let generation = buffer.requestGeneration.load(ordering: .acquiring)
            if generation != job.generation && answerDelay > 0 {
                let now = DispatchTime.now().uptimeNanoseconds
                if job.seen?.generation != generation { job.seen = (generation, now) }
                if Double(now - job.seen!.at) < answerDelay * 1e9 { return }
            }
            if generation != job.generation {
                job.generation = generation
                job.position = buffer.requestPosition.load(ordering: .relaxed)
                job.active = true
                mark(job)
            }
            guard job.active else { return }
            let free = (buffer.ring.capacity - buffer.ring.count) / channels
            if free < Self.chunk / 4 { return }  // nearly full: top up on a later pass
            var n = min(free, Self.chunk)
            if loop.on && job.position < loop.end { n = min(n, Int(loop.end - job.position)) }
            render(job, frames: n)
            let written = job.scratch.withUnsafeBufferPointer { buffer.ring.writeSamples($0.baseAddress!, count: n * channels) }
            precondition(written == n * channels, "the ring had room for fewer frames than it said")
            job.produced += Int64(n)
            job.position += Int64(n)
            if loop.on && job.position == loop.end {
                job.position = loop.start
                mark(job)
            }
        }
    }

    /// A run starts at the next frame written: tell the player which timeline frame.
    private func mark(_ job: Job) {
        if !job.buffer.marks.push(StreamMark(generation: job.generation, frame: job.produced, position: job.position)) {
            logger.error("\(job.file.path): the stream's mark ring is full")
        }
    }

    /// `frames` frames for timeline frames from `job.position` into `job.scratch`:
    /// the clip where it lies, times its envelope; silence elsewhere.
    private func render(_ job: Job, frames: Int) {
        let channels = job.buffer.channels, clip = job.placement
        job.scratch.withUnsafeMutableBufferPointer { out in
            out.baseAddress!.update(repeating: 0, count: frames * channels)
            let into = job.position - clip.start  // clip frame of the first timeline frame
            let first = max(0, -into), last = min(Int64(frames), clip.length - into)
            guard first < last else { return }
            let base = out.baseAddress! + Int(first) * channels
            let got = job.file.read(at: clip.offset + into + first, into: base, frames: Int(last - first))  // past the file's end: silence
            guard !clip.isPlain else { return }
            for i in 0..<got {
                let g = clip.envelope(into + first + Int64(i))
                for c in 0..<channels { base[i * channels + c] *= g }
            }
        }
    }
}
