import Engine

/// Live loudness meters (BS.1770-4) on strips: a `LoudnessTap` on the strip's
/// post-fader pair, on the master by default and on any track or bus on request,
/// saved in patches.
extension Session {
    /// Meter strip `ref`'s loudness, or stop.
    public func setLoudness(_ ref: StripRef, _ on: Bool) throws {
        try locked {
            var s = try patch.strip(ref)
            s.loudness = on == (ref == .master) ? nil : on  // the default is not written out
            try patch.setStrip(s, ref)
            syncLoudness(ref)
        }
    }

    public func isLoudnessMetered(_ ref: StripRef) throws -> Bool {
        try locked { Self.metered(ref, try patch.strip(ref)) }
    }

    /// Start the strip's integrated loudness and true peak again from now.
    public func resetLoudness(_ ref: StripRef) throws {
        let meter = try locked { () -> LiveLoudness? in
            _ = try patch.strip(ref)
            return graph[ref]?.loudness
        }
        guard let meter else { throw ControlError("strip \(ref) has no loudness meter (switch it on first)") }
        meter.drain()
        meter.reset()
    }

    /// Every metered strip (ids as `/meter` names them: a number, or "master"), the
    /// master last.
    public func loudnessMeters() -> [(id: String, meter: LiveLoudness)] {
        locked {
            let strips = patch.tracks.map { (String($0.id), StripRef.track($0.id)) }
                + patch.buses.map { (String($0.id), StripRef.bus($0.id)) } + [("master", StripRef.master)]
            return strips.compactMap { id, ref in graph[ref]?.loudness.map { (id, $0) } }
        }
    }

    static func metered(_ ref: StripRef, _ s: StripSettings) -> Bool { s.loudness ?? (ref == .master) }

    /// A new meter and its tap on the strip's nodes (in the next graph pushed).
    func attachLoudness(_ n: StripNodes) {
        let meter = LiveLoudness()
        n.loudness = meter
        n.loudnessTap = LoudnessTap.node(stream: meter.stream, sampleRate: sampleRate)
    }

    /// Session lock held (or during init): give the strip a meter if it should have one
    /// and has none, or take it away.
    func syncLoudness(_ ref: StripRef) {
        guard let n = graph[ref], let s = try? patch.strip(ref) else { return }
        let on = Self.metered(ref, s)
        if on && n.loudnessTap == nil {
            attachLoudness(n)
            pushGraph()
        } else if !on && n.loudnessTap != nil {
            n.loudnessTap = nil
            n.loudness = nil
            pushGraph()
        }
    }
}
