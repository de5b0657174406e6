"""dawg analyze against an independent loudness meter (pyloudnorm, BS.1770-4) on the
same files, made here: programme-like noise with level changes, drum-like bursts, a
mono file and one at 44.1 kHz; tempo, beats, bars and key of music rendered by
FluidSynth with its labels (the short version of scripts/benchlib/music_set.py, scored
as scripts/benchlib/analysis_bench.py scores the whole set) — and bad input."""
import json
import sqlite3
import subprocess
import sys

import numpy as np
import pyloudnorm
import pytest
import soundfile as sf

from helpers import DAWG, REPO

sys.path.insert(0, str(REPO / "scripts" / "benchlib"))
from analysis_bench import load_set, score  # noqa: E402
from music_set import make_set  # noqa: E402


def analyze(path):
    run = subprocess.run([str(DAWG), "analyze", str(path), "--json"], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def pink(n, rng):
    """Noise with a 1/f spectrum: white noise shaped in the frequency domain."""
    spectrum = np.fft.rfft(rng.standard_normal(n))
    f = np.arange(spectrum.size)
    spectrum[1:] /= np.sqrt(f[1:])
    spectrum[0] = 0
    x = np.fft.irfft(spectrum, n)
    return x / np.max(np.abs(x))


def programmes(rate=48000):
    rng = np.random.default_rng(3)
    n = rate * 30
    levels = np.repeat(10 ** (np.array([-30, -18, -24, -12, -36, -20]) / 20), n // 6)
    noise = np.stack([pink(n, rng) * levels, pink(n, rng) * levels], axis=1) * 0.9
    beat = np.zeros((rate * 20, 2))
    for start in range(0, beat.shape[0] - rate // 4, rate // 2):  # 120 bpm bursts, decaying
        t = np.arange(rate // 4) / rate
        hit = rng.standard_normal(rate // 4) * np.exp(-t * 30) * 0.5 + np.sin(2 * np.pi * 60 * t) * np.exp(-t * 12) * 0.7
        beat[start:start + rate // 4, 0] += hit
        beat[start:start + rate // 4, 1] += hit * 0.8
    return {"noise": noise, "beat": beat, "mono": noise[:, 0] * 0.5}


@pytest.mark.parametrize("rate", [48000, 44100])
def test_loudness_agrees_with_pyloudnorm(tmp_path, rate):
    for name, x in programmes(rate).items():
        path = tmp_path / f"{name}.wav"
        sf.write(path, x.astype(np.float32), rate, subtype="FLOAT")
        ours = analyze(path)
        assert ours["sample_rate"] == rate and ours["channels"] == (1 if x.ndim == 1 else 2)
        assert ours["duration_s"] == pytest.approx(x.shape[0] / rate)
        data, _ = sf.read(path, dtype="float64")
        theirs = pyloudnorm.Meter(rate).integrated_loudness(data)
        assert ours["loudness"]["integrated_lufs"] == pytest.approx(theirs, abs=0.1), name
        assert ours["loudness"]["sample_peak_dbfs"] == pytest.approx(20 * np.log10(np.max(np.abs(data))), abs=0.01), name
        assert ours["loudness"]["true_peak_dbtp"] >= ours["loudness"]["sample_peak_dbfs"] - 1e-9
    # The noise steps through six levels 5 s apart: a wide range.
    assert 10 < analyze(tmp_path / "noise.wav")["loudness"]["range_lu"] < 25


def test_tempo_beats_bars_and_key_of_rendered_music(tmp_path):
    """Ten clips, one per drum style and two without drums, 6 bars each. The goals of
    the whole set (README) are asked of the short one too, bar one clip's slack."""
    names = make_set(tmp_path, quick=True)
    assert len(names) == 10
    clips = load_set(tmp_path)
    run = subprocess.run([str(DAWG), "analyze", "--json", "--no-store", *[str(p) for p, _ in clips]],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    reports = [json.loads(line) for line in run.stdout.splitlines()]
    found = [{"tempo": r["rhythm"]["tempo_bpm"], "beats": r["rhythm"]["beats_s"], "downbeats": r["rhythm"]["downbeats_s"],
              "meter": r["rhythm"]["meter"], "key": f"{r['key']['tonic']} {r['key']['mode']}" if r["key"] else None}
             for r in reports]
    s = score(clips, found)
    details = [(p.stem, f["tempo"], f["key"], f["meter"]) for (p, _), f in zip(clips, found)]
    assert s["tempo_acc1"] >= 7 / 8, details
    assert s["beat_f"] >= 0.9, details
    assert s["key_weighted"] >= 0.85, details
    assert s["downbeat_f"] >= 0.7, details
    waltz = [f for (p, _), f in zip(clips, found) if "waltz" in p.stem]
    assert waltz and waltz[0]["meter"] == 3
    for r in reports:
        assert r["spectral"]["centroid_hz"] > 0 and len(r["spectral"]["centroid_hz_series"]) > 10
        levels = [v for v in r["third_octave_spectrum"]["levels_db"] if v is not None]
        assert len(levels) >= 25 and max(levels) < 0


def test_silence_truncated_and_non_audio_files(tmp_path):
    sf.write(tmp_path / "silence.wav", np.zeros(48000 * 3, dtype=np.float32), 48000)
    silent = analyze(tmp_path / "silence.wav")
    quiet = silent["loudness"]
    assert quiet["integrated_lufs"] is None and quiet["range_lu"] is None and quiet["momentary_max_lufs"] is None
    # Silence has no tempo and no key, said as null rather than left out.
    assert silent["key"] is None and silent["rhythm"]["tempo_bpm"] is None and silent["rhythm"]["beats_s"] == []
    assert silent["spectral"]["centroid_hz"] is None
    sf.write(tmp_path / "tone.wav", (0.5 * np.sin(np.arange(48000 * 4) * 0.1)).astype(np.float32), 48000)
    whole = (tmp_path / "tone.wav").read_bytes()
    (tmp_path / "cut.wav").write_bytes(whole[: len(whole) // 2])  # the header still says 4 s
    cut = analyze(tmp_path / "cut.wav")
    assert cut["duration_s"] == pytest.approx(2, abs=0.01), "a truncated file ends where its data does"
    (tmp_path / "text.wav").write_text("not audio at all")
    for bad in ("text.wav", "missing.wav"):
        run = subprocess.run([str(DAWG), "analyze", str(tmp_path / bad)], capture_output=True, text=True, timeout=30)
        assert run.returncode == 1 and "dawg analyze:" in run.stderr and bad in run.stderr


def test_analyze_over_osc_with_progress_and_the_store_answering_again(dawg, peer, project):
    from helpers import Peer
    rng = np.random.default_rng(5)
    sf.write(project / "take.wav", (pink(48000 * 60, rng) * 0.3).astype(np.float32), 48000)
    watcher = Peer(dawg.osc_port)
    watcher.request("/feedback/subscribe", reply="/feedback/subscribed")
    try:
        peer.send("/analyze", "take.wav")
        path, report, cached = peer.expect("/analysis", 60)
        assert peer.expect("/done") == ["/analyze"]
        fresh = json.loads(report)
        assert path == "take.wav" and cached == 0 and fresh["duration_s"] == pytest.approx(60)
        # The message carries the summary: counts, not lists that grow with the file.
        assert "onset_count" in fresh["rhythm"] and "onsets_s" not in fresh["rhythm"]
        assert "centroid_hz" in fresh["spectral"] and "centroid_hz_series" not in fresh["spectral"]
        progress = [args for address, args in watcher.drain(0.3) if address == "/progress"]
        fractions = [f for _, f in progress]
        assert len(progress) >= 10 and fractions == sorted(fractions) and fractions[-1] == pytest.approx(1)
        # The same audio under another name: answered from the store.
        (project / "copy.wav").write_bytes((project / "take.wav").read_bytes())
        peer.send("/analyze", "copy.wav")
        _, again, cached = peer.expect("/analysis", 30)
        assert cached == 1 and json.loads(again) == fresh
        cli = subprocess.run([str(DAWG), "analyze", str(project / "copy.wav"), "--json", "--project-dir", str(project)],
                             capture_output=True, text=True, timeout=60)
        assert json.loads(cli.stdout)["cached"] is True
        peer.send("/analyze", "../outside.wav")
        assert peer.expect("/error")[0] == "/analyze"
        (project / "junk.wav").write_text("junk")
        peer.send("/analyze", "junk.wav")
        fail = peer.expect("/fail", 10)
        assert fail[0] == "/analyze" and "junk.wav" in fail[1] and str(project) not in fail[1]
        peer.sync()
        kinds = sqlite3.connect(project / "dawg.sqlite").execute("SELECT kind, state FROM jobs").fetchall()
        assert kinds == [("analyze", "done"), ("analyze", "done"), ("analyze", "failed")]
    finally:
        watcher.close()
