import ArgumentParser

@main
struct Dawg: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dawg",
        abstract: "A real-time audio engine server for JACK, controlled over OSC.",
        subcommands: [Serve.self, Supervise.self, Status.self, StoreWriter.self, MetricsHistory.self, ProjectCommand.self, Recover.self, Pitch.self, Coach.self, Analyze.self, MixCommand.self, Generate.self, Render.self, Bench.self]
    )
}
