"""Pitch accuracy and speed: dawg against librosa's pYIN, Praat (parselmouth), aubio's
yinfft (aubiopitch) and SwiftF0, on the labelled set from pitch_set.py, in one run.

Scores are mir_eval's melody metrics over every scored frame of the set (frames, not
clips, weigh the same): raw pitch and raw chroma accuracy (within 50 cents, on frames
the label calls voiced), voicing recall and false alarm, plus the share of voiced frames
an octave off and the median absolute error in cents. A method's guess on a frame it
calls unvoiced still counts for raw pitch (mir_eval's negative-frequency convention)
where it gives one: pYIN (fill_na=None), SwiftF0 and dawg (--unvoiced-guess) do; Praat
does not, and aubio's yinfft always gives a pitch.
Speed is audio seconds per CPU second on one core (BLAS and ONNX threads set to 1).
The command-line tools (dawg, aubiopitch) run once per clip, so each one's start-up —
the CPU it spends on a tenth of a second of silence, least of five runs — is taken off
every clip, as the Python peers are timed around their analysis call alone; they are
also timed on the whole set as one file, where start-up does not count.

    .venv/bin/python scripts/benchlib/pitch_bench.py [--quick | --held-out] [--only dawg,pyin,...]

--held-out scores the held-out set instead (pitch_set.make_held_out: 30 s of each
instrument, from a seed of its own). Both print each instrument's
octave errors.
"""
import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ[var] = "1"

import numpy as np
import soundfile as sf

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pitch_set import HOP, RATE, load_labels, make_held_out, make_set  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
DAWG = os.environ.get("DAWG_BIN", str(ROOT / ".build/release/dawg"))
LOW, HIGH = 50.0, 1500.0
DAWG_ARGS = os.environ.get("DAWG_PITCH_ARGS", "").split()


def child_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run_dawg(path):
    before = child_cpu()
    out = subprocess.run([DAWG, "pitch", "--unvoiced-guess", str(path), *DAWG_ARGS], check=True, capture_output=True, text=True).stdout
    cpu = child_cpu() - before
    data = np.loadtxt(out.splitlines()[1:], delimiter=",", ndmin=2)
    return data[:, 0], data[:, 1], cpu


def run_pyin(path):
    import librosa
    y, sr = sf.read(path, dtype="float32")
    t0 = time.process_time()
    f0, voiced, _ = librosa.pyin(y, fmin=LOW, fmax=HIGH, sr=sr, frame_length=4096, hop_length=int(HOP * sr),
                                 fill_na=None, center=True)
    cpu = time.process_time() - t0
    times = np.arange(len(f0)) * HOP
    return times, np.where(voiced, f0, -f0), cpu


def run_praat(path):
    import parselmouth
    snd = parselmouth.Sound(str(path))
    t0 = time.process_time()
    pitch = snd.to_pitch_ac(time_step=HOP, pitch_floor=LOW, pitch_ceiling=HIGH)
    cpu = time.process_time() - t0
    return pitch.xs(), pitch.selected_array["frequency"], cpu


def run_aubio(path):
    window, hop = 2048, int(HOP * RATE)
    before = child_cpu()
    out = subprocess.run(["aubiopitch", "-i", str(path), "-B", str(window), "-H", str(hop), "-p", "yinfft", "-u", "Hz"],
                         check=True, capture_output=True, text=True).stdout
    cpu = child_cpu() - before
    data = np.loadtxt(out.splitlines(), ndmin=2)
    # aubio stamps a block with its start; its window ends a hop later and is `window` long.
    return data[:, 0] + (hop - window / 2) / RATE, data[:, 1], cpu


_swift = None


def run_swiftf0(path):
    global _swift
    from swift_f0 import SwiftF0
    if _swift is None:
        _swift = SwiftF0(threads=1)
    y, sr = sf.read(path, dtype="float32")
    t0 = time.process_time()
    r = _swift.detect(y, sr, fmin=46.875, fmax=2093.75)
    cpu = time.process_time() - t0
    f0 = np.asarray(r.pitch_hz, dtype=float)
    voiced = np.asarray(r.confidence) >= 0.9  # the package's default voicing threshold
    return np.asarray(r.timestamps), np.where(voiced, f0, -f0), cpu


METHODS = {"dawg": run_dawg, "pyin": run_pyin, "praat": run_praat, "aubio": run_aubio, "swiftf0": run_swiftf0}
PROCESSES = {"dawg", "aubio"}


def one_file_speed(methods, names, where, tmp, runs=3):
    """The command-line methods on the whole set as one file (the clips one after
    another): audio seconds per CPU second, best of `runs` — per clip, a 4 s clip costs
    them a few clock ticks once their start-up is taken off, and the column drifts."""
    clips = [sf.read(where / f"{n}.wav", dtype="float32")[0] for n in names]
    whole = np.concatenate(clips)
    path = Path(tmp) / "whole-set.wav"
    sf.write(path, whole, RATE, subtype="FLOAT")
    seconds = len(whole) / RATE
    out = {}
    for m in methods:
        if m in PROCESSES:
            out[m] = seconds / min(METHODS[m](path)[2] for _ in range(runs))
    return seconds, out


def startup_cost(method, where):
    """The CPU a command-line method spends on 0.1 s of silence (its start-up)."""
    if method not in PROCESSES:
        return 0.0
    path = where / "startup-silence.wav"
    sf.write(path, np.zeros(RATE // 10, dtype=np.float32), RATE, subtype="FLOAT")
    return min(METHODS[method](path)[2] for _ in range(5))


def frames(ref_time, ref_freq, est_time, est_freq):
    """mir_eval's aligned voicing and cents, with the unscored frames (-1) left out."""
    import mir_eval
    scored = ref_freq >= 0
    ref_v, ref_c, est_v, est_c = mir_eval.melody.to_cent_voicing(ref_time, np.maximum(ref_freq, 0), est_time, est_freq)
    n = min(len(ref_v), len(scored))
    keep = scored[:n]
    return ref_v[:n][keep], ref_c[:n][keep], est_v[:n][keep], est_c[:n][keep]


def octave_frames(ref_v, ref_c, est_c):
    """Voiced frames whose estimate is a whole number of octaves off (within 50 cents)."""
    diff = np.abs(est_c - ref_c)
    return (ref_v > 0) & (est_c > 0) & (diff > 50) & (np.abs(diff - 1200 * np.round(diff / 1200)) <= 50)


def scores(ref_v, ref_c, est_v, est_c):
    import mir_eval
    voiced = ref_v > 0
    has = voiced & (est_c > 0)
    diff = np.abs(est_c - ref_c)
    octave = octave_frames(ref_v, ref_c, est_c)
    return {
        "RPA": mir_eval.melody.raw_pitch_accuracy(ref_v, ref_c, est_v, est_c),
        "RCA": mir_eval.melody.raw_chroma_accuracy(ref_v, ref_c, est_v, est_c),
        "VR": mir_eval.melody.voicing_recall(ref_v, est_v),
        "VFA": mir_eval.melody.voicing_false_alarm(ref_v, est_v),
        "oct%": 100 * octave.sum() / max(1, voiced.sum()),
        "cents": float(np.median(diff[has])) if has.any() else float("nan"),
    }


def group(name):
    kind = "voice" if name.startswith("voice") else "instrument"
    noise = "snr10" if name.endswith("snr10") else "snr20" if name.endswith("snr20") else "clean"
    return kind, noise


def instrument(name):
    """`cello` for instrument-cello-snr20 or held-cello; None for a voice."""
    if name.startswith("voice"):
        return None
    return name.split("-")[1]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="the short set")
    ap.add_argument("--only", default=",".join(METHODS), help="comma-separated methods")
    ap.add_argument("--held-out", action="store_true", help="the held-out set (instruments, 30 s each)")
    ap.add_argument("--set", help="a directory holding the set (made there if empty)")
    args = ap.parse_args()
    methods = [m for m in args.only.split(",") if m in METHODS]
    tmp = tempfile.TemporaryDirectory()
    where = Path(args.set or tmp.name)
    names = sorted(p.name[:-4] for p in where.glob("*.wav")) or (
        make_held_out(where) if args.held_out else make_set(where, quick=args.quick))
    seconds = sum(sf.info(where / f"{n}.wav").duration for n in names)
    print(f"pitch set: {len(names)} clips, {seconds:.0f} s of audio ({where})")
    results, octaves = {}, {}
    for m in methods:
        pooled, cpu = {}, 0.0
        try:
            startup = startup_cost(m, Path(tmp.name))
            for n in names:
                ref_time, ref_freq = load_labels(where / f"{n}.f0.csv")
                est_time, est_freq, c = METHODS[m](where / f"{n}.wav")
                cpu += max(0.0, c - startup)
                parts = frames(ref_time, ref_freq, est_time, est_freq)
                keys = ["all", *group(n), "-".join(group(n))] + ([f"instrument:{instrument(n)}"] if instrument(n) else [])
                for key in keys:
                    pooled.setdefault(key, [[], [], [], []])
                    for acc, part in zip(pooled[key], parts):
                        acc.append(part)
        except Exception as e:  # a peer that is not installed is reported, not fatal
            print(f"{m}: not run ({type(e).__name__}: {e})")
            continue
        results[m] = ({k: scores(*(np.concatenate(a) for a in v)) for k, v in pooled.items()}, seconds / max(cpu, 1e-9))
        ref_v, ref_c, _, est_c = (np.concatenate(a) for a in pooled["all"])
        octaves[m] = (octave_frames(ref_v, ref_c, est_c), int((ref_v > 0).sum()))

    cols = ["RPA", "RCA", "VR", "VFA", "oct%", "cents"]
    for key in ["all", "voice", "instrument", "clean", "snr20", "snr10",
                "voice-clean", "voice-snr10", "instrument-clean", "instrument-snr10"]:
        if not any(key in by for by, _ in results.values()):
            continue  # no clip of that kind in this set
        print(f"\n{key}")
        print(f"{'method':10}" + "".join(f"{c:>8}" for c in cols) + ("   × real time" if key == "all" else ""))
        for m, (by, speed) in results.items():
            if key not in by:
                continue
            s = by[key]
            row = f"{m:10}" + "".join(f"{s[c]:8.3f}" if c not in ("oct%", "cents") else f"{s[c]:8.2f}" for c in cols)
            print(row + (f"   {speed:8.1f}" if key == "all" else ""))
    instruments = sorted({k.split(":")[1] for by, _ in results.values() for k in by if k.startswith("instrument:")})
    if instruments:
        print("\noctave errors (% of voiced frames) by instrument, all noise levels")
        print(f"{'method':10}" + "".join(f"{i:>10}" for i in instruments))
        for m, (by, _) in results.items():
            print(f"{m:10}" + "".join(f"{by[f'instrument:{i}']['oct%']:10.2f}" for i in instruments))
    shared_octave_errors(octaves)
    whole, speeds = one_file_speed([m for m in methods if m in results], names, where, tmp.name)
    if speeds:
        print(f"\nthe whole set as one file ({whole:.0f} s), × real time on one core, best of 3: "
              + ", ".join(f"{m} {v:.0f}" for m, v in speeds.items()))


def shared_octave_errors(octaves):
    """How many of dawg's octave errors another method makes on the same frame: frames
    where the signal itself leaves the octave open."""
    if "dawg" not in octaves or len(octaves) < 2:
        return
    mine, voiced = octaves["dawg"]
    others = [m for m in octaves if m != "dawg"]
    shared = mine & np.logical_or.reduce([octaves[m][0] for m in others])
    print(f"\ndawg's octave errors on frames where {' or '.join(others)} err by an octave too: "
          f"{100 * shared.sum() / max(1, voiced):.2f} % of voiced frames (of its {100 * mine.sum() / max(1, voiced):.2f} %)")


if __name__ == "__main__":
    main()
