import XCTest
@testable import Control

final class MixLogicTests: XCTestCase {
    func patch(_ tracks: [(Int, StripSettings)], buses: [(Int, StripSettings)] = []) -> Patch {
        var p = Patch()
        p.tracks = tracks.map { TrackSettings(id: $0.0, name: "t\($0.0)", strip: $0.1) }
        p.buses = buses.map { BusSettings(id: $0.0, name: "b\($0.0)", strip: $0.1) }
        return p
    }

    func strip(mute: Bool = false, solo: Bool = false, safe: Bool = false, sends: [Int] = []) -> StripSettings {
        var s = StripSettings()
        s.mute = mute
        s.solo = solo
        s.soloSafe = safe
        s.sends = sends.map { SendSettings(bus: $0, gain: 0, preFader: false) }
        return s
    }

    func testNothingSoloedEverythingButMutedIsHeard() {
        let a = MixLogic.audibility(patch([(1, strip()), (2, strip(mute: true))]))
        XCTAssertEqual(a.tracks, [1: true, 2: false])
    }

    func testSoloInPlaceSilencesTheOthersButNotSoloSafe() {
        let a = MixLogic.audibility(patch([(1, strip(solo: true)), (2, strip()), (3, strip(safe: true))]))
        XCTAssertEqual(a.tracks, [1: true, 2: false, 3: true])
    }

    func testMuteWinsOverSolo() {
        XCTAssertEqual(MixLogic.audibility(patch([(1, strip(mute: true, solo: true))])).tracks, [1: false])
    }

    func testSoloFollowsABusesSendsBothWays() {
        // Track 1 → bus 10 → (send) bus 11. Soloing track 1 keeps 11 heard; soloing 11
        // keeps 10 and track 1 heard; bus 12 stays off the path.
        let buses = [(10, strip(sends: [11])), (11, strip()), (12, strip())]
        let down = MixLogic.audibility(patch([(1, strip(solo: true, sends: [10]))], buses: buses))
        XCTAssertEqual(down.buses, [10: true, 11: true, 12: false])
        var soloed = buses
        soloed[1].1.solo = true
        let up = MixLogic.audibility(patch([(1, strip(sends: [10])), (2, strip())], buses: soloed))
        XCTAssertEqual(up.tracks, [1: true, 2: false])
        XCTAssertEqual(up.buses, [10: true, 11: true, 12: false])
    }

    func testSoloedTrackKeepsItsBusesAudible() {
        let a = MixLogic.audibility(patch([(1, strip(solo: true, sends: [10])), (2, strip())], buses: [(10, strip()), (11, strip())]))
        XCTAssertEqual(a.tracks, [1: true, 2: false])
        XCTAssertEqual(a.buses, [10: true, 11: false])
    }

    func testSoloedBusKeepsTheTracksThatFeedIt() {
        let a = MixLogic.audibility(patch([(1, strip(sends: [10])), (2, strip())], buses: [(10, strip(solo: true))]))
        XCTAssertEqual(a.tracks, [1: true, 2: false])
        XCTAssertEqual(a.buses, [10: true])
    }

    func testSoloThroughABusChainKeepsThePathAudible() {
        // track 1 → bus 10 → bus 11 (soloed) → master; bus 12 elsewhere.
        var p = patch([(1, strip(sends: [10])), (2, strip())], buses: [(10, strip()), (11, strip(solo: true)), (12, strip())])
        p.buses[0].output = 11
        let a = MixLogic.audibility(p)
        XCTAssertEqual(a.tracks, [1: true, 2: false])
        XCTAssertEqual(a.buses, [10: true, 11: true, 12: false])
    }

    func testSoloedTrackKeepsEveryBusDownstreamAudible() {
        var p = patch([(1, strip(solo: true, sends: [10]))], buses: [(10, strip()), (11, strip()), (12, strip())])
        p.buses[0].output = 11
        XCTAssertEqual(MixLogic.audibility(p).buses, [10: true, 11: true, 12: false])
    }

    func testGainsCombinePolarityPanAndFader() {
        var s = StripSettings()
        s.gain = -6
        s.pan = -1
        s.invert = true
        let g = Session.gains(s, stereo: false, audible: true)
        XCTAssertEqual(g.panLeft, 1, accuracy: 1e-6)
        XCTAssertEqual(g.panRight, 0, accuracy: 1e-6)
        XCTAssertEqual(g.polarity, -1)
        XCTAssertEqual(g.fader, 0.501187, accuracy: 1e-6)
        XCTAssertFalse(Session.gains(s, stereo: false, audible: false).audible)
    }
}

final class ValidateTests: XCTestCase {
    func testGainRange() throws {
        XCTAssertEqual(try Validate.gain(-.infinity), -.infinity)
        XCTAssertEqual(try Validate.gain(12), 12)
        XCTAssertThrowsError(try Validate.gain(12.01))
        XCTAssertThrowsError(try Validate.gain(.nan))
        XCTAssertThrowsError(try Validate.gain(.infinity))
    }

    func testNames() throws {
        XCTAssertEqual(try Validate.name("Lead vox ♪"), "Lead vox ♪")
        for bad in ["", String(repeating: "x", count: 65), "a/b", "tab\there", "del\u{7F}"] {
            XCTAssertThrowsError(try Validate.name(bad), bad)
        }
    }
}
