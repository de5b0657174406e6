import Foundation

extension Session {
    /// New MIDI tracks playing generated files (inside the project) in time with the
    /// transport: the transport takes the material's tempo, and the tracks start on the
    /// next bar (from where the transport is now; bar 1 is at zero). Returns the new
    /// tracks' ids and where they start, in seconds. On a failure the tracks made so
    /// far go again.
    public func addGeneratedTracks(_ files: [(name: String, path: String)], bpm: Double, beatsPerBar: Int) throws -> (ids: [Int], position: Double) {
        _ = try setTempo(bpm)
        let bar = 60 / bpm * Double(beatsPerBar)
        let now = Double(engine.published.position.load(ordering: .relaxed)) / sampleRate
        // A little ahead, so the first bar is not already under way when the tracks land.
        let position = ((now + 0.05) / bar).rounded(.up) * bar
        var ids: [Int] = []
        do {
            for f in files {
                let id = try addTrack(name: f.name)
                ids.append(id)
                try loadMIDI(track: id, path: f.path, position: position)
            }
        } catch {
            for id in ids { try? removeTrack(id) }
            throw error
        }
        return (ids, position)
    }
}
