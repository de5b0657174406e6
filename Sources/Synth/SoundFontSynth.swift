import CFluidSynth
import Foundation

public struct SynthError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// A General MIDI synthesiser: one FluidSynth instance with a SoundFont loaded, made
/// and freed on the control side; the process thread plays it through `handle`.
///
/// Set up for the audio thread: `synth.threadsafe-api` off (no mutex around each
/// call: one thread plays it), no reverb or chorus of its own (the track's strip and
/// buses do that), no logging. With those settings its note, controller and render
/// calls neither allocate nor lock — the running-engine test counts them. FluidSynth's
/// sample cache shares the SoundFont's samples between instances of a process, so a
/// second synth on the same file costs its preset tables (about 13 MB, 40 ms), not
/// another copy of the samples.
public final class SoundFontSynth: @unchecked Sendable {
    // @unchecked Sendable: after init only the process thread (through `handle`) uses
    // the synth; this object frees it once nothing can reach it.
    public let handle: SynthHandle
    public let soundFont: String
    public let sampleRate: Double
    private let settings: OpaquePointer

    /// Control side. Loads `soundFont` (a path) into a synth at `sampleRate`.
    public init(soundFont: String, sampleRate: Double, gain: Double = 0.5) throws {
        dawg_fluid_quiet()
        guard let settings = new_fluid_settings() else { throw SynthError("FluidSynth could not make its settings") }
        fluid_settings_setint(settings, "synth.threadsafe-api", 0)
        fluid_settings_setint(settings, "synth.reverb.active", 0)
        fluid_settings_setint(settings, "synth.chorus.active", 0)
        fluid_settings_setint(settings, "synth.cpu-cores", 1)
        fluid_settings_setnum(settings, "synth.sample-rate", sampleRate)
        fluid_settings_setnum(settings, "synth.gain", gain)
        guard let synth = new_fluid_synth(settings) else {
            delete_fluid_settings(settings)
            throw SynthError("FluidSynth could not make a synthesiser at \(Int(sampleRate)) Hz")
        }
        guard FileManager.default.isReadableFile(atPath: soundFont), fluid_synth_sfload(synth, soundFont, 1) != FLUID_FAILED else {
            delete_fluid_synth(synth)
            delete_fluid_settings(settings)
            throw SynthError("cannot load the SoundFont \(soundFont)")
        }
        self.settings = settings
        self.soundFont = soundFont
        self.sampleRate = sampleRate
        handle = SynthHandle(synth: synth)
        warmUp()
    }

    /// Control side: sound every voice once and render, so each voice's memory and the
    /// mixer's buffers are touched here — not, page fault by page fault, on the process
    /// thread the first time a song reaches that much polyphony — then silence it all.
    private func warmUp() {
        let synth = handle.synth
        let left = UnsafeMutablePointer<Float>.allocate(capacity: 256), right = UnsafeMutablePointer<Float>.allocate(capacity: 256)
        defer { left.deallocate(); right.deallocate() }
        let polyphony = Int(fluid_synth_get_polyphony(synth))
        for v in 0..<max(256, polyphony) {
            fluid_synth_noteon(synth, Int32(v % 16), Int32(24 + (v / 16) % 96), 1)
            if v % 16 == 15 { dawg_fluid_render(synth, 64, left, right) }
        }
        dawg_fluid_render(synth, 256, left, right)
        // Sounds off takes effect in a render; a reset before that brings voices back.
        fluid_synth_all_sounds_off(synth, -1)
        dawg_fluid_render(synth, 256, left, right)
        fluid_synth_system_reset(synth)
        dawg_fluid_render(synth, 256, left, right)
    }

    deinit {
        delete_fluid_synth(handle.synth)
        delete_fluid_settings(settings)
    }

    /// Control side, before any schedule plays it: voices sounding now (tests).
    public var activeVoices: Int { Int(fluid_synth_get_active_voice_count(handle.synth)) }
}

/// The process thread's view of a synth: a pointer and the calls it makes.
public struct SynthHandle: @unchecked Sendable, BitwiseCopyable {
    // @unchecked Sendable: only one thread plays a synth at a time.
    public let synth: OpaquePointer

    /// Process thread (or the one thread that renders offline): one channel message.
    public func send(_ status: UInt8, _ data1: UInt8, _ data2: UInt8) {
        dawg_fluid_message(synth, status, data1, data2)
    }

    /// Process thread: `frames` of audio into `left` and `right`, replacing them.
    public func render(_ frames: Int, _ left: UnsafeMutablePointer<Float>, _ right: UnsafeMutablePointer<Float>) {
        guard frames > 0 else { return }
        dawg_fluid_render(synth, Int32(frames), left, right)
    }

    /// Process thread: release every sounding note on every channel, and lift the
    /// sustain pedals, so nothing hangs (the notes fade by their own release).
    public func releaseAll() {
        for channel in 0..<16 {
            fluid_synth_cc(synth, Int32(channel), 64, 0)
            fluid_synth_all_notes_off(synth, Int32(channel))
        }
    }
}

/// Where the General MIDI SoundFont is: `DAWG_SOUNDFONT` if set, else Debian's
/// fluid-soundfont-gm (or whatever `default-GM.sf2` points at).
public enum SoundFonts {
    public static let candidates = [
        "/usr/share/sounds/sf2/default-GM.sf2",
        "/usr/share/sounds/sf2/FluidR3_GM.sf2",
        "/usr/share/soundfonts/default.sf2",
        "/usr/share/soundfonts/FluidR3_GM.sf2",
    ]

    public static func generalMIDI(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> String {
        if let path = environment["DAWG_SOUNDFONT"], !path.isEmpty {
            guard FileManager.default.isReadableFile(atPath: path) else { throw SynthError("DAWG_SOUNDFONT names \(path), which cannot be read") }
            return path
        }
        if let found = candidates.first(where: { FileManager.default.isReadableFile(atPath: $0) }) { return found }
        throw SynthError("no General MIDI SoundFont found (install Debian's fluid-soundfont-gm, or set DAWG_SOUNDFONT to an .sf2 file)")
    }
}
