"""MIDI tracks under a real jackd: a Standard MIDI File loaded over OSC plays out of the
track's JACK MIDI port on the exact frames (heard by a C JACK MIDI client), through the
General MIDI synth into the track's strip (the same audio as an offline render of the
same patch), and leaves no note hanging after a stop, a locate or a loop wrap."""
import json
import subprocess
import threading
import time
from pathlib import Path

import mido
import numpy as np
import pytest
import soundfile as sf

from helpers import DAWG, RATE, Capture, Dawg, Peer

HERE = Path(__file__).parent
BEAT = RATE // 2  # 120 BPM


@pytest.fixture(scope="module")
def listener_binary(tmp_path_factory):
    out = tmp_path_factory.mktemp("midi") / "midi_capture_client"
    subprocess.run(["gcc", "-O2", "-o", str(out), str(HERE / "midi_capture_client.c"), "-ljack"], check=True)
    return out


class Listener:
    """The C client, connected to `source`; `events` fills as messages arrive."""

    def __init__(self, binary, server, source, name="listener"):
        self.proc = subprocess.Popen([str(binary), server, name, source], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert self.proc.stdout.readline().strip() == "ready", self.proc.stderr.read()
        self.events = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.proc.stdout:
            self.events.append(tuple(int(x) for x in line.split()))

    def wait_for(self, done, timeout=5.0):
        """Until `done(events)` holds (or the timeout); the events so far."""
        deadline = time.time() + timeout
        while not done(list(self.events)) and time.time() < deadline:
            time.sleep(0.02)
        return list(self.events)

    def close(self):
        self.proc.kill()
        self.proc.wait()


def write_midi(path, notes, program=None, channel=0, bpm=120):
    """A type 1 file: `notes` as (beat, length in beats, key) on `channel`."""
    f = mido.MidiFile(type=1, ticks_per_beat=480)
    meta, track = mido.MidiTrack(), mido.MidiTrack()
    f.tracks += [meta, track]
    meta.append(mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(bpm)))
    if program is not None:
        track.append(mido.Message("program_change", program=program, channel=channel))
    timed = []
    for beat, length, key in notes:
        timed.append((round(beat * 480), 1, mido.Message("note_on", note=key, velocity=100, channel=channel)))
        timed.append((round((beat + length) * 480), 0, mido.Message("note_off", note=key, velocity=0, channel=channel)))
    now = 0
    for tick, _, msg in sorted(timed, key=lambda t: (t[0], t[1])):
        track.append(msg.copy(time=tick - now))
        now = tick
    f.save(path)


def add_midi_track(p, path, name="keys"):
    track, _ = p.request("/track/add", name, reply="/track/added")
    p.send(f"/track/{track}/midi", path)
    assert p.expect("/done", timeout=10) == [f"/track/{track}/midi"]
    return track


def start_from_zero(p):
    p.send("/transport/locate", 0.0)
    p.sync()
    time.sleep(0.1)
    p.send("/transport/play")


def notes_of(events):
    return [(f, s, k) for f, s, k, v in events if s & 0xF0 == 0x90 and v > 0], \
           [(f, s, k) for f, s, k, v in events if s & 0xF0 == 0x80 or (s & 0xF0 == 0x90 and v == 0)]


def test_a_midi_track_sends_its_notes_on_the_exact_frames(jackd, dawg, project, listener_binary):
    write_midi(project / "bass.mid", [(0, 0.5, 40), (1, 0.5, 43), (2.25, 0.25, 45), (3, 0.5, 47)], program=33)
    p = Peer(dawg.osc_port)
    track = add_midi_track(p, "bass.mid")
    assert f"dawg:midi_{track}" in jackd.lsp()
    listener = Listener(listener_binary, jackd.name, f"dawg:midi_{track}")
    try:
        start_from_zero(p)
        listener.wait_for(lambda e: len(notes_of(e)[1]) >= 4, timeout=6)
        p.send("/transport/stop")
        time.sleep(0.2)
        events = listener.events
        programs = [e for e in events if e[1] == 0xC0]
        assert programs and programs[0][2] == 33, events
        ons, offs = notes_of(events)
        assert [k for _, _, k in ons] == [40, 43, 45, 47]
        first = ons[0][0]
        # Every note on its beat, to the frame, and every one switched off on its frame.
        assert [(f - first) & 0xFFFFFFFF for f, _, _ in ons] == [0, BEAT, int(2.25 * BEAT), 3 * BEAT]
        assert [(f - first) & 0xFFFFFFFF for f, _, _ in offs] == [BEAT // 2, int(1.5 * BEAT), int(2.5 * BEAT), int(3.5 * BEAT)]
    finally:
        listener.close()
        p.close()


def test_stop_locate_and_loop_leave_no_note_hanging(jackd, dawg, project, listener_binary):
    write_midi(project / "pad.mid", [(0, 16, 60), (0, 16, 64)])
    p = Peer(dawg.osc_port)
    track = add_midi_track(p, "pad.mid")
    listener = Listener(listener_binary, jackd.name, f"dawg:midi_{track}")
    try:
        def balanced():
            ons, offs = notes_of(listener.events)
            return len(ons), len(offs)

        start_from_zero(p)
        time.sleep(0.5)
        p.send("/transport/stop")
        time.sleep(0.3)
        assert balanced() == (2, 2), listener.events
        # A locate while rolling: the held notes end where the jump happens; the
        # notes started at 0 are not heard again (their onset lies behind).
        start_from_zero(p)
        time.sleep(0.4)
        p.send("/transport/locate", 1.0)
        time.sleep(0.4)
        p.send("/transport/stop")
        time.sleep(0.3)
        assert balanced() == (4, 4), listener.events
        # A loop over the first second: each wrap ends the notes and starts them again.
        p.send("/transport/loop", 0.0, 1.0)
        start_from_zero(p)
        time.sleep(2.5)
        p.send("/transport/stop")
        time.sleep(0.3)
        ons, offs = balanced()
        assert ons == offs and ons >= 4 + 2 * 3, listener.events
    finally:
        p.send("/transport/loop/off")
        listener.close()
        p.close()


def test_the_synth_plays_the_track_as_the_offline_render_does(jackd, project, listener_binary):
    write_midi(project / "tune.mid", [(0.5, 0.5, 60), (1, 0.5, 64), (1.5, 0.5, 67), (2, 1, 72), (2, 1, 48)], program=0)
    patch = {"schema": "dawg.patch", "version": 1, "name": "tune",
             "tracks": [{"id": 1, "name": "piano", "midi": "tune.mid", "strip": {"gain": -3, "pan": 0.3}}]}
    (project / "tune.json").write_text(json.dumps(patch))
    subprocess.run([str(DAWG), "render", "tune.json", "--wav", str(project / "offline.wav"), "--seconds", "4",
                    "--project-dir", str(project)], check=True)
    offline, rate = sf.read(project / "offline.wav", dtype="float32")
    assert rate == RATE and offline.shape == (4 * RATE, 2)
    onset = int(np.argmax(np.abs(offline[:, 0]) > 0))
    # Beat 0.5 is frame 12000; the synth starts it on its 64-frame grid, at 12032.
    assert 12032 <= onset < 12032 + 16, onset
    d = Dawg(jackd.name, project, patch="tune.json")
    capture = Capture(jackd.name, seconds=8)
    p = Peer(d.osc_port)
    try:
        p.send("/transport/stop")
        p.send("/transport/locate", 0.0)
        p.sync()
        time.sleep(0.3)
        capture.start()
        time.sleep(0.2)
        p.send("/transport/play")
        time.sleep(4.0)
        live = capture.stop()
        p.send("/transport/stop")
        data = np.ma.getdata(live)
        heard = ~np.ma.getmaskarray(live)
        sounding = np.flatnonzero(heard[0] & (np.abs(np.nan_to_num(data[0])) > 0))
        assert sounding.size, "the synth was not heard"
        start = int(sounding[0]) - onset  # where timeline frame 0 fell in the capture
        n = 3 * RATE
        window = live[:, start + onset:start + onset + n]
        assert (~np.ma.getmaskarray(window)).mean() > 0.9, "the capture client missed too much"
        expected = offline[onset:onset + n].T
        ok = ~np.ma.getmaskarray(window)
        np.testing.assert_allclose(np.ma.getdata(window)[ok], expected[ok], rtol=0, atol=1e-5)
        assert np.abs(expected).max() > 0.05
    finally:
        capture.close()
        p.close()
        assert d.stop() == 0, d.log()


def test_program_changes_and_bad_requests(jackd, dawg, project, listener_binary):
    write_midi(project / "lead.mid", [(0, 1, 72)], program=0)
    (project / "fake.mid").write_bytes(b"RIFF not midi at all")
    p = Peer(dawg.osc_port)
    track = add_midi_track(p, "lead.mid", name="lead")
    listener = Listener(listener_binary, jackd.name, f"dawg:midi_{track}")
    try:
        p.request("/feedback/subscribe", 20.0, reply="/feedback/subscribed")
        p.send(f"/track/{track}/program", 81)
        assert p.expect(f"/track/{track}/program") == [81]
        events = listener.wait_for(lambda e: (0xC0, 81) in [(x[1], x[2]) for x in e])
        assert (0xC0, 81) in [(e[1], e[2]) for e in events], events
        for args in ([128], [-1], ["x"], [], [1, 2]):
            p.send(f"/track/{track}/program", *args)
            assert p.expect("/error")[0] == f"/track/{track}/program"
        audio, _ = p.request("/track/add", "audio", reply="/track/added")
        p.send(f"/track/{audio}/program", 1)
        assert "not a MIDI track" in p.expect("/error")[1]
        p.send(f"/track/{audio}/midi", "fake.mid")
        failed = p.expect("/fail", timeout=10)
        assert "not a Standard MIDI File" in failed[1] and str(project) not in failed[1]
        p.send(f"/track/{audio}/midi", "../../etc/passwd")
        assert p.expect("/error")[0] == f"/track/{audio}/midi"
        p.send(f"/track/{audio}/midi", "missing.mid")
        assert p.expect("/error")[0] == f"/track/{audio}/midi"
        # The state names the file and the program; a saved patch plays the same.
        p.send("/patch/save", "midi.json")
        assert p.expect("/done", timeout=10) == ["/patch/save"]
        saved = json.loads((project / "midi.json").read_text())
        t = next(t for t in saved["tracks"] if t["id"] == track)
        assert t["midi"] == "lead.mid" and t["program"] == 81
        assert saved["connections"].get(f"midi_{track}") == ["listener:in"]
        # The track turned into an input track: its MIDI port goes.
        p.send(f"/track/{track}/input", 1)
        p.sync()
        time.sleep(0.2)
        assert f"dawg:midi_{track}" not in jackd.lsp()
    finally:
        listener.close()
        p.close()


def test_the_default_patch_plays_its_generated_tracks(tmp_path):
    """scripts/serve's patch shows what exists: a generated beat, bass, chords and melody
    on MIDI tracks with EQ and compression, a pitch-tracked input, markers — and it
    sounds at a sensible level."""
    import pyloudnorm
    from helpers import REPO
    patch = json.loads((REPO / "patches" / "default.json").read_text())
    midi = [t for t in patch["tracks"] if t.get("midi")]
    assert [t["name"] for t in midi] == ["drums", "bass", "chords", "melody"]
    assert any(t.get("pitch") for t in patch["tracks"]) and patch["markers"]
    out = tmp_path / "default.wav"
    subprocess.run([str(DAWG), "render", "patches/default.json", "--wav", str(out), "--seconds", "8", "--project-dir", str(REPO)], check=True)
    audio, rate = sf.read(out)
    loudness = pyloudnorm.Meter(rate).integrated_loudness(audio)
    assert -22 < loudness < -12, loudness
    assert np.abs(audio).max() < 0.95
