import AudioFiles
import Control
import Foundation
import Hummingbird
import HTTPTypes
import MIDIFiles

/// What the page draws that is not in the OSC address space: a file's waveform
/// overview (`GET /overview?path=…`, bytes: min and max per 256 frames) and a MIDI
/// file's notes (`GET /notes?path=…`, JSON). Paths are the project's, as in patches;
/// anything outside it is refused. Overviews are made off the audio thread on first
/// request and kept for as long as the file is unchanged.
final class PageData: @unchecked Sendable {
    // @unchecked Sendable: `overviews` and `order` only under `lock`.
    private let paths: ProjectPaths
    private let lock = NSLock()
    private var overviews: [String: (version: String, overview: WaveformOverview)] = [:]
    private var order: [String] = []
    let limit = 64

    init(paths: ProjectPaths) { self.paths = paths }

    func routes(_ router: Router<some RequestContext>) {
        router.get("overview") { [self] request, _ -> Response in
            let path = try resolve(request)
            let o = try await overview(path)
            var headers: HTTPFields = [.contentType: "application/octet-stream", .cacheControl: "no-cache"]
            headers[HTTPField.Name("X-Sample-Rate")!] = "\(o.sampleRate)"
            headers[HTTPField.Name("X-Frames")!] = "\(o.frames)"
            headers[HTTPField.Name("X-Frames-Per-Peak")!] = "\(o.framesPerPeak)"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: o.peaks.map { UInt8(bitPattern: $0) })))
        }
        router.get("notes") { [self] request, _ -> Response in
            let path = try resolve(request)
            let notes: [MIDINote]
            do { notes = try MIDIFile(path: path).notes() } catch { throw HTTPError(.unprocessableContent, message: "\(error)") }
            let json = "[" + notes.map { "{\"start\":\($0.start),\"end\":\($0.end),\"key\":\($0.key),\"channel\":\($0.channel),\"track\":\($0.track)}" }.joined(separator: ",") + "]"
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: json)))
        }
    }

    private func resolve(_ request: Request) throws -> String {
        guard let path = request.uri.queryParameters.get("path"), !path.isEmpty else { throw HTTPError(.badRequest, message: "give the file as ?path=…") }
        do { return try paths.resolve(path, mustExist: true) } catch { throw HTTPError(.notFound, message: "\(error)") }
    }

    /// The file's overview, made now if the file is new or has changed since.
    func overview(_ path: String) async throws -> WaveformOverview {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        let version = "\(attributes?[.size] ?? 0)@\((attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0)"
        if let kept = lock.withLock({ overviews[path] }), kept.version == version { return kept.overview }
        let made: WaveformOverview
        do { made = try await Task.detached(priority: .utility) { try WaveformOverview.read(path: path) }.value } catch {
            throw HTTPError(.unprocessableContent, message: "\(error)")
        }
        lock.withLock {
            overviews[path] = (version, made)
            order.removeAll { $0 == path }
            order.append(path)
            while order.count > limit { overviews[order.removeFirst()] = nil }
        }
        return made
    }
}
