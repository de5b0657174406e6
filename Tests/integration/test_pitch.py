"""`dawg pitch` on the short version of the labelled pitch set (scripts/benchlib/
pitch_set.py: synthesised voices in four ranges, GM SoundFont instruments, noise at 20
and 10 dB SNR), scored with mir_eval; and its answers to bad input."""
import subprocess
import sys

import numpy as np
import pytest

from helpers import DAWG, REPO

sys.path.insert(0, str(REPO / "scripts" / "benchlib"))
from pitch_bench import frames, scores  # noqa: E402
from pitch_set import load_labels, make_set  # noqa: E402


@pytest.fixture(scope="module")
def pitch_set(tmp_path_factory):
    where = tmp_path_factory.mktemp("pitchset")
    return where, make_set(where, quick=True)


def dawg_pitch(path, *args):
    return subprocess.run([str(DAWG), "pitch", str(path), *args], capture_output=True, text=True, timeout=120)


def test_the_pitch_of_the_labelled_set_is_right(pitch_set):
    where, names = pitch_set
    assert any(n.startswith("instrument-") for n in names), "FluidSynth rendered the instruments"
    pooled = [[], [], [], []]
    for n in names:
        run = dawg_pitch(where / f"{n}.wav")
        assert run.returncode == 0, run.stderr
        lines = run.stdout.splitlines()
        assert lines[0] == "time_s,f0_hz,confidence"
        data = np.loadtxt(lines[1:], delimiter=",", ndmin=2)
        assert np.allclose(np.diff(data[:, 0]), 0.01, atol=1e-6), "a frame every 10 ms"
        assert ((data[:, 2] >= 0) & (data[:, 2] <= 1)).all()
        ref_time, ref_freq = load_labels(where / f"{n}.f0.csv")
        for acc, part in zip(pooled, frames(ref_time, ref_freq, data[:, 0], data[:, 1])):
            acc.append(part)
    s = scores(*(np.concatenate(a) for a in pooled))
    print(s)
    # Floors a little under this set's scores (RPA 0.937, octave errors 3.1 %, VR 0.980,
    # VFA 0.005, median 5.5 cents): a regression fails here; the goals against the
    # peers are measured by scripts/benchlib/pitch_bench.py on the whole set.
    assert s["RPA"] >= 0.92, s
    assert s["oct%"] < 4.0, s
    assert s["VFA"] < 0.05, s
    assert s["VR"] >= 0.95, s
    assert s["cents"] < 8, s


def test_unvoiced_guesses_are_negative_and_change_nothing_else(pitch_set):
    where, names = pitch_set
    path = where / f"{next(n for n in names if n.endswith('-snr10'))}.wav"  # noise between the notes
    plain = np.loadtxt(dawg_pitch(path).stdout.splitlines()[1:], delimiter=",", ndmin=2)
    guess = np.loadtxt(dawg_pitch(path, "--unvoiced-guess").stdout.splitlines()[1:], delimiter=",", ndmin=2)
    voiced = plain[:, 1] > 0
    assert (guess[voiced] == plain[voiced]).all()
    assert (guess[~voiced, 1] <= 0).all() and (guess[~voiced, 1] < 0).any(), "unvoiced frames carry guesses"


def test_bad_input_gets_a_clear_error(tmp_path):
    missing = dawg_pitch(tmp_path / "nonesuch.wav")
    assert missing.returncode != 0 and "nonesuch.wav" in missing.stderr
    (tmp_path / "junk.wav").write_bytes(b"RIFF\x10\x00\x00\x00WAVEjunk")
    junk = dawg_pitch(tmp_path / "junk.wav")
    assert junk.returncode != 0 and junk.stderr.strip()
    assert dawg_pitch(tmp_path / "junk.wav", "--hop", "0").returncode != 0
    assert dawg_pitch(tmp_path / "junk.wav", "--low", "900", "--high", "1000").returncode != 0
