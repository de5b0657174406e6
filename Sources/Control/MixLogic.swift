import DSP
import Engine

/// Pure rules that turn strip settings into what the realtime side needs.
public enum MixLogic {
    /// Who is heard.
    public struct Audibility: Sendable {
        public var tracks: [Int: Bool]
        public var buses: [Int: Bool]
        public var master: Bool

        public func isAudible(_ ref: StripRef) -> Bool {
            switch ref {
            case .master: master
            case .track(let id): tracks[id] ?? true
            case .bus(let id): buses[id] ?? true
            }
        }
    }

    /// Solo-in-place with solo-safe. When anything is soloed, a strip is heard if it is
    /// soloed, solo-safe, or on the signal path of a soloed strip: upstream of it (a
    /// track that sends to a soloed bus, a bus that outputs into one) or downstream (a
    /// bus a soloed strip reaches through sends and bus outputs, a bus's sends too).
    /// Mute always wins.
    public static func audibility(_ patch: Patch) -> Audibility {
        let anySolo = patch.tracks.contains { $0.strip.solo } || patch.buses.contains { $0.strip.solo }
        var tracks: [Int: Bool] = [:], buses: [Int: Bool] = [:]
        if !anySolo {
            for t in patch.tracks { tracks[t.id] = !t.strip.mute }
            for b in patch.buses { buses[b.id] = !b.strip.mute }
            return Audibility(tracks: tracks, buses: buses, master: !patch.master.mute)
        }
        // Bus → the buses it feeds directly, by its output and its sends.
        var feeds: [Int: [Int]] = [:]
        for b in patch.buses { feeds[b.id] = (b.output.map { [$0] } ?? []) + b.strip.sends.map(\.bus) }
        func downstream(_ start: [Int]) -> Set<Int> {
            var seen = Set<Int>(), stack = start
            while let b = stack.popLast() { if seen.insert(b).inserted { stack += feeds[b] ?? [] } }
            return seen
        }
        let soloedBuses = patch.buses.filter { $0.strip.solo }.map(\.id)
        // Buses a soloed strip reaches, and buses that reach a soloed bus.
        let reachedBySolo = downstream(patch.tracks.filter { $0.strip.solo }.flatMap { $0.strip.sends.map(\.bus) } + soloedBuses.flatMap { feeds[$0] ?? [] })
        let soloedSet = Set(soloedBuses)
        func reachesSolo(_ bus: Int) -> Bool { !downstream([bus]).isDisjoint(with: soloedSet) }
        for t in patch.tracks {
            let s = t.strip
            tracks[t.id] = !s.mute && (s.solo || s.soloSafe || s.sends.contains { reachesSolo($0.bus) })
        }
        for b in patch.buses {
            let s = b.strip
            let upstream = downstream(feeds[b.id] ?? []).contains { soloedSet.contains($0) }
            buses[b.id] = !s.mute && (s.solo || s.soloSafe || reachedBySolo.contains(b.id) || upstream)
        }
        return Audibility(tracks: tracks, buses: buses, master: !patch.master.mute)
    }
}
