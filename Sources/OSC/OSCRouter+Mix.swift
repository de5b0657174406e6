import Analysis
import Control

extension OSCRouter {
    /// The mix assistant:
    /// - `/mix/suggest`: a job (it reads every track): `/mix/suggestion i:id s:kind s:problem`
    ///   for each, `/mix/suggestions s:json` (the report, band powers left out) and `/done`.
    /// - `/mix/apply i:id`: apply one of the last suggestions; every move is echoed to
    ///   subscribers as its own address would echo it; `/mix/applied i:id i:moves`.
    /// - `/mix/undo`: put back what the last applied step replaced; `/mix/undone i:moves`.
    /// - `/mix/auto_level [f:target LUFS, default −14]`: a job: `/mix/leveled s:json`, `/done`.
    func mix(_ rest: [String], _ m: OSCMessage, _ a: OSCArguments, _ client: OSCClient) throws -> [OSCMessage] {
        let session = self.session, address = m.path
        switch rest {
        case ["suggest"]:
            try a.expect(0...0, "no arguments")
            return jobs.run(for: client, kind: "mix-suggest") { () -> [OSCMessage] in
                do {
                    let report = try session.suggestMix()
                    return report.suggestions.map { OSCMessage("/mix/suggestion", [.int(Int32($0.id)), .string($0.kind.rawValue), .string($0.problem)]) }
                        + [OSCMessage("/mix/suggestions", [.string(FileAnalysis.json(report, summary: true))]), OSCMessage("/done", [.string(address)])]
                } catch {
                    return [OSCMessage("/fail", [.string(address), .string("\(error)")])]
                }
            }
        case ["apply"]:
            try a.expect(1...1, "a suggestion id")
            let id = try a.int(0, "suggestion")
            let moves = try session.applyMixSuggestion(id)
            echo(moves)
            return [OSCMessage("/mix/applied", [.int(Int32(id)), .int(Int32(moves.count))])]
        case ["undo"]:
            try a.expect(0...0, "no arguments")
            let moves = try session.undoMix()
            echo(moves)
            return [OSCMessage("/mix/undone", [.int(Int32(moves.count))])]
        case ["auto_level"]:
            try a.expect(0...1, "a target in LUFS (default −14)")
            let target = a.count == 1 ? Double(try a.float(0, "target")) : -14
            guard target.isFinite, target >= -40, target <= -5 else { throw ControlError("target must be −40 … −5 LUFS") }
            let feedback = self.feedback
            return jobs.run(for: client, kind: "mix-auto-level", arguments: "\(target)") { () -> [OSCMessage] in
                do {
                    let report = try session.autoLevel(target: target)
                    feedback.broadcast(Self.echoes(report.moves, session))
                    return [OSCMessage("/mix/leveled", [.string(FileAnalysis.json(report, summary: true))]), OSCMessage("/done", [.string(address)])]
                } catch {
                    return [OSCMessage("/fail", [.string(address), .string("\(error)")])]
                }
            }
        default:
            throw ControlError("unknown address")
        }
    }

    /// Every applied move to every subscriber, as its own address echoes it.
    func echo(_ moves: [MixMove]) { feedback.broadcast(Self.echoes(moves, session)) }

    static func echoes(_ moves: [MixMove], _ session: Session) -> [OSCMessage] {
        moves.map { move in
            let base = move.strip == "master" ? "/master" : "/strip/\(move.strip)"
            // A send echoes its gain and whether it is pre-fader, as /strip/<id>/send/<bus> does.
            if move.control.hasPrefix("send/"), let bus = Int(move.control.dropFirst(5)), let ref = try? session.stripRef(move.strip),
               let (gain, pre) = try? session.send(from: ref, to: bus) {
                return OSCMessage("\(base)/\(move.control)", [.float(gain), .int(pre ? 1 : 0)])
            }
            return OSCMessage("\(base)/\(move.control)", [.float(Float(move.value))])
        }
    }
}
