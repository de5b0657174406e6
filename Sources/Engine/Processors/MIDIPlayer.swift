import DSP
import Synth

/// Source: a MIDI track. Plays its `MIDISequence` while the transport rolls — into a
/// General MIDI synthesiser whose stereo output is the track's audio, and into the
/// track's slot of `MIDIOutputs`, which the host sends out of a JACK MIDI port.
///
/// Timing: MIDI out is sample-accurate. FluidSynth starts what it is told at its next
/// 64-frame block, so the player keeps the synth's blocks on a 64-frame grid of the
/// timeline (re-aligned at every play and locate): a note at frame f sounds from the
/// first multiple of 64 at or after f, the same live and offline, whatever the period.
///
/// A stop, a locate, a loop wrap or missed cycles release every held note (MIDI out
/// gets its note-offs, the synth lets its notes fade), so nothing hangs; the channels'
/// programs are sent again at each play and locate, so a DAW synth connected late
/// still gets them.
///
/// The synth's calls are C calls the compiler cannot see into, so they run outside its
/// `@_noLocks` checking (`_unsafePerformance`); the running-engine test proves that
/// FluidSynth, set up as `SoundFontSynth` does, neither allocates nor locks in them.
///
/// Parameter 0: GM program (v0, 0–127) for every melodic channel of the track; it then
/// overrides the program changes in the sequence.
public struct MIDIPlayer: RealtimeProcessor {
    let events: UnsafeBufferPointer<MIDIEvent>
    let synth: SynthHandle?
    let outputs: MIDIOutputs
    let slot: Int
    /// Per channel: the program it plays (0–127), or 255 for the synth's default.
    let programs: UnsafeMutablePointer<UInt8>
    /// Channels whose program `set(0)` changes: the melodic ones that play notes.
    let melodic: UInt16
    var overrideProgram = false
    var programsDue = true
    /// 16 channels × 128 keys of held notes, and channels with the sustain pedal down.
    let held: UnsafeMutablePointer<UInt64>
    var holding = 0
    var sustained: UInt16 = 0
    var cursor = 0
    var rolling = false
    /// Timeline frame the next block starts at if nothing jumps.
    var next: Int64 = 0
    /// Frames the synth has rendered since it was made (its 64-frame block phase).
    var rendered: Int64 = 0

    static let synthBlock: Int64 = 64
    static let drumChannel = 9

    /// Control side. `programs`: per channel, the program to select (nil: leave it).
    public init(sequence: MIDISequence, synth: SynthHandle?, outputs: MIDIOutputs, slot: Int, programs: [UInt8?], program: UInt8? = nil) {
        events = sequence.buffer
        self.synth = synth
        self.outputs = outputs
        self.slot = slot
        let table = Self.programTable(sequence, programs: programs, program: program)
        self.programs = .allocate(capacity: 16)
        _ = UnsafeMutableBufferPointer(start: self.programs, count: 16).initialize(from: table.programs)
        melodic = table.melodic
        overrideProgram = program != nil
        held = .allocate(capacity: 32)
        held.initialize(repeating: 0, count: 32)
    }

    /// Control side: per channel the program to select first (255: the synth's default),
    /// from the file's first `programs`, every melodic channel that plays notes taking
    /// `program` instead when one is chosen; and those melodic channels (bit c: channel c).
    public static func programTable(_ sequence: MIDISequence, programs: [UInt8?], program: UInt8?) -> (programs: [UInt8], melodic: UInt16) {
        var table = [UInt8](repeating: 255, count: 16)
        for (c, p) in programs.prefix(16).enumerated() { if let p { table[c] = min(p, 127) } }
        var mask = sequence.channels & ~(1 << UInt16(Self.drumChannel))
        if mask == 0 && sequence.channels == 0 { mask = 1 }
        if let program {
            for c in 0..<16 where mask & (1 << UInt16(c)) != 0 { table[c] = min(program, 127) }
        }
        return (table, mask)
    }

    /// Control side: the node, keeping the sequence and the synth alive with it.
    public static func node(
        sequence: MIDISequence, synth: SoundFontSynth?, outputs: MIDIOutputs, slot: Int, programs: [UInt8?], program: UInt8? = nil
    ) -> NodeState {
        let player = MIDIPlayer(sequence: sequence, synth: synth?.handle, outputs: outputs, slot: slot, programs: programs, program: program)
        return NodeState(.midi, player, retaining: [sequence] + (synth.map { [$0 as AnyObject] } ?? []))
    }

    public mutating func release() {
        programs.deallocate()
        held.deallocate()
    }

    /// Process thread.
    #if RT_CHECKS
    @_noLocks
    #endif
    public mutating func set(_ index: Int32, _ value: ParameterValue) {
        guard index == 0, value.v0 >= 0, value.v0 <= 127 else { return }
        for c in 0..<16 where melodic & (1 << UInt16(c)) != 0 { programs[c] = UInt8(value.v0) }
        overrideProgram = true
        programsDue = true
    }

    /// Process thread.
    #if RT_CHECKS
    @_noLocks
    #endif
    public mutating func process(_ block: ProcessBlock) {
        let ctx = block.context.pointee
        let n = ctx.frames
        let left = block.outputCount > 0 && !block.adds(0) ? block.output(0) : ctx.scratch
        let right = block.outputCount > 1 && !block.adds(1) ? block.output(1) : ctx.scratch + ctx.scratchStride
        if rolling && (!ctx.playing || ctx.position != next) {
            releaseHeld(at: ctx.offset)
            rolling = false
        }
        if ctx.playing && !rolling {
            seek(ctx.position, discard: ctx.scratch + 2 * ctx.scratchStride, ctx.scratch + 3 * ctx.scratchStride)
            rolling = true
            programsDue = true
        }
        if programsDue {
            sendPrograms(at: ctx.offset)
            programsDue = false
        }
        var done = 0
        if rolling {
            let end = ctx.position + Int64(n)
            while cursor < events.count && events[cursor].frame < end {
                let e = events[cursor]
                cursor += 1
                if overrideProgram && e.isProgram && melodic & (1 << UInt16(e.channel)) != 0 { continue }
                let at = Int(max(0, e.frame - ctx.position))
                if at > done {
                    render(at - done, left + done, right + done)
                    done = at
                }
                play(e, at: ctx.offset + at)
            }
            next = end
        }
        render(n - done, left + done, right + done)
        for c in 0..<min(2, block.outputCount) where block.adds(c) {
            Kernels.accumulate(c == 0 ? left : right, block.output(c), n)
        }
        for c in 2..<max(2, block.outputCount) where !block.adds(c) { Kernels.clear(block.output(c), n) }
    }

    /// Process thread: start playing from timeline frame `position`: the first event
    /// at or after it is next, and the synth's blocks line up with the timeline grid.
    #if RT_CHECKS
    @_noLocks
    #endif
    mutating func seek(_ position: Int64, discard left: UnsafeMutablePointer<Float>, _ right: UnsafeMutablePointer<Float>) {
        var low = 0, high = events.count
        while low < high {
            let mid = (low + high) / 2
            if events[mid].frame < position { low = mid + 1 } else { high = mid }
        }
        cursor = low
        let block = Self.synthBlock
        let skip = ((position - rendered) % block + block) % block
        render(Int(skip), left, right)
    }

    /// Process thread: one event to the synth and the MIDI port, and the note book.
    #if RT_CHECKS
    @_noLocks
    #endif
    mutating func play(_ e: MIDIEvent, at offset: Int) {
        let channel = e.channel
        if e.isNoteOn {
            let (word, bit) = Self.bit(channel, Int(e.data1))
            if held[word] & bit == 0 {
                held[word] |= bit
                holding += 1
            } else {
                // Already sounding: end it first, so its off does not cut the new one.
                emit(MIDIEvent(frame: 0, status: 0x80 | UInt8(channel), data1: e.data1), at: offset)
            }
        } else if e.isNoteOff {
            let (word, bit) = Self.bit(channel, Int(e.data1))
            if held[word] & bit != 0 {
                held[word] &= ~bit
                holding -= 1
            }
        } else if e.status & 0xF0 == 0xB0 && e.data1 == 64 {
            if e.data2 >= 64 { sustained |= 1 << UInt16(channel) } else { sustained &= ~(1 << UInt16(channel)) }
        }
        emit(e, at: offset)
    }

    #if RT_CHECKS
    @_noLocks
    #endif
    func emit(_ e: MIDIEvent, at offset: Int) {
        if let synth { _unsafePerformance { synth.send(e.status, e.data1, e.data2) } }
        outputs.push(slot, MIDIMessage(offset: UInt32(truncatingIfNeeded: offset), status: e.status, data1: e.data1, data2: e.data2))
    }

    /// Process thread: note-offs for every held note and pedals up, out of the port;
    /// the synth releases everything.
    #if RT_CHECKS
    @_noLocks
    #endif
    mutating func releaseHeld(at offset: Int) {
        if holding > 0 {
            for word in 0..<32 where held[word] != 0 {
                var bits = held[word]
                while bits != 0 {
                    let b = bits.trailingZeroBitCount
                    bits &= bits - 1
                    let index = word * 64 + b
                    outputs.push(slot, MIDIMessage(offset: UInt32(truncatingIfNeeded: offset), status: 0x80 | UInt8(index >> 7), data1: UInt8(index & 127), data2: 0))
                }
                held[word] = 0
            }
            holding = 0
        }
        for c in 0..<16 where sustained & (1 << UInt16(c)) != 0 {
            outputs.push(slot, MIDIMessage(offset: UInt32(truncatingIfNeeded: offset), status: 0xB0 | UInt8(c), data1: 64, data2: 0))
        }
        sustained = 0
        if let synth { _unsafePerformance { synth.releaseAll() } }
    }

    #if RT_CHECKS
    @_noLocks
    #endif
    func sendPrograms(at offset: Int) {
        for c in 0..<16 where programs[c] != 255 {
            emit(MIDIEvent(frame: 0, status: 0xC0 | UInt8(c), data1: programs[c]), at: offset)
        }
    }

    #if RT_CHECKS
    @_noLocks
    #endif
    mutating func render(_ frames: Int, _ left: UnsafeMutablePointer<Float>, _ right: UnsafeMutablePointer<Float>) {
        guard frames > 0 else { return }
        if let synth {
            _unsafePerformance { synth.render(frames, left, right) }
        } else {
            Kernels.clear(left, frames)
            Kernels.clear(right, frames)
        }
        rendered += Int64(frames)
    }

    @inlinable
    static func bit(_ channel: Int, _ key: Int) -> (Int, UInt64) {
        let index = channel << 7 | (key & 127)
        return (index >> 6, 1 << UInt64(index & 63))
    }
}
