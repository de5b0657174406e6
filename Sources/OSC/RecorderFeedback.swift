import Control
import Engine
import Store

/// Tells OSC clients what the disk writer did: every subscriber hears of takes begun
/// and finished, overruns, missed cycles and failures; the client that started the recording also gets
/// overruns and failures as `/error`, so a script that never subscribed still learns
/// that its take is damaged.
public final class RecorderFeedback: @unchecked Sendable {
    // @unchecked Sendable: `client` is touched only under `lock`.
    let feedback: FeedbackHub
    let sender: OSCSender
    private let lock = ControlLock()
    private var client: OSCClient?

    public init(feedback: FeedbackHub, sender: OSCSender) {
        self.feedback = feedback
        self.sender = sender
    }

    /// The client that last started or enabled recording.
    func recordingClient(_ c: OSCClient) { lock.withLock { client = c } }

    /// The disk writer's thread.
    public func handle(_ event: DiskWriter.Event) {
        switch event {
        case .started(let take):
            feedback.broadcast([OSCMessage("/record/take", Self.describe(take))])
        case .finished(let take):
            feedback.broadcast([OSCMessage("/record/take.done", Self.describe(take) + [.float(Float(take.lengthSeconds))])])
        case let .overrun(source, frames):
            let text = "\(source.label): the disk fell behind; \(frames) frames lost (written as silence)"
            feedback.broadcast([OSCMessage("/record/overrun", [Self.id(source), .int(Int32(clamping: frames))])])
            toRecordingClient(.error("/record/start", text))
        case let .xrun(source, frames):
            feedback.broadcast([OSCMessage("/record/xrun", [Self.id(source), .int(Int32(clamping: frames))])])
        case let .failed(source, message):
            feedback.broadcast([OSCMessage("/record/error", [Self.id(source), .string(message)])])
            toRecordingClient(.error("/record/start", "\(source.label): \(message)"))
        }
    }

    private func toRecordingClient(_ m: OSCMessage) {
        if let c = lock.withLock({ client }) { sender.send([m], to: c) }
    }

    /// `<track> <n> <path> <timeline s>`; the track is the track id, or "master" or
    /// "bus-<id>" for bounces (see `id`).
    static func describe(_ take: TakeRecord) -> [OSCValue] {
        [id(take.source), .int(Int32(take.number)), .string(take.file), .float(Float(take.timelineSeconds))]
    }

    /// A track as its id; a bounce as "master" or "bus-<id>".
    static func id(_ source: TakeSource) -> OSCValue {
        if case .track(let t) = source { return .int(Int32(t)) }
        return .string(source.folder)
    }
}
