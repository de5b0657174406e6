import XCTest
@testable import Engine

/// A node the control side lets go of while a command for it waits in the ring must
/// live until the command has been applied (a switched-off insert is in no plan, so no
/// plan keeps it alive; the realtime safety test crashed on exactly this).
final class NodeLifetimeTests: XCTestCase {
    final class Marker {}

    func testAnImmediateCommandKeepsItsNodeAliveUntilItIsApplied() {
        let engine = EngineHandle(config: EngineConfig(sampleRate: 48000, maxFrames: 256, maxStrips: 4, maxBuses: 1))
        let driver = OfflineDriver(engine: engine, period: 256)
        weak var marker: Marker?
        do {
            let m = Marker()
            marker = m
            let node = NodeState(.gate, GateProcessor(GateSettings(), sampleRate: 48000, rampFrames: 480), retaining: [m])
            XCTAssertTrue(engine.set(node, GateProcessor.on, [1]))
        }
        engine.collectRetired()
        XCTAssertNotNil(marker, "kept while the command waits in the ring")
        _ = driver.render(frames: 256 * 3)
        engine.collectRetired()
        XCTAssertNil(marker, "freed once the command has been applied")
    }
}
