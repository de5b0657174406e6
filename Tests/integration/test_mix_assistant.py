"""The mix assistant end to end: a multitrack made here with known problems (a bass
masking the kick, a vocal 10 dB too quiet, a synth clipping, everything in the
centre), suggested on offline (`dawg mix suggest PATCH`) and on the running engine
(`/mix/suggest`), applied over OSC with every move echoed to subscribers, measured
again, undone; auto-levelled and checked by dawg's own live loudness meter on the
master while the mix plays; and `dawg mix auto-level PATCH` writing the patch."""
import json
import subprocess
import time

import numpy as np
import pytest
import soundfile as sf

from helpers import DAWG, RATE, Dawg, Peer

SECONDS = 8


def tone(freq, harmonics, amplitude):
    t = np.arange(RATE * SECONDS) / RATE
    f = np.array([freq(x) for x in t[:: RATE // 100]]).repeat(RATE // 100)[: t.size]
    phase = 2 * np.pi * np.cumsum(f) / RATE
    return amplitude * sum(np.sin(h * phase) / h for h in range(1, harmonics + 1))


def multitrack(project):
    t = np.arange(RATE * SECONDS) / RATE
    u = t % 0.5
    notes = [55.0, 65.41, 73.42, 82.41]
    tracks = {
        "kick": 0.9 * np.sin(2 * np.pi * (50 * u + 60 * 0.03 * (1 - np.exp(-u / 0.03)))) * np.exp(-u / 0.15),
        "bass": tone(lambda x: notes[int(x / 0.5) % 4], 3, 0.45),
        "lead vox": tone(lambda x: [220.0, 247, 262, 294][int(x) % 4] * (1 + 0.01 * np.sin(2 * np.pi * 5.5 * x)), 10, 0.3 * 10 ** (-10 / 20)),
        "gtr": tone(lambda x: [196.0, 247, 294][int(x * 4) % 3], 6, 0.2),
        "keys": tone(lambda x: [523.0, 659, 784][int(x * 2) % 3], 5, 0.15),
        "synth": tone(lambda x: 440.0, 8, 0.35),
    }
    patch = {"schema": "dawg.patch", "version": 1, "name": "problems", "tracks": []}
    for i, (name, x) in enumerate(tracks.items(), start=1):
        sf.write(project / f"{name}.wav", x.astype(np.float32), RATE, subtype="FLOAT")
        strip = {"gain": 8} if name == "synth" else {}
        patch["tracks"].append({"id": i, "name": name, "file": f"{name}.wav", "strip": strip})
    (project / "mix.json").write_text(json.dumps(patch))
    return {name: i for i, name in enumerate(tracks, start=1)}


def problems(suggestions, ids):
    """The four planted problems, each as the suggestion that names it (or None)."""
    def find(kind, tracks):
        return next((s for s in suggestions if s["kind"] == kind and set(s["tracks"]) == set(tracks)), None)
    return {"vocal": find("level", [ids["lead vox"]]), "clip": find("clipping", [ids["synth"]]),
            "mask": find("masking", [ids["kick"], ids["bass"]]), "pan": next((s for s in suggestions if s["kind"] == "pan"), None)}


def mix_cli(project, *args):
    run = subprocess.run([str(DAWG), "mix", *args, "--project-dir", str(project)], capture_output=True, text=True, timeout=120)
    return run


def test_the_assistant_offline_and_on_the_running_engine(jackd, tmp_path):
    ids = multitrack(tmp_path)
    offline = mix_cli(tmp_path, "suggest", "mix.json", "--json")
    assert offline.returncode == 0, offline.stderr
    report = json.loads(offline.stdout)
    found = problems(report["suggestions"], ids)
    assert all(found.values()), [s["problem"] for s in report["suggestions"]]
    assert found["mask"]["moves"][0]["strip"] == str(ids["bass"]), "the bass gives way to the kick"
    text = mix_cli(tmp_path, "suggest", "mix.json")
    assert "lead vox" in text.stdout and "masks" in text.stdout

    d = Dawg(jackd.name, tmp_path, patch=tmp_path / "mix.json")
    p, watcher = Peer(d.osc_port), Peer(d.osc_port)
    try:
        watcher.request("/feedback/subscribe", 20.0, reply="/feedback/subscribed")
        p.send("/mix/suggest")
        listed = []
        while True:
            address, args = next((a, x) for a, x in [(a, x) for a, x in p._read(30)] if a in ("/mix/suggestion", "/mix/suggestions"))
            if address == "/mix/suggestions":
                live = json.loads(args[0])
                break
            listed.append(args)
        assert p.expect("/done", 30) == ["/mix/suggest"]
        assert [x[0] for x in listed] == [s["id"] for s in live["suggestions"]]
        assert "band_power" not in json.dumps(live), "the OSC report is the summary"
        # The command line without a patch asks the running engine.
        asked = mix_cli(tmp_path, "suggest", "--osc-port", str(d.osc_port))
        assert asked.returncode == 0 and "lead vox" in asked.stdout, asked.stderr
        found = problems(live["suggestions"], ids)
        assert all(found.values())
        # Apply the four; every move reaches the subscriber as its own address echoes it.
        for name in ("vocal", "clip", "mask", "pan"):
            s = found[name]
            assert p.request("/mix/apply", s["id"], reply="/mix/applied") == [s["id"], len(s["moves"])]
        echoes = {a for a, _ in watcher.drain(0.5)}
        assert f"/strip/{ids['lead vox']}/gain" in echoes and f"/strip/{ids['bass']}/eq/on" in echoes
        assert f"/strip/{ids['gtr']}/pan" in echoes
        assert p.request(f"/strip/{ids['lead vox']}/gain", reply=f"/strip/{ids['lead vox']}/gain")[0] > 6
        p.send("/mix/suggest")
        again = json.loads(p.expect("/mix/suggestions", 30)[0])
        assert p.expect("/done", 30) == ["/mix/suggest"]
        left = problems(again["suggestions"], ids)
        assert left["vocal"] is None and left["clip"] is None and left["pan"] is None
        tracks = {t["name"]: t for t in again["tracks"]}
        assert tracks["synth"]["measure"]["true_peak_dbtp"] <= -1
        # Undo the pan step: the guitar is back in the centre.
        assert p.request("/mix/undo", reply="/mix/undone")[0] == len(found["pan"]["moves"])
        assert p.request(f"/strip/{ids['gtr']}/pan", reply=f"/strip/{ids['gtr']}/pan") == [0.0]
        # Auto-level, then hear it: the live meter on the master while the mix plays.
        p.send("/mix/auto_level", -16.0)
        leveled = json.loads(p.expect("/mix/leveled", 30)[0])
        assert p.expect("/done", 30) == ["/mix/auto_level"]
        assert leveled["after"]["integrated_lufs"] == pytest.approx(-16, abs=0.2)
        assert leveled["after"]["true_peak_dbtp"] <= -1
        p.send("/master/loudness/reset")
        p.send("/transport/locate", 0.0)
        p.send("/transport/play")
        time.sleep(SECONDS - 0.5)
        readings = [x for a, x in watcher.drain(0.3) if a == "/loudness/master"]
        p.send("/transport/stop")
        integrated, peak = readings[-1][2], readings[-1][3]
        assert integrated == pytest.approx(-16, abs=0.5), readings[-1]
        assert peak <= -0.9
        # Bad requests.
        for address, args in [("/mix/apply", [999]), ("/mix/apply", ["x"]), ("/mix/auto_level", [3.0]), ("/mix/nothing", [])]:
            p.send(address, *args)
            assert p.expect("/error")[0] == address
    finally:
        p.close()
        watcher.close()
        assert d.stop() == 0, d.log()


def test_auto_level_writes_the_patch(tmp_path):
    ids = multitrack(tmp_path)
    dry = mix_cli(tmp_path, "auto-level", "mix.json", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert json.loads((tmp_path / "mix.json").read_text())["tracks"][5]["strip"] == {"gain": 8}, "a dry run writes nothing"
    run = mix_cli(tmp_path, "auto-level", "mix.json", "--target=-14")
    assert run.returncode == 0, run.stderr
    assert "wrote mix.json" in run.stdout
    saved = json.loads((tmp_path / "mix.json").read_text())
    gains = {t["id"]: t["strip"].get("gain", 0) for t in saved["tracks"]}
    assert gains[ids["lead vox"]] > gains[ids["gtr"]], "the vocal is brought up over the guitar"
    after = json.loads(mix_cli(tmp_path, "suggest", "mix.json", "--json").stdout)
    assert not [s for s in after["suggestions"] if s["kind"] in ("level", "clipping", "master")], after["suggestions"]
    assert after["mix"]["integrated_lufs"] == pytest.approx(-14, abs=0.3)
    for bad in (["auto-level", "mix.json", "--target=0"], ["suggest", "missing.json"], ["suggest", "../outside.json"]):
        r = mix_cli(tmp_path, *bad)
        assert r.returncode != 0 and r.stderr.strip(), bad


def test_a_midi_track_is_measured_and_levelled_with_the_rest(tmp_path):
    import mido
    ids = multitrack(tmp_path)
    f = mido.MidiFile(ticks_per_beat=480)
    track = mido.MidiTrack([mido.MetaMessage("set_tempo", tempo=500_000)])
    for bar in range(4):  # a chord every 2 s, for 8 s
        keys = [48, 52, 55, 60] if bar % 2 == 0 else [53, 57, 60, 65]
        track += [mido.Message("note_on", note=k, velocity=80, time=20 if bar and i == 0 else 0) for i, k in enumerate(keys)]
        track += [mido.Message("note_off", note=k, time=1900 if i == 0 else 0) for i, k in enumerate(keys)]
    f.tracks.append(track)
    f.save(tmp_path / "pad.mid")
    patch = json.loads((tmp_path / "mix.json").read_text())
    patch["tracks"].append({"id": 7, "name": "strings", "midi": "pad.mid", "program": 48})
    (tmp_path / "mix.json").write_text(json.dumps(patch))
    run = mix_cli(tmp_path, "suggest", "mix.json", "--json")
    assert run.returncode == 0, run.stderr
    measured = {t["id"]: t for t in json.loads(run.stdout)["tracks"]}
    assert 7 in measured, "the MIDI track is measured"
    assert -45 < measured[7]["measure"]["integrated_lufs"] < -10, measured[7]["measure"]
    run = mix_cli(tmp_path, "auto-level", "mix.json", "--dry-run")
    assert run.returncode == 0, run.stderr
    assert "strip 7: " in run.stdout, f"its fader is set with the others: {run.stdout}"
