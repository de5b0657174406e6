import DSP

/// A parameter value as the realtime side receives it: up to eight floats, so a filter
/// band's whole coefficient set (designed on the control side, where libm may be
/// called) arrives in one command and applies at one sample.
public struct ParameterValue: BitwiseCopyable, Sendable, Equatable, ExpressibleByArrayLiteral {
    public var v0: Float = 0, v1: Float = 0, v2: Float = 0, v3: Float = 0
    public var v4: Float = 0, v5: Float = 0, v6: Float = 0, v7: Float = 0

    /// Control side.
    public init(_ values: [Float]) {
        precondition(values.count <= 8, "a parameter carries at most eight values")
        for (i, v) in values.enumerated() { self[i] = v }
    }

    /// Control side.
    public init(arrayLiteral values: Float...) { self.init(values) }

    /// Either side.
    @inlinable
    public subscript(i: Int) -> Float {
        get {
            switch i {
            case 0: v0
            case 1: v1
            case 2: v2
            case 3: v3
            case 4: v4
            case 5: v5
            case 6: v6
            default: v7
            }
        }
        set {
            switch i {
            case 0: v0 = newValue
            case 1: v1 = newValue
            case 2: v2 = newValue
            case 3: v3 = newValue
            case 4: v4 = newValue
            case 5: v5 = newValue
            case 6: v6 = newValue
            default: v7 = newValue
            }
        }
    }
}

/// What every processor sees of the cycle: the transport under this block, the host's
/// buffers, the meter ballistics for this block length. Built by the realtime core for
/// each sub-block (a cycle splits at timed commands and loop ends).
public struct CycleContext {
    /// Frames in this block.
    public var frames: Int
    /// Where this block starts in the host's buffers.
    public var offset: Int
    public var playing: Bool
    /// Timeline frame of the block's first sample.
    public var position: Int64
    /// The host's capture buffers for the whole cycle (nil entries read as silence).
    public var capture: UnsafePointer<UnsafePointer<Float>?>
    public var captureCount: Int
    /// The host's master outputs for the whole cycle.
    public var outLeft: UnsafeMutablePointer<Float>
    public var outRight: UnsafeMutablePointer<Float>
    public var meters: MeterBlock
    public var published: Published
    /// Where a processor reports to the control side (push only; never wait).
    public var events: SPSCRing<RealtimeEvent>
    /// Transport tempo in beats per minute.
    public var tempo: Float
    /// Record enabled, and the punch range (timeline frames; everywhere by default).
    public var recording: Bool
    public var punchIn: Int64
    public var punchOut: Int64
    /// Working memory any processor may use during its own `process` call (nothing
    /// survives to the next step): `scratchBuffers` buffers, `scratchStride` apart.
    public var scratch: UnsafeMutablePointer<Float>
    public var scratchStride: Int
    public static let scratchBuffers = 4
    /// The engine's frame clock at the block's first sample (the time base of timed
    /// commands).
    public var clock: UInt64
    /// A streamed source that cannot play from `position` yet adds one here; the
    /// transport does not roll from a new place until a block counts none.
    public var waiting: UnsafeMutablePointer<Int>
    /// Frames the transport rolled on without the engine just before this block (the
    /// host missed cycles); `position` already counts them. Zero almost always.
    public var skipped: Int64 = 0
}

/// One processor's view of one block: where to read and where to write.
///
/// Inputs and outputs are channels in engine buffers, assigned by the graph compiler.
/// An output whose bit is set in `accumulate` is a mix point that another node has
/// already written this block: the processor adds to it instead of replacing it. A
/// processor writes every output every block, silence included (in replace mode).
public struct ProcessBlock {
    public let inputs: UnsafePointer<UnsafeMutablePointer<Float>>
    public let inputCount: Int
    public let outputs: UnsafePointer<UnsafeMutablePointer<Float>>
    public let outputCount: Int
    public let accumulate: UInt32
    public let context: UnsafePointer<CycleContext>

    @inlinable public var frames: Int { context.pointee.frames }
    @inlinable public func input(_ c: Int) -> UnsafePointer<Float> { UnsafePointer(inputs[c]) }
    @inlinable public func output(_ c: Int) -> UnsafeMutablePointer<Float> { outputs[c] }
    @inlinable public func adds(_ c: Int) -> Bool { accumulate & (1 << UInt32(c)) != 0 }

    /// out[c] = src (or += src at a mix point).
    #if RT_CHECKS
    @_noLocks
    #endif
    @inlinable
    public func write(_ c: Int, from src: UnsafePointer<Float>) {
        if adds(c) {
            Kernels.accumulate(src, outputs[c], frames)
        } else if src != UnsafePointer(outputs[c]) {  // in place, a switched-off insert has nothing to do
            Kernels.copy(src, outputs[c], frames)
        }
    }

    /// out[c] = src × gain (or += at a mix point).
    #if RT_CHECKS
    @_noLocks
    #endif
    @inlinable
    public func write(_ c: Int, from src: UnsafePointer<Float>, gain: Float) {
        if adds(c) { Kernels.accumulate(src, outputs[c], frames, gain: gain) } else { Kernels.multiply(src, outputs[c], frames, gain: gain) }
    }

    /// out[c] = src × ramp (or += at a mix point); the ramp advances by the block.
    #if RT_CHECKS
    @_noLocks
    #endif
    @inlinable
    public func write(_ c: Int, from src: UnsafePointer<Float>, ramp: inout Ramp) {
        if adds(c) { Kernels.accumulate(src, outputs[c], frames, ramp: &ramp) } else { Kernels.multiply(src, outputs[c], frames, ramp: &ramp) }
    }

    /// out[c] = src × gains, sample by sample (or += at a mix point).
    #if RT_CHECKS
    @_noLocks
    #endif
    @inlinable
    public func write(_ c: Int, from src: UnsafePointer<Float>, gains: UnsafePointer<Float>) {
        let out = outputs[c]
        if adds(c) {
            for i in 0..<frames { out[i] += src[i] * gains[i] }
        } else {
            for i in 0..<frames { out[i] = src[i] * gains[i] }
        }
    }

    /// Outputs 0 ..< `channels` straight from the inputs: a processor switched off.
    #if RT_CHECKS
    @_noLocks
    #endif
    @inlinable
    public func passThrough(_ channels: Int) {
        for c in 0..<channels { write(c, from: input(c)) }
    }

    /// Silence on every output (nothing to add at a mix point).
    #if RT_CHECKS
    @_noLocks
    #endif
    @inlinable
    public func silenceOutputs() {
        for c in 0..<outputCount where !adds(c) { Kernels.clear(outputs[c], frames) }
    }
}

/// The realtime half of a processor kind: plain stored state in memory the control side
/// allocated (`NodeState`), carried from schedule to schedule while the node lives.
///
/// `process` and `set` run on the process thread and must not allocate, free, lock or
/// call into C: mark them `@_noLocks` (under `RT_CHECKS`) and the compiler checks it.
/// Anything slow — coefficient design, buffer allocation — happens on the control side,
/// in the kind's description (see `Processors/`), before it reaches `set`.
public protocol RealtimeProcessor {
    /// Process thread: render one block.
    mutating func process(_ block: ProcessBlock)
    /// Process thread: apply parameter `index` (the kind's own numbering).
    mutating func set(_ index: Int32, _ value: ParameterValue)
    /// Control side, once no schedule can reach the node: free what `init` allocated.
    mutating func release()
}

extension RealtimeProcessor {
    public mutating func set(_ index: Int32, _ value: ParameterValue) {}
    public mutating func release() {}
}
