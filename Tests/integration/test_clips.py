"""Clip edits over OSC: gain, fades (linear, equal-power, s-curve), trim and move, echoed
to subscribers, saved in patches, refused with a reason when they do not fit the file;
and the same patch rendered by `dawg render` holds exactly the formula's samples."""
import json
import subprocess

import numpy as np
import soundfile as sf

from helpers import DAWG, RATE, Peer


def test_clip_edits_are_echoed_saved_and_refused_when_they_do_not_fit(dawg, project):
    p, watcher = Peer(dawg.osc_port), Peer(dawg.osc_port)
    try:
        watcher.request("/feedback/subscribe", 20.0, reply="/feedback/subscribed")
        t, _ = p.request("/track/add", "dc", reply="/track/added")
        p.send(f"/track/{t}/load", "dc.wav")
        assert p.expect("/done", 10)
        base = f"/track/{t}/clip/1"
        p.send(f"{base}/gain", -6.0)
        p.send(f"{base}/fadein", 0.25, "equal-power")
        p.send(f"{base}/fadeout", 0.5, "s-curve")
        p.send(f"{base}/trim", 0.5, 2.0)
        p.send(f"{base}/move", 1.0)
        assert watcher.expect(f"{base}/gain") == [-6.0]
        assert watcher.expect(f"{base}/fadein") == [0.25, "equal-power"]
        assert watcher.expect(f"{base}/fadeout") == [0.5, "s-curve"]
        assert watcher.expect(f"{base}/trim") == [0.5, 2.0]
        assert watcher.expect(f"{base}/move") == [1.0]
        for address, args, why in ((f"{base}/fadein", [1.8], "longer than the clip"), (f"{base}/trim", [4.5], "past the end"),
                                   (f"{base}/trim", [1.0, 3.5], "past the end"), (f"{base}/fadeout", [0.1, "wobbly"], "shape"),
                                   (f"/track/{t}/clip/2/gain", [0.0], "one clip"), (f"{base}/gain", [float("nan")], "gain"),
                                   (f"{base}/move", [-1.0], "position"), (f"{base}/stretch", [2.0], "unknown")):
            p.send(address, *args)
            error = p.expect("/error")
            assert error[0] == address and why in error[1], (address, error)
        i, _ = p.request("/track/add", "in", reply="/track/added")
        p.send(f"/track/{i}/input", 1)
        p.send(f"/track/{i}/clip/1/gain", 0.0)
        assert "live input" in p.expect("/error")[1]
        p.send("/patch/save", "clips.json")
        assert p.expect("/done", 10) == ["/patch/save"]
        saved = next(x for x in json.loads((project / "clips.json").read_text())["tracks"] if x["id"] == t)
        assert saved["position"] == 1.0
        assert saved["clip"] == {"gain": -6.0, "fadeIn": 0.25, "fadeInShape": "equal-power", "fadeOut": 0.5,
                                 "fadeOutShape": "s-curve", "trim": 0.5, "length": 2.0}
        p.send("/patch/load", "clips.json")
        assert p.expect("/done", 10) == ["/patch/load"]
    finally:
        p.close()
        watcher.close()


def test_a_clip_renders_exactly_as_its_formula(project):
    patch = {"schema": "dawg.patch", "version": 1,
             "tracks": [{"id": 1, "name": "dc", "file": "dc.wav", "position": 0.5, "strip": {"pan": -1},
                         "clip": {"gain": -6, "fadeIn": 0.1, "fadeInShape": "s-curve", "fadeOut": 0.2, "fadeOutShape": "equal-power",
                                  "trim": 1.0, "length": 1.5}}]}
    (project / "clip.json").write_text(json.dumps(patch))
    subprocess.run([str(DAWG), "render", "clip.json", "--wav", str(project / "clip.wav"), "--seconds", "2.5",
                    "--project-dir", str(project)], check=True)
    out, rate = sf.read(project / "clip.wav", dtype="float64")
    left = out[:, 0]
    gain = 10 ** (-6 / 20)
    i = np.arange(int(1.5 * RATE))
    env = np.full(i.shape, gain)
    fin, fout = int(0.1 * RATE), int(0.2 * RATE)
    env[:fin] *= (1 - np.cos(np.pi * i[:fin] / fin)) / 2
    tail = len(i) - i <= fout
    env[tail] *= np.sin(np.pi / 2 * (len(i) - i[tail]) / fout)
    start = int(0.5 * RATE)
    assert np.all(left[:start] == 0) and np.all(left[start + len(i):] == 0)
    np.testing.assert_allclose(left[start:start + len(i)], 0.5 * env, atol=2e-7)


def test_a_file_track_that_becomes_a_midi_track_leaves_its_clip_behind(dawg, project):
    import mido
    f = mido.MidiFile(type=0)
    t0 = mido.MidiTrack()
    f.tracks.append(t0)
    t0 += [mido.Message("note_on", note=60, velocity=90, time=0), mido.Message("note_off", note=60, time=480)]
    f.save(project / "one.mid")
    p = Peer(dawg.osc_port)
    try:
        t, _ = p.request("/track/add", "dc", reply="/track/added")
        p.send(f"/track/{t}/load", "dc.wav")
        assert p.expect("/done", 10)
        p.send(f"/track/{t}/clip/1/gain", -6.0)
        p.send(f"/track/{t}/midi", "one.mid")
        assert p.expect("/done", 10) == [f"/track/{t}/midi"]
        p.send("/patch/save", "became-midi.json")
        assert p.expect("/done", 10) == ["/patch/save"]
        saved = next(x for x in json.loads((project / "became-midi.json").read_text())["tracks"] if x["id"] == t)
        assert saved["midi"] == "one.mid" and "clip" not in saved and "file" not in saved
        p.send("/patch/load", "became-midi.json")
        assert p.expect("/done", 10) == ["/patch/load"]
    finally:
        p.close()
