import XCTest
@testable import Analysis

/// The mix assistant's judgement on measurements made up here, one rule at a time.
final class MixAdvisorTests: XCTestCase {
    let centres = [31.6, 63.1, 125.9, 251.2, 501.2, 1000, 1995.3, 3981.1]

    func track(_ id: Int, _ role: MixRole, lufs: Double, peak: Double = -20, crest: Double = 12, range: Double = 4,
               bands: [Double]? = nil, pan: Double = 0, gain: Double = 0, comp: Bool = false, sends: [Int] = []) -> MixTrack {
        let m = TrackMeasure(integrated: lufs, truePeak: peak, samplePeak: peak, crest: crest, range: range,
                             bandPower: bands ?? [Double](repeating: 0.01, count: centres.count), bandCentres: centres,
                             lowShare: 0.2, flatness: 0.05)
        return MixTrack(id: id, name: role.rawValue, role: role, roleSource: "name", measure: m, gainDb: gain, pan: pan,
                        freeBells: ["peak1", "peak2"], compressorOn: comp, sends: sends)
    }

    func testTheBalanceHangsOnTheMedianAndMakesRoomUnderTheCeiling() {
        // Everyone at their place but the vocal, 10 LU low.
        let tracks = [track(1, .vocal, lufs: -30), track(2, .kick, lufs: -23), track(3, .bass, lufs: -24), track(4, .guitar, lufs: -26)]
        let g = MixAdvisor.balancedGains(tracks)
        XCTAssertEqual(g[1]!.gain, 10, accuracy: 0.11)
        XCTAssertEqual(g[2]!.gain, 0, accuracy: 0.11)
        // The kick already 0.5 dB over the ceiling at its place: everyone comes down
        // with it, the balance kept.
        var hot = tracks
        hot[1] = track(2, .kick, lufs: -23, peak: -0.5)
        let h = MixAdvisor.balancedGains(hot)
        XCTAssertEqual(h[2]!.gain, -0.5, accuracy: 0.11)
        XCTAssertEqual(h[1]!.gain - h[2]!.gain, 10, accuracy: 0.2)
        XCTAssertEqual(h[4]!.gain, -0.5, accuracy: 0.11)
    }

    func testMaskingIsTheSharedPowerOfBandsWhereBothAreStrong() {
        let kick: [Double] = [0.2, 1, 0.5, 0.01, 0.001, 0, 0, 0]
        let bass: [Double] = [0.1, 0.8, 0.9, 0.2, 0.01, 0, 0, 0]
        let vocal: [Double] = [0, 0, 0.01, 0.5, 1, 0.6, 0.2, 0.05]
        let (share, band) = MixAdvisor.masking(kick, bass, centres: centres)
        XCTAssertGreaterThan(share, 0.6)
        XCTAssertEqual(band, 1, "63 Hz: where the two collide most")
        XCTAssertLessThan(MixAdvisor.masking(kick, vocal, centres: centres).share, 0.05)
        let s = MixAdvisor.suggest([track(1, .kick, lufs: -23, bands: kick), track(2, .bass, lufs: -24, bands: bass)])
        let cut = s.first { $0.kind == .masking }
        XCTAssertEqual(cut?.tracks, [2, 1])
        XCTAssertEqual(cut?.moves.first { $0.control == "eq/peak1/freq" }?.value, 63.1)
    }

    func testCentredMixesAreSpreadButTheBackboneStaysInTheMiddle() {
        let tracks = [track(1, .vocal, lufs: -20), track(2, .bass, lufs: -24), track(3, .guitar, lufs: -26),
                      track(4, .keys, lufs: -27), track(5, .pad, lufs: -30)]
        let pan = MixAdvisor.suggest(tracks).first { $0.kind == .pan }
        XCTAssertEqual(pan?.moves.map(\.strip), ["3", "4", "5"])
        XCTAssertEqual(pan?.moves.map(\.value), [-0.5, 0.5, -0.3])
        var spread = tracks
        spread[2].pan = -0.4
        XCTAssertNil(MixAdvisor.suggest(spread).first { $0.kind == .pan }, "one track off centre is a choice")
    }

    func testCompressorsForWideCrestOrWanderingLevelAndSendsForADryVocal() {
        let s = MixAdvisor.suggest([track(1, .vocal, lufs: -20, crest: 23), track(2, .bass, lufs: -24, range: 15),
                                    track(3, .kick, lufs: -23, crest: 23, comp: true), track(4, .guitar, lufs: -26, crest: 25)],
                                   reverbBuses: [7], delayBuses: [8])
        XCTAssertEqual(s.filter { $0.kind == .compressor }.map(\.tracks), [[1], [2]], "not a kick already compressed, not a guitar")
        let sends = s.filter { $0.kind == .send }
        XCTAssertEqual(sends.map { $0.moves[0].control }, ["send/7", "send/8"])
        XCTAssertTrue(MixAdvisor.suggest([track(1, .vocal, lufs: -20, sends: [7, 8])], reverbBuses: [7], delayBuses: [8])
            .filter { $0.kind == .send }.isEmpty)
    }

    func testRolesFromNamesAndFromTheSound() {
        XCTAssertEqual(MixRole.named("Lead Vox 2"), .vocal)
        XCTAssertEqual(MixRole.named("lead"), .vocal)
        XCTAssertEqual(MixRole.named("Lead Guitar"), .guitar)
        XCTAssertEqual(MixRole.named("BD in"), .kick)
        XCTAssertEqual(MixRole.named("Bass DI"), .bass)
        XCTAssertEqual(MixRole.named("OH L"), .drums)
        XCTAssertNil(MixRole.named("track 7"))
        var m = track(1, .other, lufs: -20).measure
        m.lowShare = 0.8
        m.crest = 18
        XCTAssertEqual(MixRole.guess(m), .kick)
        m.crest = 9
        XCTAssertEqual(MixRole.guess(m), .bass)
        m.lowShare = 0.1
        XCTAssertEqual(MixRole.guess(m), .other)
    }
}
