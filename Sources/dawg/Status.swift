import ArgumentParser
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `dawg status`: a running engine's health in a few lines (or its JSON), from
/// `GET /health`. Exits 1 when the engine reports a problem, 2 when none answers.
struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print a running engine's health: JACK, cycles, xruns, transport, problems.",
        discussion: "Asks `GET /health` on the engine's HTTP port. Exit status 0: healthy; 1: the engine reports a problem; 2: no engine answers."
    )

    @Option(name: .customLong("http-port"), help: "The engine's HTTP port.")
    var httpPort = 9001

    @Option(help: "The engine's address.")
    var host = "127.0.0.1"

    @Flag(help: "Print the engine's JSON as it sent it.")
    var json = false

    func run() throws {
        guard let url = URL(string: "http://\(host):\(httpPort)/health") else { throw ValidationError("bad --host") }
        let (code, data) = try fetch(url)
        guard let r = try? JSONDecoder().decode(HealthReport.self, from: data) else {
            FileHandle.standardError.write(Data("dawg status: \(url) did not answer as dawg does\n".utf8))
            throw ExitCode(2)
        }
        if json {
            print(String(decoding: data, as: UTF8.self))
        } else {
            print("""
                dawg \(r.status)   client \(r.client), \(r.sampleRate) Hz, \(r.period) frames, up \(Self.duration(r.uptimeSeconds))
                  DSP load \(String(format: "%.1f", r.dspLoad)) %, xruns \(r.xruns) (late cycles \(r.lateCycles)), \
                \(r.tracks) tracks, \(r.playing ? "playing" : "stopped")\(r.recording ? ", recording" : "")
                """)
            for p in r.problems { print("  problem: \(p)") }
        }
        if code != 200 || !r.problems.isEmpty { throw ExitCode(1) }
    }

    /// The status code and body, or exit 2 with a message when nothing answers.
    private func fetch(_ url: URL) throws -> (Int, Data) {
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var result: (Int, Data)?
        var request = URLRequest(url: url)
        request.timeoutInterval = 5
        URLSession.shared.dataTask(with: request) { data, response, _ in
            if let data, let http = response as? HTTPURLResponse { result = (http.statusCode, data) }
            done.signal()
        }.resume()
        done.wait()
        guard let result else {
            FileHandle.standardError.write(Data("dawg status: no engine answers at \(url)\n".utf8))
            throw ExitCode(2)
        }
        return result
    }

    static func duration(_ s: Int) -> String {
        s >= 3600 ? "\(s / 3600) h \(s % 3600 / 60) min" : s >= 60 ? "\(s / 60) min \(s % 60) s" : "\(s) s"
    }
}
