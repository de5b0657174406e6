"""Tempo, beats, downbeats and key: dawg against librosa and essentia on the same
labelled music set (music_set.py), every accuracy and every speed printed.

- Tempo: Acc1 (within 4 % of the label) and Acc2 (also at a half, double, third or
  triple of it), over the clips with drums.
- Beats: F-measure (±70 ms, mir_eval, first 5 s skipped), clips with drums.
- Downbeats: F-measure the same way (a clip given none scores 0), and meter (beats to
  the bar) right, every clip, for whoever reports them.
- Key: the MIREX weighted score (fifth 0.5, relative 0.3, parallel 0.2), every clip.
- Speed: audio seconds analysed per second of one core's time (× real time), each
  tool's whole analysis of every clip, decoding included, start-up excluded.

librosa: beat_track (tempo and beats), and the Krumhansl-Schmuckler key of chroma_cqt
(librosa has no key estimator; this is how people use it). essentia:
RhythmExtractor2013 (multifeature) and KeyExtractor with its defaults.

    python analysis_bench.py DAWG SET_DIR [--only dawg,librosa,essentia]
"""
import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import mir_eval
import numpy as np
import soundfile as sf

NAMES = ["C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B"]
# Krumhansl & Kessler (1982) probe-tone ratings, for the librosa baseline.
KK_MAJOR = [6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88]
KK_MINOR = [6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17]


def load_set(folder):
    clips = []
    for j in sorted(Path(folder).glob("*.json")):
        clips.append((j.with_suffix(".wav"), json.loads(j.read_text())))
    return clips


def run_dawg(binary, clips):
    import resource
    paths = [str(p) for p, _ in clips]
    # The child's CPU time, from the kernel's accounting of finished children.
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.time()
    out = subprocess.run([binary, "analyze", "--json", "--no-store", *paths], capture_output=True, text=True, check=True)
    wall = time.time() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    results = [json.loads(line) for line in out.stdout.splitlines() if line.strip()]
    found = []
    for r in results:
        key = r.get("key") or {}
        rhythm = r.get("rhythm") or {}
        found.append({"tempo": rhythm.get("tempo_bpm"), "beats": rhythm.get("beats_s", []),
                      "downbeats": rhythm.get("downbeats_s", []), "meter": rhythm.get("meter"),
                      "key": f"{key['tonic']} {key['mode']}" if key.get("tonic") else None})
    return found, (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime), wall


def run_librosa(clips):
    import librosa
    found = []
    start = time.process_time()
    for path, _ in clips:
        y, sr = librosa.load(str(path), sr=22050, mono=True)
        tempo, beats = librosa.beat.beat_track(y=y, sr=sr, units="time")
        chroma = librosa.feature.chroma_cqt(y=y, sr=sr).mean(axis=1)
        found.append({"tempo": float(np.atleast_1d(tempo)[0]), "beats": list(beats), "downbeats": [],
                      "key": ks_key(chroma)})
    return found, time.process_time() - start


def ks_key(chroma):
    best, key = -2.0, None
    for mode, profile in (("major", KK_MAJOR), ("minor", KK_MINOR)):
        for tonic in range(12):
            r = np.corrcoef(chroma, np.roll(profile, tonic))[0, 1]
            if r > best:
                best, key = r, f"{NAMES[tonic]} {mode}"
    return key


def run_essentia(clips):
    import essentia
    import essentia.standard as es
    essentia.log.infoActive = False
    essentia.log.warningActive = False
    rhythm = es.RhythmExtractor2013(method="multifeature")
    key = es.KeyExtractor()
    found = []
    start = time.process_time()
    for path, _ in clips:
        y = es.MonoLoader(filename=str(path), sampleRate=44100)()
        bpm, beats, _, _, _ = rhythm(y)
        k, scale, _ = key(y)
        found.append({"tempo": float(bpm), "beats": list(beats), "downbeats": [], "key": f"{k} {scale}"})
    return found, time.process_time() - start


def canonical(key):
    """mir_eval wants flats or sharps it knows: map ours onto its spelling."""
    if key is None:
        return "X"
    tonic, mode = key.split()
    flats = {"C#": "Db", "D#": "Eb", "F#": "F#", "G#": "Ab", "A#": "Bb"}
    return f"{flats.get(tonic, tonic)} {mode}"


def score(clips, found):
    """Downbeats and meter count for a tool that reports them (a clip it gives none for
    scores 0), over every clip."""
    acc1, acc2, beat_f, down_f, meters, keys = [], [], [], [], [], []
    bars = any("meter" in f for f in found)
    for (_, label), f in zip(clips, found):
        keys.append(mir_eval.key.weighted_score(canonical(label["key"]), canonical(f["key"])))
        if bars:
            meters.append(f.get("meter") == label["meter"])
            down_f.append(mir_eval.beat.f_measure(np.array(label["downbeats"]), np.array(f["downbeats"], dtype=float))
                          if f["downbeats"] else 0.0)
        if not label["drums"]:
            continue
        t, ref = f["tempo"] or 0.0, label["tempo"]
        acc1.append(abs(t - ref) <= 0.04 * ref)
        acc2.append(any(abs(t - ref * m) <= 0.04 * ref * m for m in (1, 2, 0.5, 3, 1 / 3)))
        beat_f.append(mir_eval.beat.f_measure(mir_eval.beat.trim_beats(np.array(label["beats"])),
                                              mir_eval.beat.trim_beats(np.array(f["beats"], dtype=float))))
    return {"tempo_acc1": np.mean(acc1), "tempo_acc2": np.mean(acc2), "beat_f": np.mean(beat_f),
            "downbeat_f": np.mean(down_f) if bars else None, "meter": np.mean(meters) if bars else None,
            "key_weighted": np.mean(keys)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dawg")
    ap.add_argument("set")
    ap.add_argument("--only", default="dawg,librosa,essentia")
    ap.add_argument("--details", action="store_true", help="print every clip's answers")
    a = ap.parse_args()
    clips = load_set(a.set)
    audio = sum(sf.info(str(p)).duration for p, _ in clips)
    print(f"{len(clips)} clips, {audio / 60:.1f} min of audio ({sum(l['drums'] for _, l in clips)} with drums)")
    print(f"{'':10} {'tempo Acc1':>10} {'Acc2':>6} {'beat F':>7} {'downbeat F':>10} {'meter':>6} {'key (MIREX)':>11} {'× real time':>12}")
    for tool in a.only.split(","):
        if tool == "dawg":
            found, cpu, _ = run_dawg(a.dawg, clips)
        elif tool == "librosa":
            found, cpu = run_librosa(clips)
        elif tool == "essentia":
            found, cpu = run_essentia(clips)
        else:
            sys.exit(f"unknown tool {tool}")
        s = score(clips, found)
        down = f"{s['downbeat_f']:.3f}" if s["downbeat_f"] is not None else "—"
        meter = f"{s['meter']:.3f}" if s["meter"] is not None else "—"
        print(f"{tool:10} {s['tempo_acc1']:10.3f} {s['tempo_acc2']:6.3f} {s['beat_f']:7.3f} {down:>10} {meter:>6} "
              f"{s['key_weighted']:11.3f} {audio / cpu:11.0f}×", flush=True)
        if a.details:
            for (p, label), f in zip(clips, found):
                print(f"   {p.stem:40} tempo {f['tempo'] or 0:6.1f} key {f['key']!s:9} (label {label['key']})")


if __name__ == "__main__":
    main()
