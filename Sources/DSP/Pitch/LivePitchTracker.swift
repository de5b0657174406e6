/// What the live tracker says after one analysis hop.
public struct PitchReading: Sendable, Equatable, BitwiseCopyable {
    /// 0 when unvoiced.
    public var hz: Float
    /// McLeod's clarity at the chosen period, 0 … 1 (0 when unvoiced).
    public var confidence: Float
    /// Level of the newest 4 ms, dBFS (mean square).
    public var levelDb: Float
    /// Input samples pushed when the hop completed: the reading describes the audio
    /// up to there.
    public var sample: Int64

    @inlinable
    public init(hz: Float, confidence: Float, levelDb: Float, sample: Int64) {
        self.hz = hz
        self.confidence = confidence
        self.levelDb = levelDb
        self.sample = sample
    }
}

/// The pitch of a live signal, a reading every hop (5 ms by default; every half hop
/// while no voice sounds), for the process
/// thread: decimation to about 16 kHz, the `PeriodicityAnalyzer` on the newest samples
/// (its window follows the lag, so a high note is known after a few of its own cycles),
/// McLeod's key-maximum choice (or the period it is part of, when a fundamental is
/// missing), a finer look at the chosen period at the full rate, and two guards:
///
/// - **Octave jumps persist or are refused.** A choice an octave (or a twelfth) away from
///   a voiced pitch, while a good dip remains at the old pitch, is not taken until it
///   has been the choice for `persist` hops in a row: a real leap costs one or two hops,
///   a subharmonic blip costs nothing.
/// - **Voicing with hysteresis**, on both a level gate and the dip's depth: the voice
///   must be clearer and louder to start than to go on.
///
/// Allocates in `init`, frees in `free()`; `push` is realtime-safe.
public struct LivePitchTracker {
    public struct Settings: Sendable, Equatable {
        public var lowHz: Double = 50
        public var highHz: Double = 1500
        public var hopSeconds: Double = 0.005
        /// The analysis window per lag, in periods.
        public var periods: Double = 1.5
        /// A dip under `onThreshold` starts the voice; it goes on while under `offThreshold`.
        public var onThreshold: Float = 0.2
        public var offThreshold: Float = 0.35
        /// Level gate (dBFS) to start; the voice goes on down to `gateDb − hysteresisDb`.
        public var gateDb: Float = -50
        public var hysteresisDb: Float = 8
        /// The period chosen is the shortest whose clarity is within this of the clearest.
        public var keyMaximum: Float = 0.9
        /// Hops a jump of an octave or a twelfth must last to be believed.
        public var persist: Int = 2
        public init() {}
    }

    public let settings: Settings
    public let sampleRate: Double
    @usableFromInline var decimator: Decimator
    @usableFromInline var analyzer: PeriodicityAnalyzer
    /// The newest `span` analysis samples, written twice so they are always contiguous.
    @usableFromInline let history: UnsafeMutablePointer<Float>
    @usableFromInline var head = 0
    @usableFromInline let scratch: UnsafeMutablePointer<Float>
    @usableFromInline let scratchCapacity: Int
    /// The newest input samples at the full rate (for `refine`), written twice.
    @usableFromInline let full: UnsafeMutablePointer<Float>
    @usableFromInline let fullCapacity: Int
    @usableFromInline var fullHead = 0
    @usableFromInline let maxBlock: Int
    @usableFromInline let hop: Int
    @usableFromInline var untilHop: Int
    @usableFromInline var pushed: Int64 = 0
    @usableFromInline var voiced = false
    @usableFromInline var lastHz: Float = 0
    @usableFromInline var pendingHz: Float = 0
    @usableFromInline var pendingHops = 0

    /// Control side. `maxBlock`: the most samples one `push` brings.
    public init(sampleRate: Double, settings: Settings = Settings(), maxBlock: Int = 8192) {
        self.settings = settings
        self.sampleRate = sampleRate
        let factor = Decimator.factor(for: sampleRate)
        let rate = sampleRate / Double(factor)
        decimator = Decimator(factor: factor)
        analyzer = PeriodicityAnalyzer(rate: rate, lowHz: settings.lowHz, highHz: settings.highHz, periods: settings.periods)
        history = .allocate(capacity: 2 * analyzer.span)
        history.initialize(repeating: 0, count: 2 * analyzer.span)
        self.maxBlock = maxBlock
        scratchCapacity = maxBlock / factor + 2
        scratch = .allocate(capacity: scratchCapacity)
        scratch.initialize(repeating: 0, count: scratchCapacity)
        fullCapacity = Int((settings.periods + 1) * Double((analyzer.maxLag + 2) * factor)) + 64 * factor + maxBlock
        full = .allocate(capacity: 2 * fullCapacity)
        full.initialize(repeating: 0, count: 2 * fullCapacity)
        hop = max(1, Int(settings.hopSeconds * rate))
        untilHop = hop
    }

    /// Control side.
    public func free() {
        decimator.free()
        analyzer.free()
        history.deallocate()
        scratch.deallocate()
        full.deallocate()
    }

    /// Realtime-safe: take `count` samples (at most `maxBlock`); the readings of the hops
    /// they complete go to `out` (room for `capacity`), and their number is returned.
    @inlinable @_noLocks
    public mutating func push(_ input: UnsafePointer<Float>, _ count: Int, into out: UnsafeMutablePointer<PitchReading>, capacity: Int) -> Int {
        let factor = decimator.factor, before = decimator.phase
        let count = min(count, maxBlock)
        let firstFull = fullHead  // ring index of input[0]
        for i in 0..<count {
            full[fullHead] = input[i]
            full[fullHead + fullCapacity] = input[i]
            fullHead += 1
            if fullHead == fullCapacity { fullHead = 0 }
        }
        let made = decimator.push(input, count, into: scratch)
        var readings = 0
        let span = analyzer.span
        for i in 0..<made {
            history[head] = scratch[i]
            history[head + span] = scratch[i]
            head += 1
            if head == span { head = 0 }
            untilHop -= 1
            if untilHop == 0 {
                // Every hop while a voice sounds; twice as often while waiting for one,
                // so an onset is answered sooner (silence costs little: see `analyse`).
                defer { untilHop = voiced ? hop : max(1, hop / 2) }
                // Input samples pushed when this analysis sample was made.
                let at = pushed + Int64(factor - before + i * factor)
                if readings < capacity {
                    // The full-rate ring just past input sample `at`, with its history before it.
                    let end = full + fullCapacity + (firstFull + Int(at - pushed)) % fullCapacity
                    out[readings] = analyse(at: at, fullEnd: end)
                    readings += 1
                }
            }
        }
        pushed += Int64(count)
        return readings
    }

    /// Realtime-safe: one hop's reading.
    @inlinable @_noLocks
    mutating func analyse(at sample: Int64, fullEnd: UnsafePointer<Float>) -> PitchReading {
        // The level of the newest 4 ms first: under the gate there is nothing to analyse.
        let level = 10 * FastMath.log2(max(analyzer.power(of: history + head), 1e-20)) * 0.30103
        let gate = voiced ? settings.gateDb - settings.hysteresisDb : settings.gateDb
        guard level >= gate else {
            voiced = false
            pendingHops = 0
            return PitchReading(hz: 0, confidence: 0, levelDb: level, sample: sample)
        }
        analyzer.analyze(history + head)
        let threshold = voiced ? settings.offThreshold : settings.onThreshold
        var index = analyzer.keyChoice(k: settings.keyMaximum)
        if let i = index, let j = analyzer.deeperMultiple(of: i) { index = j }  // a missing fundamental
        guard let i = index, case var choice = analyzer.candidates[i], choice.dip < threshold else {
            voiced = false
            pendingHops = 0
            return PitchReading(hz: 0, confidence: 0, levelDb: level, sample: sample)
        }
        let rate = analyzer.rate
        if voiced && lastHz > 0 {
            let ratio = rate / choice.period / lastHz
            let leap = Self.near(ratio, 2) || Self.near(ratio, 0.5) || Self.near(ratio, 3) || Self.near(ratio, 1.0 / 3)
            if leap, let stay = candidate(near: rate / lastHz, below: settings.offThreshold) {
                pendingHops = pendingHz > 0 && Self.near(rate / choice.period / pendingHz, 1) ? pendingHops + 1 : 1
                pendingHz = rate / choice.period
                if pendingHops < settings.persist { choice = stay }
            } else {
                pendingHops = 0
            }
        }
        voiced = true
        lastHz = rate / analyzer.refine(choice.period, at: fullEnd, factor: decimator.factor, placement: .ending).period
        return PitchReading(hz: lastHz, confidence: choice.clarity, levelDb: level, sample: sample)
    }

    /// The candidate within a semitone of `period`, if its dip is under `threshold`.
    @inlinable @_noLocks
    func candidate(near period: Float, below threshold: Float) -> PitchCandidate? {
        for i in 0..<analyzer.count {
            let c = analyzer.candidates[i]
            if c.dip < threshold && c.period > period * 0.944 && c.period < period * 1.059 { return c }
        }
        return nil
    }

    /// Within 80 cents of `target`.
    @inlinable @_noLocks
    static func near(_ ratio: Float, _ target: Float) -> Bool { ratio > target * 0.955 && ratio < target * 1.047 }
}
