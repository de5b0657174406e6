import ArgumentParser
import Control
import Foundation
import Logging
import Store

/// `dawg recover`: close the takes a killed engine left open (what `serve` does at
/// start), without starting the engine.
struct Recover: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Close the takes a killed engine left open, and say what was done.",
        discussion: "`dawg serve` does the same at start. Each take left 'recording' in the project store gets the length its file holds, a checksum and the state 'recovered'."
    )

    @Option(name: .customLong("project-dir"), help: "The project directory.")
    var projectDir = FileManager.default.currentDirectoryPath

    @Option(name: .customLong("store"), help: "The project store; default dawg.sqlite in the project directory.")
    var store: String?

    func run() throws {
        let paths = try ProjectPaths(directory: projectDir)
        let name = (paths.root as NSString).lastPathComponent
        let db = try ProjectStore(directory: paths.root, name: name, path: store.map { try paths.resolve($0, mustExist: false) })
        let lines = try TakeRecovery.run(store: db, root: paths.root, logger: Logger(label: "dawg.recover"))
        print(lines.isEmpty ? "no take was left open" : lines.joined(separator: "\n"))
    }
}
