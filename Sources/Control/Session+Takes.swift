import AudioFiles
import Engine
import Store

/// Playing takes back. An input track that has an active take plays it on the
/// timeline where it was recorded while the track is not armed; armed (or with no
/// take chosen) it plays its live input, as a tape machine's track switches between
/// repro and input. The newest take becomes the active one when it is finished.
extension Session {
    /// Make take `number` (0: none, the live input) the one track `id` plays. Slow:
    /// decodes outside the lock, so the engine and other clients carry on.
    public func selectTake(track id: Int, number: Int) throws {
        _ = try locked { try trackIndex(id) }
        guard number != 0 else {
            try locked {
                let i = try trackIndex(id)
                if patch.tracks[i].take != nil { forgetTakeClip(i) }
                patch.tracks[i].take = nil
                takeAudio[id] = nil
                refreshInputSource(id)
            }
            return
        }
        guard number > 0 else { throw ControlError("take must be a take number from 1, or 0 for none, not \(number)") }
        guard let take = try takes(track: id).first(where: { $0.number == number }) else {
            throw ControlError("track \(id) has no take \(number)")
        }
        let decoded = try decodeTake(take)
        try locked {
            let i = try trackIndex(id)
            guard patch.tracks[i].input != nil else { throw ControlError("track \(id) plays a file now") }
            if patch.tracks[i].take != number { forgetTakeClip(i) }
            patch.tracks[i].take = number
            takeAudio[id] = (take, decoded)
            refreshInputSource(id)
        }
    }

    /// Session lock held: a take's clip edits (and where it was moved to) belong to it,
    /// not to the next take the track plays.
    private func forgetTakeClip(_ i: Int) {
        patch.tracks[i].clip = nil
        patch.tracks[i].position = nil
    }

    /// The active take's number, 0 for none.
    public func activeTake(track id: Int) throws -> Int {
        try locked { patch.tracks[try trackIndex(id)].take ?? 0 }
    }

    func decodeTake(_ take: TakeRecord) throws -> DecodedAudio {
        let path = try paths.resolve(take.file, mustExist: true)
        do {
            return try decodedFiles.decode(path: path, sampleRate: sampleRate)
        } catch let e as AudioFileError {
            throw ControlError(e.description.replacingOccurrences(of: path, with: take.file))
        }
    }

    /// Session lock held: an input track's source after its arm state or active take
    /// changed (its live input, or its take on the timeline).
    func refreshInputSource(_ id: Int) {
        guard let t = patch.tracks.first(where: { $0.id == id }), let port = t.input, let n = graph[.track(id)] else { return }
        let playsTake = !t.armed && t.take != nil
        if playsTake, let (take, audio) = takeAudio[id] {
            // Its clip edits were checked against it when made (or when the patch loaded).
            let clip = (try? clipNode(audio, track: t, recordedAt: take.timelineFrame))
                ?? ClipNode(left: audio.left, right: audio.right, start: take.timelineFrame, length: Int64(audio.frames))
            n.source = ClipPlayer.node(clips: [clip], stereo: audio.isStereo, retaining: [audio])
        } else if n.source?.kind != .capture {
            n.source = CaptureInput.node(port: port - 1)
        } else {
            return
        }
        pushGraph()
    }

    /// The disk writer's thread: a take was closed. It becomes its track's active take.
    public func takeFinished(_ take: TakeRecord) {
        guard case .track(let id) = take.source, take.lengthFrames > 0 else { return }
        do {
            try selectTake(track: id, number: take.number)
        } catch {
            logger.warning("take \(take.file) was recorded but cannot be played: \(error)")
        }
    }
}
