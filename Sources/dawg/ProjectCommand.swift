import ArgumentParser
import Control
import Foundation
import Store

/// `dawg project versions | diff A B | checkout N`: the saved versions of the
/// project's patches, kept in the project store at every save; `dawg project jobs`:
/// the slow work the engine did and how it went.
struct ProjectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "project",
        abstract: "The saved versions of the project's patches (list, compare, restore), and its jobs.",
        subcommands: [Versions.self, Diff.self, Checkout.self, Jobs.self]
    )

    struct Location: ParsableArguments {
        @Option(name: .customLong("project-dir"), help: "The project directory.")
        var projectDir = FileManager.default.currentDirectoryPath

        @Option(name: .customLong("store"), help: "The project store; default dawg.sqlite in the project directory.")
        var store: String?

        func open() throws -> (ProjectStore, ProjectPaths) {
            let paths = try ProjectPaths(directory: projectDir)
            let path = try store.map { try paths.resolve($0, mustExist: true) } ?? paths.root + "/" + ProjectStore.fileName
            guard FileManager.default.fileExists(atPath: path) else { throw ValidationError("no project store at \(path)") }
            return (try ProjectStore(directory: paths.root, name: (paths.root as NSString).lastPathComponent, path: path), paths)
        }

        func version(_ store: ProjectStore, _ n: Int64) throws -> PatchVersion {
            guard let v = try store.patchVersion(n) else { throw ValidationError("no patch version \(n) (dawg project versions lists them)") }
            return v
        }
    }

    struct Versions: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List every saved version: number, time, patch.")
        @OptionGroup var location: Location

        func run() throws {
            let (store, _) = try location.open()
            let all = try store.patchVersions()
            if all.isEmpty { print("no saved versions yet (every /patch/save makes one)") }
            for v in all { print("\(v.number)\t\(v.savedAt)\t\(v.path)\t\(v.content.utf8.count) bytes") }
        }
    }

    struct Jobs: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The newest jobs (file loads, patch loads and saves, …): number, kind, state, result.")
        @OptionGroup var location: Location
        @Option(help: "How many.") var limit = 50

        func validate() throws {
            guard (1...100_000).contains(limit) else { throw ValidationError("--limit must be 1 … 100000") }
        }

        func run() throws {
            let (store, _) = try location.open()
            let all = try store.jobs(limit: limit)
            if all.isEmpty { print("no jobs yet") }
            for j in all {
                let result = j.result.isEmpty ? "" : "\t" + j.result.replacingOccurrences(of: "\n", with: "; ")
                print("\(j.id)\t\(j.createdAt)\t\(j.kind)\t\(j.arguments)\t\(j.state.rawValue)\(result)")
            }
        }
    }

    struct Diff: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "What changed from version A to version B, line by line.")
        @OptionGroup var location: Location
        @Argument(help: "The older version.") var a: Int64
        @Argument(help: "The newer version.") var b: Int64

        func run() throws {
            let (store, _) = try location.open()
            let old = try location.version(store, a), new = try location.version(store, b)
            print("--- version \(a) (\(old.path), \(old.savedAt))\n+++ version \(b) (\(new.path), \(new.savedAt))")
            for line in LineDiff.lines(from: old.content, to: new.content) { print(line) }
        }
    }

    struct Checkout: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write version N back to its patch file (or --to another), to load with /patch/load.",
            discussion: "A running engine can take a version at once with /patch/checkout N instead.")
        @OptionGroup var location: Location
        @Argument(help: "The version.") var n: Int64
        @Option(help: "Write it here instead (inside the project directory).") var to: String?

        func run() throws {
            let (store, paths) = try location.open()
            let v = try location.version(store, n)
            let target = try paths.resolve(to ?? v.path, mustExist: false)
            guard FileManager.default.createFile(atPath: target + ".tmp", contents: Data(v.content.utf8)),
                  rename(target + ".tmp", target) == 0 else { throw ValidationError("cannot write \(target)") }
            print("version \(n) written to \(paths.relative(target))")
        }
    }
}

/// A line diff for people: unchanged lines as context ("  "), removed ("- ") and added
/// ("+ "), through the standard library's `difference(from:)`; runs of more than six
/// unchanged lines are shortened to their ends.
enum LineDiff {
    static func lines(from old: String, to new: String) -> [String] {
        let a = old.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let b = new.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let diff = b.difference(from: a)
        var removed = Set<Int>(), inserted = Set<Int>()
        for change in diff {
            switch change {
            case .remove(let offset, _, _): removed.insert(offset)
            case .insert(let offset, _, _): inserted.insert(offset)
            }
        }
        var out: [String] = [], context: [String] = []
        func flush() {
            if context.count > 6 { out += context.prefix(3) + ["  …"] + context.suffix(3) } else { out += context }
            context = []
        }
        var i = 0, j = 0
        while i < a.count || j < b.count {
            if i < a.count, removed.contains(i) { flush(); out.append("- " + a[i]); i += 1; continue }
            if j < b.count, inserted.contains(j) { flush(); out.append("+ " + b[j]); j += 1; continue }
            if i < a.count { context.append("  " + a[i]) }
            i += 1
            j += 1
        }
        if out.isEmpty { return ["(no difference)"] }
        if context.count > 3 { context = Array(context.prefix(3)) + ["  …"] }
        out += context
        return out
    }
}
