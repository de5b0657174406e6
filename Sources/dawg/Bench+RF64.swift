import Atomics
import AudioFiles
import CShim
import Control
import Engine
import Foundation
import Store

/// A take past 4 GB: the disk writer records one mono WAV-float take of 4.3 GB (six
/// hours at 48 kHz, as a long bounce would be), and the file must come out RF64, whole
/// and exact, and readable while still open past the 4 GB mark (what a crash leaves).
extension Bench {
    func rf64() throws {
        let total: Int64 = (1 << 30) + (1 << 26)  // 1.14 G frames: 4.56 GB of float samples
        let checkAt: Int64 = (1 << 30) + (1 << 24)  // past 4 GB, still recording
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dawg-rf64-bench-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let paths = try ProjectPaths(directory: dir)
        let store = try ProjectStore(directory: paths.root, name: "bench")
        print("\nRF64: one mono WAV-float take of \(String(format: "%.2f", Double(total * 4) / 1e9)) GB in \(NSTemporaryDirectory())")
        let w = DiskWriter(store: store, paths: paths, sampleRate: sampleRate, options: DiskWriter.Options())
        let stream = RecordStream(channels: 1, frames: 1 << 18)
        w.add(stream, for: .master)
        let produced = ManagedAtomic<Int64>(0), paused = ManagedAtomic(false), resume = ManagedAtomic(false)
        let producer = Thread {
            _ = stream.marks.push(RecordMark(kind: .start, frame: 0, value: 0))
            var chunk = [Float](repeating: 0, count: 8192)
            var n: Int64 = 0
            while n < total {
                if n == checkAt && !resume.load(ordering: .relaxed) {
                    paused.store(true, ordering: .relaxed)  // the main thread reads the open take
                    usleep(1000)
                    continue
                }
                let limit = n < checkAt ? checkAt : total
                let count = Int(min(Int64(chunk.count), limit - n, Int64(stream.capacity - stream.framesWaiting)))
                if count == 0 { usleep(200); continue }
                for i in 0..<count { chunk[i] = Self.rf64Sample(n + Int64(i)) }
                _ = chunk.withUnsafeBufferPointer { stream.ring(0).writeSamples($0.baseAddress!, count: count) }
                n += Int64(count)
                produced.store(n, ordering: .relaxed)
            }
            _ = stream.marks.push(RecordMark(kind: .end, frame: total, value: 0))
        }
        let events = WriterEvents()
        let done = ManagedAtomic(false)
        w.onEvent { event in
            switch event {
            case .started(let t): events.set(take: t)
            case .finished(let t):
                events.set(take: t)
                done.store(true, ordering: .relaxed)
            case .failed(_, let message):
                events.set(failure: message)
                done.store(true, ordering: .relaxed)
            default: break
            }
        }
        let t0 = dawg_monotonic_ns()
        producer.start()
        var midway = "not checked"
        while !done.load(ordering: .relaxed) {
            w.drain()
            if paused.load(ordering: .relaxed) && !resume.load(ordering: .relaxed) && stream.framesWaiting == 0 {
                // Past 4 GB with the take still open: wait for a header update, then read
                // the file as a crash would leave it.
                let wait = dawg_monotonic_ns()
                while dawg_monotonic_ns() - wait < 1_200_000_000 { w.drain(); usleep(10_000) }
                if let t = events.take {
                    let reader = try StreamingFileReader(path: paths.root + "/" + t.file, sampleRate: Double(sampleRate))
                    midway = "\(reader.frames) of \(produced.load(ordering: .relaxed)) frames written"
                        + (Self.rf64Exact(reader, at: [0, checkAt / 2, checkAt - 4096]) ? ", exact" : ", WRONG SAMPLES")
                }
                resume.store(true, ordering: .relaxed)
            }
            usleep(200)
        }
        let elapsed = Double(dawg_monotonic_ns() - t0) / 1e9
        if let failure = events.failure { print("the writer failed: \(failure)"); return }
        guard let t = events.take else { return }
        let path = paths.root + "/" + t.file
        let magic = try FileHandle(forReadingFrom: URL(fileURLWithPath: path)).read(upToCount: 4).map { String(decoding: $0, as: UTF8.self) } ?? "?"
        let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        let reader = try StreamingFileReader(path: path, sampleRate: Double(sampleRate))
        let exact = Self.rf64Exact(reader, at: [0, 1 << 29, (1 << 30) - 1, 1 << 30, total - 4096])
        print("file        \(t.file): \(magic), \(String(format: "%.2f", Double(size) / 1e9)) GB, \(reader.frames) of \(total) frames, samples \(exact ? "exact" : "WRONG")")
        print("while open  past 4 GB: \(midway)")
        print("store       length \(t.lengthFrames) frames, checksum \(t.checksum.map { String($0.prefix(12)) } ?? "none")")
        print(String(format: "written in  %.1f s (%.0f MB/s, including the SHA-256 of the whole file)", elapsed, Double(size) / 1e6 / elapsed))
    }

    /// Frame n of the test take: exact in a Float, different within every 2²⁴ frames.
    static func rf64Sample(_ n: Int64) -> Float { Float(n & 0xFF_FFFF) / Float(1 << 24) - 0.5 }

    /// 4096 frames from each of `positions` read back as written?
    static func rf64Exact(_ reader: StreamingFileReader, at positions: [Int64]) -> Bool {
        var buffer = [Float](repeating: 0, count: 4096)
        for p in positions {
            let got = buffer.withUnsafeMutableBufferPointer { reader.read(at: p, into: $0.baseAddress!, frames: 4096) }
            if got != 4096 { return false }
            for i in 0..<4096 where buffer[i] != rf64Sample(p + Int64(i)) { return false }
        }
        return true
    }
}

/// The take the writer reports, set on its thread and read on the bench's.
private final class WriterEvents: @unchecked Sendable {
    // @unchecked Sendable: both fields under `lock`.
    private let lock = NSLock()
    private var _take: TakeRecord?
    private var _failure: String?

    func set(take: TakeRecord) { lock.withLock { _take = take } }
    func set(failure: String) { lock.withLock { _failure = failure } }
    var take: TakeRecord? { lock.withLock { _take } }
    var failure: String? { lock.withLock { _failure } }
}
