import Engine
import MIDIFiles
import Synth

/// A MIDI track's playing parts: its events on the timeline, its synth, the MIDI out
/// slot (and JACK port) it sends to.
final class MIDITrackSource {
    let sequence: MIDISequence
    let synth: SoundFontSynth?
    /// Per channel, the file's first program (chased at every play and locate).
    let programs: [UInt8?]
    var slot: Int = -1

    init(sequence: MIDISequence, synth: SoundFontSynth?, programs: [UInt8?]) {
        self.sequence = sequence
        self.synth = synth
        self.programs = programs
    }
}

extension Session {
    /// Read the Standard MIDI File at `path` (inside the project) and make the track a
    /// MIDI track playing it from `position` seconds: through the General MIDI synth
    /// into its strip, and out of its JACK MIDI port `midi_<id>`. Slow (the synth loads
    /// its SoundFont): done outside the lock. Nothing changes if it fails.
    public func loadMIDI(track id: Int, path: String, position: Double = 0) throws {
        let position = try Validate.seconds(position, "position")
        let absolute = try paths.resolve(path, mustExist: true)
        _ = try locked { try trackIndex(id) }
        let file: MIDIFile
        do { file = try MIDIFile(path: absolute) } catch let e as MIDIFileError {
            throw ControlError(e.description.replacingOccurrences(of: absolute, with: path))
        }
        let source = prepareMIDI(file, at: position)
        try locked {
            let i = try trackIndex(id)
            guard midi[id] != nil || !freeMIDISlots.isEmpty else {
                throw ControlError("no more MIDI tracks: the limit is \(engine.config.midiOutputs)")
            }
            let program = patch.tracks[i].program
            patch.tracks[i].forgetSource()
            patch.tracks[i].midi = paths.relative(absolute)
            patch.tracks[i].program = program  // a program chosen for the track stays
            patch.tracks[i].position = position
            patch.tracks[i].armed = false
            audio[id] = nil
            takeAudio[id] = nil
            dropStream(id)  // (not its MIDI slot: the new source takes it over)
            removeTap(.track(id))
            adoptMIDI(id, source, program: patch.tracks[i].program, name: patch.tracks[i].name)
            pushMix([.track(id)], audibility: false)  // a stereo source: the balance pan law
            pushGraph()
        }
    }

    /// The GM program (0–127) of a MIDI track's melodic channels; it overrides the
    /// file's program changes from now on.
    public func setProgram(track id: Int, program: Int) throws {
        guard (0...127).contains(program) else { throw ControlError("program must be a GM program from 0 to 127, not \(program)") }
        try locked {
            let i = try trackIndex(id)
            guard patch.tracks[i].midi != nil, let node = graph[.track(id)]?.source, node.kind == .midi else {
                throw ControlError("track \(id) is not a MIDI track (load a MIDI file with /track/\(id)/midi first)")
            }
            patch.tracks[i].program = program
            set(node, 0, [Float(program)])
        }
    }

    /// The track's events in engine frames, its synth, and its channels' first programs.
    func prepareMIDI(_ file: MIDIFile, at position: Double) -> MIDITrackSource {
        let rate = sampleRate
        let messages = file.channelMessages()
        let events = messages.map {
            MIDIEvent(frame: Int64(((position + $0.seconds) * rate).rounded()), status: $0.status, data1: $0.data1, data2: $0.data2)
        }
        var programs = [UInt8?](repeating: nil, count: 16)
        for m in messages.sorted(by: { $0.seconds < $1.seconds }) where m.status & 0xF0 == 0xC0 {
            let c = Int(m.status & 0x0F)
            if programs[c] == nil { programs[c] = m.data1 }
        }
        return MIDITrackSource(sequence: MIDISequence(events), synth: makeSynth(), programs: programs)
    }

    /// A synth at the engine's rate, or nil (with a warning) when there is no SoundFont:
    /// the track then only sends MIDI out.
    func makeSynth() -> SoundFontSynth? {
        do {
            return try SoundFontSynth(soundFont: try SoundFonts.generalMIDI(), sampleRate: sampleRate)
        } catch {
            logger.warning("MIDI tracks will not sound: \(error)")
            return nil
        }
    }

    /// Under the lock: `source` becomes track `id`'s source, on the MIDI slot it had or
    /// a free one (the caller checked there is one), with its JACK MIDI port.
    func adoptMIDI(_ id: Int, _ source: MIDITrackSource, program: Int?, name: String) {
        let slot = midi[id]?.slot ?? freeMIDISlots.removeLast()
        source.slot = slot
        midi[id] = source
        midiPorts?.openMIDIPort(slot: slot, name: "midi_\(id)", pretty: "\(name) MIDI")
        graph[.track(id)]?.source = MIDIPlayer.node(
            sequence: source.sequence, synth: source.synth, outputs: engine.core.pointee.midi, slot: slot,
            programs: source.programs, program: program.map { UInt8($0) }
        )
    }

    /// Under the lock: track `id` is no longer a MIDI track; its slot and port go.
    func dropMIDI(_ id: Int) {
        guard let source = midi.removeValue(forKey: id) else { return }
        freeMIDISlots.append(source.slot)
        midiPorts?.closeMIDIPort(slot: source.slot)
    }
}
