import XCTest
@testable import Supervisor

final class RestartPolicyTests: XCTestCase {
    func testBackoffDoublesUpToItsCap() {
        var p = RestartPolicy()
        p.backoffSeconds = 1
        p.backoffMaxSeconds = 5
        p.maxRestarts = 100
        p.escalateAfter = 100
        XCTAssertEqual(p.decide(now: 10, failuresInARow: 1, restarts: []), .restart(at: 11))
        XCTAssertEqual(p.decide(now: 10, failuresInARow: 2, restarts: []), .restart(at: 12))
        XCTAssertEqual(p.decide(now: 10, failuresInARow: 3, restarts: []), .restart(at: 14))
        XCTAssertEqual(p.decide(now: 10, failuresInARow: 4, restarts: []), .restart(at: 15))
        XCTAssertEqual(p.decide(now: 10, failuresInARow: 60, restarts: []), .restart(at: 15))
    }

    func testAFullWindowWaitsTheCooldown() {
        let p = RestartPolicy()  // 3 in 300 s, 60 s cooldown
        XCTAssertEqual(p.decide(now: 1000, failuresInARow: 1, restarts: [800, 900, 950]), .restart(at: 1060))
        // The oldest has left the window: a plain backoff again.
        XCTAssertEqual(p.decide(now: 1000, failuresInARow: 1, restarts: [600, 900, 950]), .restart(at: 1001))
    }

    func testEscalatesAfterFailuresInARow() {
        let p = RestartPolicy()
        XCTAssertEqual(p.decide(now: 0, failuresInARow: 4, restarts: []), .restart(at: 8))
        XCTAssertEqual(p.decide(now: 0, failuresInARow: 5, restarts: []), .escalate)
    }

    func testBadValuesAreRefused() {
        var p = RestartPolicy()
        p.windowSeconds = .nan
        XCTAssertThrowsError(try p.validate())
        p = RestartPolicy()
        p.escalateAfter = 0
        XCTAssertThrowsError(try p.validate())
    }
}

final class CircuitBreakerTests: XCTestCase {
    func testOpensHalfOpensAndCloses() {
        var b = CircuitBreaker(failureThreshold: 3, successThreshold: 2, openSeconds: 10)
        XCTAssertTrue(b.allows(now: 0))
        XCTAssertFalse(b.record(success: false, now: 0))
        XCTAssertFalse(b.record(success: false, now: 1))
        XCTAssertTrue(b.record(success: false, now: 2), "the third failure in a row opens it")
        XCTAssertEqual(b.state, .open)
        XCTAssertFalse(b.allows(now: 11.9))
        XCTAssertTrue(b.allows(now: 12))
        XCTAssertEqual(b.state, .halfOpen)
        b.record(success: true, now: 12)
        XCTAssertEqual(b.state, .halfOpen)
        b.record(success: true, now: 13)
        XCTAssertEqual(b.state, .closed)
    }

    func testAFailureWhileHalfOpenOpensAgain() {
        var b = CircuitBreaker(failureThreshold: 1, successThreshold: 2, openSeconds: 5)
        XCTAssertTrue(b.record(success: false, now: 0))
        XCTAssertTrue(b.allows(now: 5))
        XCTAssertTrue(b.record(success: false, now: 5))
        XCTAssertEqual(b.state, .open)
        XCTAssertFalse(b.allows(now: 9))
    }

    func testASuccessBreaksARunOfFailures() {
        var b = CircuitBreaker(failureThreshold: 2, successThreshold: 1, openSeconds: 5)
        b.record(success: false, now: 0)
        b.record(success: true, now: 1)
        XCTAssertFalse(b.record(success: false, now: 2))
        XCTAssertEqual(b.state, .closed)
    }
}

final class SupervisorConfigTests: XCTestCase {
    func decode(_ json: String) throws -> SupervisorConfig {
        let c = try JSONDecoder().decode(SupervisorConfig.self, from: Data(json.utf8))
        try c.validate()
        return c
    }

    func testTheShippedConfigurationIsValid() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("presets/supervise/default.json").path
        let c = try SupervisorConfig.load(path)
        XCTAssertEqual(c.services.map(\.name), ["jackd", "engine"])
        XCTAssertEqual(c.services[1].after, ["jackd"])
        XCTAssertEqual(c.restart, RestartPolicy())
    }

    func testProgramsOffTheAllowListAreRefused() {
        XCTAssertThrowsError(try decode(#"{"allow": ["dawg"], "services": [{"name": "x", "argv": ["sh", "-c", "rm -rf /"]}]}"#)) {
            XCTAssertEqual("\($0)", "x: sh is not on the allow-list")
        }
        XCTAssertThrowsError(try decode(#"{"allow": ["sh"], "services": [{"name": "x", "argv": ["/tmp/sh"]}]}"#), "a path is not its name")
    }

    func testMistakesAreNamed() {
        XCTAssertThrowsError(try decode(#"{"allow": ["dawg"], "services": [{"name": "a", "argv": ["dawg"]}, {"name": "a", "argv": ["dawg"]}]}"#)) {
            XCTAssertEqual("\($0)", "two services are called a")
        }
        XCTAssertThrowsError(try decode(#"{"allow": ["dawg"], "services": [{"name": "a", "argv": ["dawg"], "after": ["b"]}]}"#))
        XCTAssertThrowsError(try decode(#"{"allow": ["dawg"], "services": [{"name": "a", "argv": ["dawg"], "health": {"kind": "osc"}}]}"#)) {
            XCTAssertEqual("\($0)", "a: an osc health check needs a port")
        }
        XCTAssertThrowsError(try decode(#"{"allow": ["dawg"], "services": [{"name": "a b", "argv": ["dawg"]}]}"#))
        XCTAssertThrowsError(try decode(#"{"allow": ["dawg"], "services": []}"#))
        XCTAssertThrowsError(try decode(#"{"allow": ["dawg"], "services": [{"name": "a", "argv": []}]}"#))
        XCTAssertThrowsError(try JSONDecoder().decode(SupervisorConfig.self, from: Data(#"{"services": []}"#.utf8)))
    }
}
