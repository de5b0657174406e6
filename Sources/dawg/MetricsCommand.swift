import ArgumentParser
import Control
import Foundation
import Store

/// `dawg metrics --since 1h`: the engine's figures as `dawg serve` kept them in the
/// project store — per metric, how much a counter grew and a level's range.
struct MetricsHistory: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metrics",
        abstract: "Query the engine's figures kept in the project store: counters' growth, levels' range.",
        discussion: "dawg serve samples them every --metrics-interval seconds (10) and keeps --metrics-retention hours (168). Names as GET /metrics (docs/metrics.md)."
    )

    @Option(help: "How far back: a number and s, m, h or d (90s, 30m, 1h, 7d).")
    var since = "1h"

    @Option(help: "One metric only, e.g. dawg_xruns_total.")
    var name: String?

    @Flag(help: "Print every sample as JSON.")
    var json = false

    @Option(name: .customLong("project-dir"), help: "The project directory.")
    var projectDir = FileManager.default.currentDirectoryPath

    @Option(name: .customLong("store"), help: "The project store; default dawg.sqlite in the project directory.")
    var store: String?

    /// `since` in seconds.
    static func seconds(_ text: String) -> Double? {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86400]
        guard let unit = text.last.flatMap({ units[$0] }), let n = Double(text.dropLast()), n.isFinite, n > 0 else { return nil }
        return n * unit
    }

    func validate() throws {
        guard Self.seconds(since) != nil else { throw ValidationError("--since is a number and s, m, h or d (30m, 1h, 7d)") }
    }

    func run() throws {
        let paths = try ProjectPaths(directory: projectDir)
        let path = try store.map { try paths.resolve($0, mustExist: true) } ?? paths.root + "/" + ProjectStore.fileName
        guard FileManager.default.fileExists(atPath: path) else { throw ValidationError("no project store at \(path)") }
        let db = try ProjectStore(directory: paths.root, name: (paths.root as NSString).lastPathComponent, path: path)
        let from = Date().timeIntervalSince1970 - Self.seconds(since)!
        let samples = try db.metricSamples(since: from, name: name)
        if json {
            let rows = samples.map { ["taken_at": $0.takenAt, "name": $0.name, "labels": $0.labels, "value": $0.value] as [String: Any] }
            let data = try JSONSerialization.data(withJSONObject: rows, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
            return
        }
        guard let first = samples.first, let last = samples.last else {
            print("no samples in the last \(since)\(name.map { " for \($0)" } ?? "") (is dawg serve running on this project?)")
            return
        }
        let span = last.takenAt - first.takenAt
        print("\(Set(samples.map(\.takenAt)).count) samples over \(Int(span)) s, from \(Self.stamp(first.takenAt)) to \(Self.stamp(last.takenAt))")
        var series: [String: [MetricSample]] = [:]
        for s in samples { series[s.name + (s.labels.isEmpty ? "" : "{\(s.labels)}"), default: []].append(s) }
        for key in series.keys.sorted() {
            let values = series[key]!.map(\.value)
            let line: String
            if key.hasPrefix("dawg_") && key.split(separator: "{")[0].hasSuffix("_total") {
                // A counter: its growth (a restart of the engine starts it again from 0).
                var grew = 0.0
                for (a, b) in zip(values, values.dropFirst()) { grew += b >= a ? b - a : b }
                line = String(format: "+%-12g now %g", grew, values.last!)
            } else {
                let mean = values.reduce(0, +) / Double(values.count)
                line = String(format: "min %-10g mean %-10.4g max %-10g now %g", values.min()!, mean, values.max()!, values.last!)
            }
            print("  \(key.padding(toLength: max(48, key.count), withPad: " ", startingAt: 0)) \(line)")
        }
    }

    static func stamp(_ t: Double) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f.string(from: Date(timeIntervalSince1970: t))
    }
}
