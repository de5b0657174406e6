"""What the page tests in Chromium (test_page.py) and Firefox (test_page_firefox.py)
share: where screenshots go, waiting, the fader law, patches and the singer's tone."""
import json

import mido
import numpy as np

from helpers import RATE, REPO, Dawg, Peer, Source, wait_for

ARTIFACTS = REPO / ".build" / "artifacts"


def until(predicate, timeout):
    """Waits for `predicate()` to hold; fails the test, saying what, when it does not."""
    value = wait_for(predicate, timeout)
    assert value, f"still false after {timeout} s"
    return value


def fader_law(db):
    """docs/osc.md's fader law, dB → position."""
    points = [(0, -90), (0.0625, -60), (0.25, -30), (0.5, -12), (0.75, 0), (1, 12)]
    for (p0, d0), (p1, d1) in zip(points, points[1:]):
        if db <= d1:
            return p0 + (p1 - p0) * (db - d0) / (d1 - d0)
    return 1.0


def write_patch(project, tracks, **extra):
    patch = {"schema": "dawg.patch", "version": 1, "name": "page test", "tracks": tracks, **extra}
    (project / "page.json").write_text(json.dumps(patch))
    return project / "page.json"


def reference_melody(path, key=69, seconds=8.0):
    """One long note, the singer's reference."""
    mid = mido.MidiFile(ticks_per_beat=480)
    track = mido.MidiTrack()
    mid.tracks.append(track)
    track.append(mido.MetaMessage("set_tempo", tempo=500000))
    track.append(mido.Message("note_on", note=key, velocity=90, time=0))
    track.append(mido.Message("note_off", note=key, velocity=0, time=int(seconds * 2 * 480)))
    mid.save(path)


def tone(hz, cents=0.0):
    """A voice-like tone (six harmonics falling as 1/k) for a JACK Source: frame numbers → samples."""
    f = hz * 2 ** (cents / 1200)
    def samples(n):
        phase = 2 * np.pi * f * np.asarray(n, dtype=np.float64) / RATE
        return (sum(np.sin(k * phase) / k for k in range(1, 7)) * 0.2).astype(np.float32)
    return samples


def singer(jackd, project, cents):
    """dawg with a pitch-coached input (its reference one long A4, the loop playing)
    and a JACK client singing A4 `cents` off into it: (dawg, an OSC peer, the singer)."""
    reference_melody(project / "melody.mid")
    patch = write_patch(project, [{"id": 1, "name": "voice", "input": 1, "coach": {"reference": "melody.mid"}}],
                        transport={"loop": True, "loopStart": 0, "loopEnd": 8, "play": True})
    dawg = Dawg(jackd.name, project, patch=patch)
    return dawg, Peer(dawg.osc_port), Source(jackd.name, tone(440, cents))
