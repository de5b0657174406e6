import Analysis
import DSP
import Engine

/// Live pitch tracking on tracks: a `PitchTap` on the track's source (its input, take
/// or file), made when tracking is switched on and taken out of the plan when it is
/// switched off. The readings go to whoever drains `pitchStreams()`.
extension Session {
    /// Track the pitch of track `id` (any track: a singer's input, or a recording to
    /// practise against), or stop. Saved in patches.
    public func setPitch(track id: Int, _ on: Bool) throws {
        try locked {
            let i = try trackIndex(id)
            patch.tracks[i].pitch = on
            syncPitch(id)
        }
    }

    public func isPitchTracked(track id: Int) throws -> Bool {
        try locked { patch.tracks[try trackIndex(id)].pitch }
    }

    /// Session lock held: give the track a tap (and a fresh stream) if it is tracked and
    /// has none, or one for a new voice range (its coaching profile's), or take it away.
    func syncPitch(_ id: Int) {
        guard let t = patch.tracks.first(where: { $0.id == id }), let n = graph[.track(id)] else { return }
        let range = voiceRange(t.coach ?? CoachSettings())
        if t.pitch && (n.pitchTap == nil || n.pitchRange != range) {
            var settings = LivePitchTracker.Settings()
            (settings.lowHz, settings.highHz) = (range.lowerBound, range.upperBound)
            let stream = n.pitchStream ?? PitchStream()
            n.pitchStream = stream
            n.pitchRange = range
            n.pitchTap = PitchTap.node(stream: stream, sampleRate: sampleRate, maxFrames: engine.config.maxFrames, settings: settings)
            pushGraph()
        } else if !t.pitch && n.pitchTap != nil {
            n.pitchTap = nil
            n.pitchStream = nil
            n.pitchRange = nil
            pushGraph()
        }
    }

    /// The tracked tracks and their readings (a snapshot: a stream dropped later stays
    /// valid for as long as the caller holds it).
    public func pitchStreams() -> [(track: Int, stream: PitchStream)] {
        locked {
            patch.tracks.compactMap { t in graph[.track(t.id)]?.pitchStream.map { (t.id, $0) } }
        }
    }
}
