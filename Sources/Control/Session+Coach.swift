import Analysis

/// Coaching settings of tracked tracks, and the A4 they all share. The pitch feedback
/// asks `liveCoach(track:)` for each track's resolved settings and rebuilds its coach
/// when `coachGeneration` moves.
extension Session {
    public var a4: Double { locked { patch.a4 } }

    public func setA4(_ hz: Double) throws {
        guard hz.isFinite, Tuning.a4Range.contains(hz) else { throw ControlError("A4 must be 400 … 480 Hz") }
        try locked {
            // Every track's coach is checked with the new A4 before any changes.
            for t in patch.tracks where t.coach != nil { _ = try resolveCoach(t.coach!, a4: hz) }
            patch.a4 = hz
            coachGeneration += 1
        }
    }

    public func coach(track id: Int) throws -> CoachSettings {
        try locked { patch.tracks[try trackIndex(id)].coach ?? CoachSettings() }
    }

    /// Replaces track `id`'s coaching settings after checking them whole (outside the
    /// session lock: a reference is read from disk).
    public func setCoach(track id: Int, _ settings: CoachSettings) throws {
        _ = try resolveCoach(settings, a4: a4)
        try locked {
            let i = try trackIndex(id)
            patch.tracks[i].coach = settings == CoachSettings() ? nil : settings
            coachGeneration += 1
            syncPitch(id)  // the profile's voice range may have changed
        }
    }

    /// Edits track `id`'s settings (`edit` may throw to refuse).
    public func editCoach(track id: Int, _ edit: (inout CoachSettings) throws -> Void) throws {
        var s = try coach(track: id)
        try edit(&s)
        try setCoach(track: id, s)
    }

    /// Track `id`'s live coach settings (defaults when a saved reference has gone
    /// missing since: the feedback must go on).
    public func liveCoach(track id: Int) -> LiveCoach.Settings {
        locked {
            guard let t = patch.tracks.first(where: { $0.id == id }) else { return LiveCoach.Settings() }
            var fallback = LiveCoach.Settings()
            fallback.tuning = Tuning(a4: patch.a4)
            return (try? resolveCoach(t.coach ?? CoachSettings(), a4: patch.a4)) ?? fallback
        }
    }

    /// Where a track with these settings is tracked: its profile's voice (the profile
    /// alone, so the reference is not read again under the session lock).
    func voiceRange(_ s: CoachSettings) -> ClosedRange<Double> {
        (try? CoachProfile.load(s.profile, directory: presets.directory + "/coach")).map { $0.lowHz...$0.highHz }
            ?? LiveCoach.Settings().range
    }

    func resolveCoach(_ s: CoachSettings, a4: Double) throws -> LiveCoach.Settings {
        try s.resolve(a4: a4, presets: presets.directory + "/coach", paths: paths)
    }
}

extension Session {
    /// A number that moves whenever a coach's settings or the A4 change.
    public var coachChanges: Int { locked { coachGeneration } }
}
