import XCTest
import Engine
import Foundation

final class RingTests: XCTestCase {
    func testTwoPartVectorsWrapAndAFullRingTakesLess() {
        let ring = AudioRing(capacity: 16)
        defer { ring.destroy() }
        let a = (0..<12).map(Float.init)
        XCTAssertEqual(a.withUnsafeBufferPointer { ring.write($0.baseAddress!, count: 12) }, 12)
        var out = [Float](repeating: -1, count: 10)
        XCTAssertEqual(out.withUnsafeMutableBufferPointer { ring.read(into: $0.baseAddress!, count: 10) }, 10)
        XCTAssertEqual(out, (0..<10).map(Float.init))
        // 2 left; 14 free, wrapping: the write vector is two regions.
        let (w1, w2) = ring.writeVector()
        XCTAssertEqual(w1.count + w2.count, 14)
        XCTAssertEqual(w1.count, 4)
        let b = (100..<120).map(Float.init)
        XCTAssertEqual(b.withUnsafeBufferPointer { ring.write($0.baseAddress!, count: 20) }, 14, "a full ring takes what fits")
        let (r1, r2) = ring.readVector()
        XCTAssertEqual(Array(r1) + Array(r2), [10, 11] + (100..<114).map(Float.init))
        ring.commitRead(16)
        XCTAssertEqual(ring.count, 0)
    }

    /// A producer and a consumer on two threads move ten million samples of a counting
    /// sequence through a small ring: nothing lost, nothing repeated, nothing reordered.
    func testConcurrentProducerAndConsumerLoseNothing() {
        let ring = AudioRing(capacity: 1024)
        defer { ring.destroy() }
        let total = 10_000_000
        let producer = Thread {
            var next = 0
            let chunk = UnsafeMutablePointer<Float>.allocate(capacity: 300)
            defer { chunk.deallocate() }
            while next < total {
                let n = min(300, total - next)
                for i in 0..<n { chunk[i] = Float((next + i) % 16_777_216) }
                var done = 0
                while done < n { done += ring.write(chunk + done, count: n - done) }
                next += n
            }
        }
        producer.start()
        var expected = 0
        var wrong = 0
        while expected < total {
            let (a, b) = ring.readVector()
            for v in a { if v != Float(expected % 16_777_216) { wrong += 1 }; expected += 1 }
            for v in b { if v != Float(expected % 16_777_216) { wrong += 1 }; expected += 1 }
            ring.commitRead(a.count + b.count)
        }
        XCTAssertEqual(expected, total)
        XCTAssertEqual(wrong, 0)
    }

    func testTheProcessThreadReportsEvents() {
        let engine = EngineHandle(config: EngineConfig(maxFrames: 256))
        let out = UnsafeMutablePointer<Float>.allocate(capacity: 1024)
        let inputs = UnsafeMutablePointer<UnsafePointer<Float>?>.allocate(capacity: 2)
        inputs.initialize(repeating: nil, count: 2)
        defer { out.deallocate(); inputs.deallocate() }
        engine.core.pointee.process(frames: 512, inputs: inputs, left: out, right: out + 512, nanos: 0)
        engine.send(.play, at: 100)  // already past at the next cycle: late
        engine.core.pointee.process(frames: 64, inputs: inputs, left: out, right: out + 512, nanos: 0)
        var events: [RealtimeEvent] = []
        engine.drainEvents { events.append($0) }
        XCTAssertEqual(events, [.oversizedCycle(frames: 512), .lateCommand(time: 100, clock: 512)])
    }
}
