"""Sung takes for scoring the coach: a reference melody as a Standard MIDI File and a
voice singing it (pitch_set's source-filter voice), exactly, or detuned, late, with
wrong notes — each fault alone, so the scores can be checked dimension by dimension.

    python coach_takes.py OUT_DIR   # writes melody.mid and take-*.wav
"""
import argparse
from pathlib import Path

import numpy as np
import soundfile as sf

from pitch_set import RATE, midi_hz, smf, synth_voice

# A tenor phrase at 100 bpm (0.6 s a beat): (start s, length s, MIDI note). Legato steps,
# rests, a repeated note and two long notes that carry vibrato when asked.
MELODY = [
    (0.6, 0.55, 57), (1.2, 0.6, 60), (1.8, 0.55, 62), (2.4, 1.15, 64),
    (4.2, 0.55, 62), (4.8, 0.55, 60), (5.4, 0.25, 60), (5.7, 0.55, 57), (6.3, 1.15, 55),
    (8.4, 0.6, 57), (9.0, 0.6, 59), (9.6, 0.55, 60), (10.2, 1.6, 62),
]
SECONDS = 12.5


def write_melody(path, melody=MELODY):
    path.write_bytes(smf([(s, s + d, n) for s, d, n in melody], 53))


def sing(melody=MELODY, seed=3, detune=0.0, late=0.0, wrong=(), vibrato=False, fundamental="full"):
    """The voice for `melody`: `detune` cents on every note, every onset `late` seconds
    late, the notes at indices `wrong` a whole tone up, vibrato (5.5 Hz, ±60 cents) on
    notes of a second or more."""
    rng = np.random.default_rng(seed)
    n = int(SECONDS * RATE)
    f0, amp = np.zeros(n), np.zeros(n)
    vowel = np.zeros(n, dtype=int)
    last_hz = 0.0
    for i, (start, length, note) in enumerate(melody):
        a, b = round((start + late) * RATE), round((start + late + length) * RATE)
        # Legato when the next note starts as this one ends: no breath, a 30 ms slide.
        tied_in = i > 0 and abs(melody[i - 1][0] + melody[i - 1][1] - start) < 1e-3
        tied_out = i + 1 < len(melody) and abs(start + length - melody[i + 1][0]) < 1e-3
        key = note + (2 if i in wrong else 0)
        hz = midi_hz(key + detune / 100)
        seg = np.full(b - a, float(hz))
        if vibrato and length >= 1.0:
            k = np.arange(b - a) / RATE
            seg *= 2 ** (np.clip((k - 0.25) / 0.3, 0, 1) * 60 / 1200 * np.sin(2 * np.pi * 5.5 * k))
        if tied_in:
            g = int(0.03 * RATE)
            seg[:g] = last_hz * (hz / last_hz) ** (np.arange(g) / g)
        f0[a:b] = seg
        last_hz = float(hz)
        env = np.ones(b - a) * 0.8
        ramp = int(0.02 * RATE)
        if not tied_in:
            env[:ramp] *= np.linspace(0, 1, ramp)
        if not tied_out:
            env[-ramp:] *= np.linspace(1, 0, ramp)
        amp[a:b] = env
        vowel[a:b] = i % 5
    return synth_voice(rng, f0, amp, vowel, fundamental)


def write_take(path, x):
    sf.write(path, x.astype(np.float32), RATE, subtype="FLOAT")


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("out", type=Path)
    out = p.parse_args().out
    out.mkdir(parents=True, exist_ok=True)
    write_melody(out / "melody.mid")
    write_take(out / "take-exact.wav", sing())
    write_take(out / "take-detuned.wav", sing(detune=-30))
    write_take(out / "take-late.wav", sing(late=0.15))
    write_take(out / "take-wrong.wav", sing(wrong=(2, 7, 10)))
    write_take(out / "take-vibrato.wav", sing(vibrato=True))
