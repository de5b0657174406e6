import Engine

extension Session {
    /// Seconds from the start of the timeline to the end of the last file, take or MIDI
    /// track (the MIDI tracks' last event).
    public var timelineEnd: Double {
        locked {
            var end = 0.0
            for t in patch.tracks {
                let start = t.position ?? 0
                if let a = audio[t.id], let clip = try? clipNode(a, track: t) { end = max(end, start + Double(clip.length) / sampleRate) }
                if let s = streams[t.id], let clip = try? clipPlacement(frames: s.file.frames, track: t) { end = max(end, start + Double(clip.length) / sampleRate) }
                if let m = midi[t.id] { end = max(end, Double(m.sequence.end) / sampleRate) }
            }
            return end
        }
    }

    /// Render the timeline through the engine's offline driver: the transport from
    /// `start` seconds for `seconds`, the master's output as it would leave the JACK
    /// ports — the same graph, processors and synthesiser. Only for a session whose
    /// engine no host runs. `progress` hears the fraction done now and then.
    public func renderOffline(seconds: Double, from start: Double = 0, period: Int = 1024, progress: ((Double) -> Void)? = nil) throws -> (left: [Float], right: [Float]) {
        let seconds = try Validate.seconds(seconds, "length")
        let driver = OfflineDriver(engine: engine, period: min(period, engine.config.maxFrames))
        try locate(seconds: start)
        play()
        let total = engine.frames(seconds: seconds)
        var left: [Float] = [], right: [Float] = []
        left.reserveCapacity(Int(total))
        right.reserveCapacity(Int(total))
        // About a second at a time, so progress moves; whole periods, so no frame is lost.
        let chunk = max(1, Int(sampleRate) / driver.period) * driver.period
        while left.count < Int(total) {
            let n = min(chunk, Int(total) - left.count)
            let out = driver.render(frames: (n + driver.period - 1) / driver.period * driver.period)
            left += out.left
            right += out.right
            progress?(min(1, Double(left.count) / Double(total)))
        }
        left.removeLast(left.count - Int(total))
        right.removeLast(right.count - Int(total))
        stop()
        _ = driver.render(frames: driver.period)  // the stop lands
        return (left, right)
    }
}
