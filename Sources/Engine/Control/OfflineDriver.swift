import CFloatEnv

/// Runs the engine without JACK, cycle by cycle on the calling thread: tests render
/// deterministically and faster than real time, and generated songs render to files.
public final class OfflineDriver {
    public let engine: EngineHandle
    public let period: Int
    private let inputs: UnsafeMutablePointer<UnsafePointer<Float>?>
    private let inputBuffers: [UnsafeMutablePointer<Float>]
    private let left: UnsafeMutablePointer<Float>
    private let right: UnsafeMutablePointer<Float>
    private var nanos: UInt64 = 0

    public init(engine: EngineHandle, period: Int) {
        precondition(period <= engine.config.maxFrames)
        self.engine = engine
        self.period = period
        inputs = .allocate(capacity: max(1, engine.config.inputs))
        inputBuffers = (0..<engine.config.inputs).map { _ in
            let b = UnsafeMutablePointer<Float>.allocate(capacity: period)
            b.initialize(repeating: 0, count: period)
            return b
        }
        for (i, b) in inputBuffers.enumerated() { inputs[i] = UnsafePointer(b) }
        left = .allocate(capacity: period)
        right = .allocate(capacity: period)
    }

    deinit {
        inputs.deallocate()
        inputBuffers.forEach { $0.deallocate() }
        left.deallocate()
        right.deallocate()
    }

    /// Render `frames` (rounded up to whole periods). `input` fills capture port `port`
    /// for the absolute frame range `[start, start + period)` before each cycle; `midi`
    /// is handed what the MIDI tracks sent out in each cycle (the cycle's first frame and
    /// the outputs), as a JACK host would send it.
    public func render(
        frames: Int,
        input: ((_ port: Int, _ start: Int, _ buffer: UnsafeMutableBufferPointer<Float>) -> Void)? = nil,
        midi: ((_ start: Int, _ outputs: MIDIOutputs) -> Void)? = nil
    ) -> (left: [Float], right: [Float]) {
        // This thread renders: flush denormals here as the process thread does.
        dawg_flush_denormals()
        var outL: [Float] = [], outR: [Float] = []
        outL.reserveCapacity(frames + period)
        outR.reserveCapacity(frames + period)
        while outL.count < frames {
            let start = Int(engine.core.pointee.clock)
            for (port, b) in inputBuffers.enumerated() {
                input?(port, start, UnsafeMutableBufferPointer(start: b, count: period))
            }
            engine.core.pointee.process(frames: period, inputs: inputs, left: left, right: right, nanos: nanos)
            midi?(start, engine.core.pointee.midi)
            nanos += UInt64(Double(period) / engine.config.sampleRate * 1e9)
            outL.append(contentsOf: UnsafeBufferPointer(start: left, count: period))
            outR.append(contentsOf: UnsafeBufferPointer(start: right, count: period))
            engine.collectRetired()
        }
        return (Array(outL.prefix(frames)), Array(outR.prefix(frames)))
    }
}
