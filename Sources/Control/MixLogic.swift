import DSP
import Engine

/// Pure rules that turn strip settings into what the realtime side needs.
public enum MixLogic {
    /// Solo-in-place with solo-safe. When anything is soloed, a strip is heard if it is
    /// soloed, solo-safe, or on the path of a soloed strip: a track that sends to a
    /// soloed bus, a bus that a soloed track sends to. Mute always wins.
    public static func audibility(_ patch: Patch) -> (tracks: [Int: Bool], buses: [Int: Bool]) {
        let anySolo = patch.tracks.contains { $0.strip.solo } || patch.buses.contains { $0.strip.solo }
        let soloedBuses = Set(patch.buses.filter { $0.strip.solo }.map(\.id))
        let busesFedBySolo = Set(patch.tracks.filter { $0.strip.solo }.flatMap { $0.strip.sends.map(\.bus) })
        var tracks: [Int: Bool] = [:], buses: [Int: Bool] = [:]
        for t in patch.tracks {
            let s = t.strip
            tracks[t.id] = !s.mute && (!anySolo || s.solo || s.soloSafe || s.sends.contains { soloedBuses.contains($0.bus) })
        }
        for b in patch.buses {
            let s = b.strip
            buses[b.id] = !s.mute && (!anySolo || s.solo || s.soloSafe || busesFedBySolo.contains(b.id))
        }
        return (tracks, buses)
    }

    /// The realtime gains for a strip: (pre-fader left, right, fader), all linear.
    /// Mono sources use the constant-power pan law, stereo ones the balance law.
    public static func gains(_ s: StripSettings, audible: Bool, stereoSource: Bool) -> (left: Float, right: Float, fader: Float) {
        let sign: Float = audible ? (s.invert ? -1 : 1) : 0
        let pan = stereoSource ? PanLaw.balance(s.pan) : PanLaw.mono(s.pan)
        return (pan.left * sign, pan.right * sign, Decibels.toGain(s.gain))
    }
}
