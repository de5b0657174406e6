import Engine
import Synth

extension MIDITrackSource {
    /// Any control thread: the track's sound, stereo, from timeline frame `from` (its
    /// position: at or before its first event) to `tail` seconds past its last event, as
    /// its synth plays it — programs chosen as the player chooses them (`program`: the
    /// track's own, overriding the file's on its melodic channels) — on a synth of its
    /// own (the playing one belongs to the process thread). For measuring (the mix
    /// assistant). Nil when the track has no synth (no SoundFont) or no events.
    func rendered(sampleRate: Double, program: Int?, from: Int64, tail: Double = 2) throws -> [[Float]]? {
        guard let playing = synth, let firstEvent = sequence.buffer.first?.frame else { return nil }
        let first = min(from, firstEvent)
        let synth = try SoundFontSynth(soundFont: playing.soundFont, sampleRate: sampleRate)
        let chosen = program.map { UInt8(clamping: $0) }
        let table = MIDIPlayer.programTable(sequence, programs: programs, program: chosen)
        for c in 0..<16 where table.programs[c] != 255 { synth.handle.send(0xC0 | UInt8(c), table.programs[c], 0) }
        let count = Int(sequence.end - first) + Int(tail * sampleRate)
        var left = [Float](repeating: 0, count: count), right = left
        left.withUnsafeMutableBufferPointer { l in
            right.withUnsafeMutableBufferPointer { r in
                var done = 0
                for e in sequence.buffer {
                    if chosen != nil && e.isProgram && table.melodic & (1 << UInt16(e.channel)) != 0 { continue }
                    let at = Int(e.frame - first)
                    if at > done {
                        synth.handle.render(at - done, l.baseAddress! + done, r.baseAddress! + done)
                        done = at
                    }
                    synth.handle.send(e.status, e.data1, e.data2)
                }
                synth.handle.render(count - done, l.baseAddress! + done, r.baseAddress! + done)
            }
        }
        return [left, right]
    }
}
