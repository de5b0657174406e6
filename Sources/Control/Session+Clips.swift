import AudioFiles
import DSP
import Engine

/// One change to a track's clip: its file's, or the take an input track plays.
public enum ClipEdit: Sendable {
    case gain(Float)
    case fadeIn(Double, FadeShape?)
    case fadeOut(Double, FadeShape?)
    /// Start `start` seconds into the file; play `length` seconds (nil: to its end).
    case trim(start: Double, length: Double?)
    /// Put the clip at `position` seconds on the timeline.
    case move(Double)
}

extension Session {
    /// Edit clip `n` (1: a track has one) of track `id`: its file (decoded or
    /// streamed), or the take it plays (disarmed). The new clip crossfades from the old
    /// over the ramp time, so an edit while it plays does not click. Returns the track
    /// as it is now. Refused, changing nothing, when a value is out of range or the
    /// track plays neither.
    @discardableResult
    public func editClip(track id: Int, clip n: Int, _ edit: ClipEdit) throws -> TrackSettings {
        try locked {
            let i = try trackIndex(id)
            guard n == 1 else { throw ControlError("track \(id) has one clip, number 1 (not \(n))") }
            let old = patch.tracks[i]
            let audio: DecodedAudio, recordedAt: Int64?
            if let a = self.audio[id] {
                (audio, recordedAt) = (a, nil)
            } else if let (take, a) = takeAudio[id], old.take == take.number, !old.armed {
                (audio, recordedAt) = (a, take.timelineFrame)
            } else if let s = streams[id] {
                let new = try edited(old, edit)
                try editStream(id, placement: try clipPlacement(frames: s.file.frames, track: new))  // throws if it does not fit the file
                patch.tracks[i] = new
                return new
            } else {
                if old.input != nil { throw ControlError("track \(id) plays its live input; its clip is the take it plays once disarmed (/track/\(id)/take)") }
                throw ControlError("track \(id) has no clip (load a file with /track/\(id)/load)")
            }
            let new = try edited(old, edit)
            let edited = try clipNode(audio, track: new, recordedAt: recordedAt)  // throws if it does not fit the file
            let previous = try clipNode(audio, track: old, recordedAt: recordedAt)
            patch.tracks[i] = new
            graph[.track(id)]?.source = ClipPlayer.node(
                clips: [edited], stereo: audio.isStereo, retaining: [audio],
                replacing: [previous], rampFrames: Int(engine.config.rampFrames)
            )
            pushGraph()
            return new
        }
    }

    /// `track` with `edit` made to its clip (checked for range, not yet against the file).
    func edited(_ track: TrackSettings, _ edit: ClipEdit) throws -> TrackSettings {
        var new = track
        var clip = track.clip ?? ClipSettings()
        switch edit {
        case .gain(let db): clip.gain = try Validate.gain(db, "clip gain")
        case .fadeIn(let s, let shape):
            clip.fadeIn = try Validate.seconds(s, "fade-in")
            if let shape { clip.fadeInShape = shape.name }
        case .fadeOut(let s, let shape):
            clip.fadeOut = try Validate.seconds(s, "fade-out")
            if let shape { clip.fadeOutShape = shape.name }
        case .trim(let start, let length):
            clip.trim = try Validate.seconds(start, "trim start")
            clip.length = try length.map { try Validate.seconds($0, "trim length") }
        case .move(let position): new.position = try Validate.seconds(position, "position")
        }
        new.clip = clip
        return new
    }

    /// The clip of `track` (its position, trim, gain and fades) over `audio`, a file or
    /// the take recorded at timeline frame `recordedAt` (where it starts unless moved);
    /// throws when the trim or the fades do not fit the file.
    func clipNode(_ audio: DecodedAudio, track: TrackSettings, recordedAt: Int64? = nil) throws -> ClipNode {
        ClipNode(left: audio.left, right: audio.right, placement: try clipPlacement(frames: Int64(audio.frames), track: track, recordedAt: recordedAt))
    }

    /// Where `track`'s clip of a file of `frames` frames sits and how it sounds;
    /// throws when the trim or the fades do not fit the file.
    func clipPlacement(frames: Int64, track: TrackSettings, recordedAt: Int64? = nil) throws -> ClipPlacement {
        let c = track.clip ?? ClipSettings()
        let rate = sampleRate
        let fileSeconds = Double(frames) / rate
        guard c.trim < fileSeconds || frames == 0 else {
            throw ControlError("trim start \(c.trim) s is past the end of the file (\(String(format: "%.3f", fileSeconds)) s)")
        }
        let offset = min(frames, Int64((c.trim * rate).rounded()))
        let available = frames - offset
        var length = available
        if let l = c.length {
            guard l > 0 else { throw ControlError("trim length must be more than 0 s") }
            guard Int64((l * rate).rounded()) <= available else {
                throw ControlError("trim length \(l) s runs past the end of the file (\(String(format: "%.3f", Double(available) / rate)) s from the trim start)")
            }
            length = Int64((l * rate).rounded())
        }
        let fadeIn = Int64((c.fadeIn * rate).rounded()), fadeOut = Int64((c.fadeOut * rate).rounded())
        guard fadeIn + fadeOut <= length else {
            throw ControlError("the fades (\(c.fadeIn) s in, \(c.fadeOut) s out) are longer than the clip (\(String(format: "%.3f", Double(length) / rate)) s)")
        }
        guard let inShape = FadeShape(name: c.fadeInShape), let outShape = FadeShape(name: c.fadeOutShape) else {
            throw ControlError("fade shapes are \(FadeShape.allCases.map(\.name).joined(separator: ", "))")
        }
        let start = track.position.map { engine.frames(seconds: $0) } ?? recordedAt ?? 0
        var p = ClipPlacement(start: start, length: length, offset: offset)
        p.gain = c.gain == -.infinity ? 0 : Decibels.toGain(c.gain)
        p.fadeIn = fadeIn
        p.fadeInShape = inShape
        p.fadeOut = fadeOut
        p.fadeOutShape = outShape
        return p
    }
}
