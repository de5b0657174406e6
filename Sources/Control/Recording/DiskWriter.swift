import AudioFiles
import Engine
import Foundation
import Logging
import Store

/// The recorder's disk thread: drains every armed tap's `RecordStream` into take files
/// with libsndfile, and keeps the project store's `takes` rows in step.
///
/// One take per pass: a start mark opens `<takes folder>/<source>/<n>.<ext>` (`takes/3/1.wav`
/// by default) and inserts its row
/// as `recording`; samples are appended in chunks; a dropped mark writes silence (the
/// take keeps its length and alignment) and is reported, and so does a skipped mark
/// (cycles the engine missed); an end mark closes the file,
/// checksums it and marks the row `complete`. Headers are rewritten every
/// `headerInterval`, so a `kill -9` leaves a readable file missing at most that much.
/// A write that fails (a full disk) closes the take with what it holds and reports.
///
/// All methods may be called from any control thread; the work runs on the writer's own
/// thread (or in `drain()`, for tests that render offline).
public final class DiskWriter: @unchecked Sendable {
    // @unchecked Sendable: `jobs`, `folder`, `latency`, `handler` and `openFrames` are
    // touched under `lock`; a job itself only by whoever holds `drainLock` (the writer
    // thread, or a test calling `drain`).
    public enum Event: Sendable {
        case started(TakeRecord)
        case finished(TakeRecord)
        /// Frames the disk could not take in time (written as silence).
        case overrun(TakeSource, frames: Int64)
        /// Frames that never reached the engine: it missed JACK cycles while the
        /// transport rolled on (written as silence).
        case xrun(TakeSource, frames: Int64)
        case failed(TakeSource, String)
    }

    public struct Options: Sendable {
        public var format: RecordFormat = .wavFloat
        /// How often an open take's header is rewritten (crash safety), seconds.
        public var headerInterval: Double = 0.5
        /// How often the thread looks at the rings while anything is armed, seconds.
        public var pollInterval: Double = 0.1
        /// Testing aid: a pause before every chunk written, seconds (a slow disk).
        public var throttle: Double = 0
        public init() {}
    }

    public let store: ProjectStore
    let paths: ProjectPaths
    /// The rate of the takes opened from now on (the engine's, which may change).
    public var sampleRate: Int {
        get { lock.withLock { _sampleRate } }
        set { lock.withLock { _sampleRate = newValue } }
    }
    private var _sampleRate: Int
    let options: Options
    let logger: Logger
    /// Frames to take off a pass's timeline position (the input's capture latency plus
    /// the outputs' playback latency), so the take lands where it was heard.
    private var latency: @Sendable (TakeSource) -> Int64 = { _ in 0 }
    private var handler: @Sendable (Event) -> Void = { _ in }

    private let lock = NSLock()
    private let drainLock = NSLock()
    private var jobs: [RecordJob] = []
    /// Where new takes go, relative to the project directory.
    private var folder = "takes"
    /// Frames in the longest take open now (for feedback; written after each pass).
    private var openFrames: Int64 = 0
    private let thread = PollingThread()

    public init(
        store: ProjectStore, paths: ProjectPaths, sampleRate: Int, options: Options = Options(),
        logger: Logger = Logger(label: "dawg.recorder")
    ) {
        self.store = store
        self.paths = paths
        self._sampleRate = sampleRate
        self.options = options
        self.logger = logger
    }

    /// How many frames before its recorded position each source's audio was heard
    /// (asked when a take opens, on the writer's thread).
    public func latency(_ compensation: @escaping @Sendable (TakeSource) -> Int64) {
        lock.withLock { latency = compensation }
    }

    /// Who hears about takes, overruns and failures (the OSC feedback); called on the
    /// writer's thread.
    public func onEvent(_ handler: @escaping @Sendable (Event) -> Void) {
        lock.withLock { self.handler = handler }
    }

    private func onEvent(_ event: Event) {
        lock.withLock { handler }(event)
    }

    /// Start draining `stream` (a tap was made for `source`).
    public func add(_ stream: RecordStream, for source: TakeSource) {
        lock.withLock { jobs.append(RecordJob(source: source, stream: stream)) }
        thread.signal()
    }

    /// The stream's tap is gone: finish its open take once what it wrote is on disk.
    public func retire(_ stream: RecordStream) {
        lock.withLock { for job in jobs where job.stream === stream { job.retired = true } }
        thread.signal()
    }

    /// Runs the writer thread until `stop`.
    public func start() {
        thread.start(name: "dawg disk writer") { [self] in
            drain()
            // With nothing armed, sleep until a tap is made; otherwise look often
            // enough that the rings stay far from full.
            return lock.withLock { jobs.isEmpty } ? nil : UInt64(options.pollInterval * 1e9)
        }
    }

    /// Drains what the taps have written, closes every open take and ends the thread.
    public func stop() {
        thread.stop()
        let all = lock.withLock { jobs }
        drainLock.withLock {
            for job in all {
                drain(job)
                close(job, state: .complete)
            }
        }
    }

    /// How full each tap's rings are (frames waiting over capacity), by source.
    public func ringFill() -> [(TakeSource, Double)] {
        lock.withLock { jobs.map { ($0.source, Double($0.stream.framesWaiting) / Double($0.stream.capacity)) } }
    }

    /// Put new takes under `relative` (inside the project directory; made if missing).
    /// Throws for a path outside the project.
    public func setFolder(_ relative: String) throws {
        try makeFolders(relative)
        let canonical = paths.relative(try paths.resolve(relative, mustExist: true))
        guard canonical != paths.root else { throw ControlError("takes need a folder inside the project directory, not the directory itself") }
        lock.withLock { folder = canonical }
    }

    /// Where new takes go, relative to the project directory.
    public var takesFolder: String { lock.withLock { folder } }

    /// Make `relative` and its parents inside the project, level by level, each checked
    /// before it is made: no `..` or link may lead outside.
    private func makeFolders(_ relative: String) throws {
        var built = relative.hasPrefix("/") ? "/" : ""
        for part in relative.split(separator: "/") {
            built += (built.isEmpty || built.hasSuffix("/") ? "" : "/") + part
            let absolute = try paths.resolve(built, mustExist: false)
            if !FileManager.default.fileExists(atPath: absolute) {
                try FileManager.default.createDirectory(atPath: absolute, withIntermediateDirectories: false)
            }
        }
    }

    /// Seconds in the longest take open now (0 when none is open).
    public func openTakeSeconds() -> Double {
        Double(lock.withLock { openFrames }) / Double(sampleRate)
    }

    /// Frames lost to full rings since each tap was made.
    public func overruns() -> [(TakeSource, Int)] {
        lock.withLock { jobs.map { ($0.source, $0.stream.overrunFrames.load(ordering: .relaxed)) } }
    }

    /// Frames of takes the engine never received (missed cycles) since each tap was made.
    public func skips() -> [(TakeSource, Int)] {
        lock.withLock { jobs.map { ($0.source, $0.stream.skippedFrames.load(ordering: .relaxed)) } }
    }

    /// One pass over every stream: write what is waiting, act on the marks.
    public func drain() {
        let all = lock.withLock { jobs }
        drainLock.withLock {
            var longest: Int64 = 0
            defer { lock.withLock { openFrames = longest } }
            for job in all {
                drain(job)
                longest = max(longest, job.file?.frames ?? 0)
                if lock.withLock({ job.retired }) && job.stream.framesWaiting == 0 && job.stream.marks.peek() == nil {
                    close(job, state: .complete)
                    lock.withLock { jobs.removeAll { $0 === job } }
                }
            }
        }
    }

    private func drain(_ job: RecordJob) {
        while true {
            // Samples first, then the marks (see `RecordStream.framesWaiting`).
            let waiting = Int64(job.stream.framesWaiting)
            let mark = job.stream.marks.peek()
            if let mark, mark.frame == job.consumed {
                _ = job.stream.marks.pop()
                act(on: mark, job)
                continue
            }
            let limit = mark.map { $0.frame - job.consumed } ?? .max
            if let mark, limit < 0 || (limit > waiting && limit > Int64(job.stream.framesWaiting)) {
                // Only after a mark was lost to a full mark ring (`lostMarks`): the
                // samples before this mark are not all there. Keep what is, pad the rest
                // with silence so later takes stay aligned, and say so.
                resynchronise(job, at: mark)
                continue
            }
            let count = Int(min(waiting, limit, Int64(RecordJob.chunk)))
            if count <= 0 { break }
            job.readFrames(count)
            job.consumed += Int64(count)
            append(count, job)
        }
        if let file = job.file, DispatchTime.now().uptimeNanoseconds - job.lastHeaderUpdate > UInt64(options.headerInterval * 1e9) {
            file.updateHeader()
            job.lastHeaderUpdate = DispatchTime.now().uptimeNanoseconds
        }
    }

    private func resynchronise(_ job: RecordJob, at mark: RecordMark) {
        let kept = min(max(0, mark.frame - job.consumed), Int64(job.stream.framesWaiting))
        var left = kept
        while left > 0 {
            let n = Int(min(left, Int64(RecordJob.chunk)))
            job.readFrames(n)
            append(n, job)
            left -= Int64(n)
        }
        let missing = max(0, mark.frame - job.consumed - kept)
        job.consumed = mark.frame - missing
        if missing > 0 { act(on: RecordMark(kind: .dropped, frame: job.consumed, value: missing), job) }
        if job.consumed != mark.frame { job.consumed = mark.frame }  // a mark behind: follow it
        logger.error("recording \(job.source.label): \(job.stream.lostMarks.load(ordering: .relaxed)) marks were lost; resynchronised at frame \(mark.frame)")
    }

    private func act(on mark: RecordMark, _ job: RecordJob) {
        switch mark.kind {
        case .start:
            close(job, state: .complete)  // an end lost to a full mark ring
            let compensation = lock.withLock { latency }
            open(job, timeline: mark.value - compensation(job.source))
        case .end:
            close(job, state: .complete)
        case .dropped:
            writeSilence(mark.value, job)
            job.takeOverruns += mark.value
            logger.warning("recording \(job.source.folder): the disk fell behind; \(mark.value) frames lost (written as silence)")
            onEvent(.overrun(job.source, frames: mark.value))
        case .skipped:
            writeSilence(mark.value, job)
            job.takeSkipped += mark.value
            logger.warning("recording \(job.source.folder): the engine missed JACK cycles; \(mark.value) frames never arrived (written as silence)")
            onEvent(.xrun(job.source, frames: mark.value))
        }
    }

    /// `frames` of silence into the open take, standing for stream frames never written.
    private func writeSilence(_ frames: Int64, _ job: RecordJob) {
        var left = frames
        while left > 0 {
            let n = Int(min(left, Int64(RecordJob.chunk)))
            job.silence(n)
            append(n, job)
            left -= Int64(n)
        }
        job.consumed += frames
    }

    private func open(_ job: RecordJob, timeline: Int64) {
        do {
            let number = try store.nextTakeNumber(job.source)
            let base = lock.withLock { folder }
            let relative = "\(base)/\(job.source.folder)/\(number).\(options.format.fileExtension)"
            // Checked again here: the folder may have become a link elsewhere since it was set.
            try makeFolders(base + "/" + job.source.folder)
            let path = try paths.resolve(relative, mustExist: false)
            let file = try StreamingFileWriter(path: path, channels: job.stream.channels, sampleRate: sampleRate, format: options.format)
            job.take = try store.begin(TakeRecord(
                source: job.source, number: number, file: relative, timelineFrame: timeline,
                sampleRate: sampleRate, format: options.format.rawValue, channels: job.stream.channels))
            job.file = file
            job.takeOverruns = 0
            job.takeSkipped = 0
            job.lastHeaderUpdate = DispatchTime.now().uptimeNanoseconds
            logger.info("recording \(relative) at timeline frame \(timeline)")
            onEvent(.started(job.take!))
        } catch {
            fail(job, "cannot start a take: \(error)")
        }
    }

    /// Write `count` frames from the job's interleaved buffer to its open take.
    private func append(_ count: Int, _ job: RecordJob) {
        guard let file = job.file else { return }  // no take open (it failed): discard
        if options.throttle > 0 { usleep(UInt32(options.throttle * 1e6)) }
        do {
            try file.write(job.interleaved, frames: count)
        } catch {
            fail(job, "\(error)")
        }
    }

    private func fail(_ job: RecordJob, _ message: String) {
        logger.error("recording \(job.source.folder): \(message)")
        close(job, state: .complete)
        onEvent(.failed(job.source, message))
    }

    private func close(_ job: RecordJob, state: TakeRecord.State) {
        guard let file = job.file, var take = job.take else { return }
        file.close()
        job.file = nil
        job.take = nil
        take.lengthFrames = file.frames
        take.overrunFrames = job.takeOverruns
        take.xrunFrames = job.takeSkipped
        take.state = state
        take.checksum = try? FileChecksum.sha256(path: file.path)
        do {
            try store.finish(id: take.id, lengthFrames: take.lengthFrames, checksum: take.checksum,
                             overrunFrames: take.overrunFrames, xrunFrames: take.xrunFrames, state: state)
        } catch {
            logger.error("cannot record the end of \(take.file) in the store: \(error)")
        }
        logger.info("take \(take.file): \(take.lengthFrames) frames, \(take.overrunFrames) lost to the disk, \(take.xrunFrames) to missed cycles")
        onEvent(.finished(take))
    }
}
