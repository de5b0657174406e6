"""dawg analyze against an independent loudness meter (pyloudnorm, BS.1770-4) on the
same files, made here: programme-like noise with level changes, drum-like bursts, a
mono file and one at 44.1 kHz — and bad input."""
import json
import subprocess

import numpy as np
import pyloudnorm
import pytest
import soundfile as sf

from helpers import DAWG


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


def test_silence_truncated_and_non_audio_files(tmp_path):
    sf.write(tmp_path / "silence.wav", np.zeros(48000 * 3, dtype=np.float32), 48000)
    quiet = analyze(tmp_path / "silence.wav")["loudness"]
    assert quiet["integrated_lufs"] is None and quiet["range_lu"] is None and quiet["momentary_max_lufs"] is None
    sf.write(tmp_path / "tone.wav", (0.5 * np.sin(np.arange(48000 * 4) * 0.1)).astype(np.float32), 48000)
    whole = (tmp_path / "tone.wav").read_bytes()
    (tmp_path / "cut.wav").write_bytes(whole[: len(whole) // 2])  # the header still says 4 s
    cut = analyze(tmp_path / "cut.wav")
    assert cut["duration_s"] == pytest.approx(2, abs=0.01), "a truncated file ends where its data does"
    (tmp_path / "text.wav").write_text("not audio at all")
    for bad in ("text.wav", "missing.wav"):
        run = subprocess.run([str(DAWG), "analyze", str(tmp_path / bad)], capture_output=True, text=True, timeout=30)
        assert run.returncode == 1 and "dawg analyze:" in run.stderr and bad in run.stderr
