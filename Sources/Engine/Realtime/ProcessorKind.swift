/// Every kind of processor the engine can schedule: the one place a new kind is
/// registered. A new kind is its own file in `Processors/` (the control-side description
/// and the `RealtimeProcessor`), plus a case here and an arm in each switch below.
///
/// The switch is the dispatch: the process thread cannot call through a protocol
/// existential or a function pointer without the compiler losing sight of what runs
/// (`@_noLocks` refuses both), so each arm calls one concrete type directly.
public enum ProcessorKind: UInt8, Sendable, CaseIterable, BitwiseCopyable {
    case clips, capture, strip, send, sum, output
    case eq, compressor, gate, reverb, delay
    case recordTap, stream, pitch, loudness, midi

    /// Process thread: run one step of the schedule.
    #if RT_CHECKS
    @_noLocks
    #endif
    static func process(_ step: Plan.Step, _ context: UnsafePointer<CycleContext>) {
        let block = ProcessBlock(
            inputs: step.inputs, inputCount: Int(step.inputCount),
            outputs: step.outputs, outputCount: Int(step.outputCount),
            accumulate: step.accumulate, context: context
        )
        let s = step.state
        switch step.kind {
        case .clips: s.assumingMemoryBound(to: ClipPlayer.self).pointee.process(block)
        case .capture: s.assumingMemoryBound(to: CaptureInput.self).pointee.process(block)
        case .strip: s.assumingMemoryBound(to: StripProcessor.self).pointee.process(block)
        case .send: s.assumingMemoryBound(to: SendProcessor.self).pointee.process(block)
        case .sum: s.assumingMemoryBound(to: SumProcessor.self).pointee.process(block)
        case .output: s.assumingMemoryBound(to: MasterOutput.self).pointee.process(block)
        case .eq: s.assumingMemoryBound(to: EqualizerProcessor.self).pointee.process(block)
        case .compressor: s.assumingMemoryBound(to: CompressorProcessor.self).pointee.process(block)
        case .gate: s.assumingMemoryBound(to: GateProcessor.self).pointee.process(block)
        case .reverb: s.assumingMemoryBound(to: ReverbProcessor.self).pointee.process(block)
        case .delay: s.assumingMemoryBound(to: DelayProcessor.self).pointee.process(block)
        case .recordTap: s.assumingMemoryBound(to: RecordTap.self).pointee.process(block)
        case .stream: s.assumingMemoryBound(to: StreamPlayer.self).pointee.process(block)
        case .pitch: s.assumingMemoryBound(to: PitchTap.self).pointee.process(block)
        case .loudness: s.assumingMemoryBound(to: LoudnessTap.self).pointee.process(block)
        case .midi: s.assumingMemoryBound(to: MIDIPlayer.self).pointee.process(block)
        }
    }

    /// Process thread: apply a parameter command.
    #if RT_CHECKS
    @_noLocks
    #endif
    static func set(_ kind: ProcessorKind, _ s: UnsafeMutableRawPointer, _ index: Int32, _ value: ParameterValue) {
        switch kind {
        case .clips: s.assumingMemoryBound(to: ClipPlayer.self).pointee.set(index, value)
        case .capture: s.assumingMemoryBound(to: CaptureInput.self).pointee.set(index, value)
        case .strip: s.assumingMemoryBound(to: StripProcessor.self).pointee.set(index, value)
        case .send: s.assumingMemoryBound(to: SendProcessor.self).pointee.set(index, value)
        case .sum: s.assumingMemoryBound(to: SumProcessor.self).pointee.set(index, value)
        case .output: s.assumingMemoryBound(to: MasterOutput.self).pointee.set(index, value)
        case .eq: s.assumingMemoryBound(to: EqualizerProcessor.self).pointee.set(index, value)
        case .compressor: s.assumingMemoryBound(to: CompressorProcessor.self).pointee.set(index, value)
        case .gate: s.assumingMemoryBound(to: GateProcessor.self).pointee.set(index, value)
        case .reverb: s.assumingMemoryBound(to: ReverbProcessor.self).pointee.set(index, value)
        case .delay: s.assumingMemoryBound(to: DelayProcessor.self).pointee.set(index, value)
        case .recordTap: s.assumingMemoryBound(to: RecordTap.self).pointee.set(index, value)
        case .stream: s.assumingMemoryBound(to: StreamPlayer.self).pointee.set(index, value)
        case .pitch: s.assumingMemoryBound(to: PitchTap.self).pointee.set(index, value)
        case .loudness: s.assumingMemoryBound(to: LoudnessTap.self).pointee.set(index, value)
        case .midi: s.assumingMemoryBound(to: MIDIPlayer.self).pointee.set(index, value)
        }
    }

    /// Control side: may this kind write output c over the buffer of its input c?
    /// (Only kinds that read each sample before writing it, channel by channel.)
    var processesInPlace: Bool {
        switch self {
        case .eq, .compressor, .gate: true
        default: false
        }
    }
}
