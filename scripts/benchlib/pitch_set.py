"""The labelled pitch test set, made here from a seed (nothing is downloaded).

- Voices: source-filter synthesis with an exact f0 contour. The source is a sum of
  harmonics on one phase accumulator (so every harmonic is exactly k·f0), with jitter,
  shimmer and breath noise; the filter is a vowel's formants, applied to each harmonic
  at its own frequency. The fundamental is full, weak (−20 dB) or missing. Contours:
  separate notes, legato steps, glides, and vibrato (5–7 Hz, ±30–100 cents), in four
  voice ranges from bass to soprano.
- Instruments: monophonic melodies rendered by FluidSynth from the General MIDI
  SoundFont (Debian's fluid-soundfont-gm), labelled from the notes.
- Every clip again with white noise at 20 and 10 dB SNR.

Each clip is NAME.wav (48 kHz mono float) and NAME.f0.csv: `time_s,f0_hz` on a 10 ms
grid, 0 where unvoiced and -1 where a frame is not scored (an instrument's release tail,
whose voicing no label can settle).

    python pitch_set.py OUT_DIR [--quick | --held-out]
"""
import argparse
import shutil
import struct
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import soundfile as sf

RATE = 48000
HOP = 0.01
SOUNDFONT = "/usr/share/sounds/sf2/FluidR3_GM.sf2"

# MIDI note ranges: bass E2–E4, tenor C3–C5, alto F3–F5, soprano C4–C6.
RANGES = {"bass": (40, 64), "tenor": (48, 72), "alto": (53, 77), "soprano": (60, 84)}
# Formants (Hz) and bandwidths (Hz) of five vowels, after Peterson & Barney.
VOWELS = {
    "a": [(730, 90), (1090, 110), (2440, 160), (3400, 250)],
    "e": [(530, 70), (1840, 110), (2480, 160), (3400, 250)],
    "i": [(270, 60), (2290, 100), (3010, 170), (3700, 250)],
    "o": [(570, 70), (840, 90), (2410, 160), (3400, 250)],
    "u": [(300, 60), (870, 90), (2240, 150), (3300, 250)],
}
KINDS = ("notes", "legato", "glide", "vibrato")
FUNDAMENTALS = ("full", "weak", "missing")
# GM programs and the MIDI range each plays here.
INSTRUMENTS = {"piano": (0, 36, 84), "guitar": (24, 40, 76), "violin": (40, 55, 88), "cello": (42, 36, 69),
               "trumpet": (56, 55, 82), "saxophone": (65, 49, 77), "clarinet": (71, 50, 84), "flute": (73, 60, 93)}


def midi_hz(m):
    return 440.0 * 2.0 ** ((np.asarray(m, dtype=float) - 69) / 12)


def formant_gain(f, formants):
    """Magnitude of a cascade of two-pole resonators at frequencies f, 1 at 0 Hz."""
    g = np.ones_like(f)
    for fc, bw in formants:
        g *= fc * fc / np.sqrt((fc * fc - f * f) ** 2 + (bw * f) ** 2)
    return g


def held_noise(rng, n, rate_hz, sigma):
    """Noise that takes a new value rate_hz times a second (per-cycle jitter, shimmer)."""
    step = max(1, int(RATE / rate_hz))
    values = rng.normal(0, sigma, n // step + 2)
    return np.repeat(values, step)[:n]


def voice_contour(rng, kind, low, high, seconds):
    """Per-sample f0 (0 in rests), amplitude, and the vowel of each sample's note."""
    n = int(seconds * RATE)
    f0 = np.zeros(n)
    amp = np.zeros(n)
    vowel = np.zeros(n, dtype=int)
    t = int(rng.uniform(0.1, 0.3) * RATE)
    previous = None
    while t < n - int(0.4 * RATE):
        length = int(rng.uniform(0.35, 0.8 if kind != "vibrato" else 1.6) * RATE)
        end = min(n - int(0.1 * RATE), t + length)
        note = rng.uniform(low, high)
        hz = midi_hz(note)
        seg = np.full(end - t, hz)
        if kind == "glide" and previous is not None:
            g = min(len(seg), int(rng.uniform(0.15, 0.4) * RATE))
            seg[:g] = previous * (hz / previous) ** (np.arange(g) / g)  # log-linear, in tune at the end
        if kind == "legato" and previous is not None:
            g = min(len(seg), int(0.04 * RATE))
            seg[:g] = previous * (hz / previous) ** (0.5 - 0.5 * np.cos(np.pi * np.arange(g) / g))
        if kind == "vibrato":
            rate, extent = rng.uniform(5, 7), rng.uniform(30, 100)
            k = np.arange(len(seg)) / RATE
            onset = np.clip((k - 0.2) / 0.3, 0, 1)  # vibrato grows in after 200 ms
            seg = seg * 2 ** (onset * extent / 1200 * np.sin(2 * np.pi * rate * k + rng.uniform(0, 2 * np.pi)))
        f0[t:end] = seg
        a = np.ones(end - t) * rng.uniform(0.5, 1.0)
        if kind in ("notes", "vibrato") or previous is None:
            ramp = int(0.03 * RATE)
            a[:ramp] *= np.linspace(0, 1, ramp)
        vowel[t:end] = rng.integers(len(VOWELS))
        amp[t:end] = a
        t = end
        if kind in ("notes", "vibrato"):
            ramp = int(0.04 * RATE)
            amp[t - ramp:t] *= np.linspace(1, 0, ramp)
            t += int(rng.uniform(0.08, 0.25) * RATE)
            previous = None
        else:
            previous = hz
        if kind in ("legato", "glide") and rng.uniform() < 0.25:  # a breath now and then
            ramp = int(0.04 * RATE)
            amp[t - ramp:t] *= np.linspace(1, 0, ramp)
            t += int(rng.uniform(0.1, 0.2) * RATE)
            previous = None
    return f0, amp, vowel


def synth_voice(rng, f0, amp, vowel, fundamental):
    """The voice for a contour: harmonics of one jittered phase through the formants."""
    n = len(f0)
    voiced = f0 > 0
    jitter = 1 + held_noise(rng, n, 150, rng.uniform(0.002, 0.006))
    shimmer = 1 + held_noise(rng, n, 150, rng.uniform(0.02, 0.06))
    inst = np.where(voiced, f0 * jitter, 0)
    phase = 2 * np.pi * np.cumsum(inst) / RATE
    formants = list(VOWELS.values())
    x = np.zeros(n)
    power = np.full(n, 1e-12)
    top = 8000.0
    kmax = int(top / max(60.0, f0[voiced].min())) if voiced.any() else 0
    for k in range(1, kmax + 1):
        fk = k * f0
        live = voiced & (fk < top)
        if not live.any():
            continue
        gain = np.zeros(n)
        for v, fm in enumerate(formants):
            sel = live & (vowel == v)
            gain[sel] = formant_gain(fk[sel], fm)
        a = gain / k  # source tilt with lip radiation: about −6 dB per octave
        if k == 1 and fundamental == "weak":
            a *= 0.1
        if k == 1 and fundamental == "missing":
            a *= 0
        x += a * np.sin(k * phase + rng.uniform(0, 2 * np.pi))
        power += 0.5 * a * a
    # Every note as loud as its envelope says, whatever its vowel and pitch do to the
    # harmonics (else a note far from its formants would sit 20 dB down in the breath).
    x *= amp * shimmer / np.sqrt(power)
    # Breath: noise through an average vowel's formants, pulsed with the glottal cycle.
    breath = rng.normal(0, 1, n)
    spectrum = np.fft.rfft(breath)
    freqs = np.fft.rfftfreq(n, 1 / RATE)
    spectrum *= formant_gain(freqs, VOWELS["a"]) * (freqs > 500)
    breath = np.fft.irfft(spectrum, n) * (0.6 + 0.4 * np.cos(phase)) * amp
    rms = lambda s: np.sqrt(np.mean(s[voiced] ** 2)) if voiced.any() else 1.0
    x += breath * rms(x) / rms(breath) * 10 ** (rng.uniform(-30, -15) / 20)
    return 0.3 * x / np.max(np.abs(x))


def frame_labels(f0, seconds):
    """f0 at each 10 ms grid point (0 where unvoiced)."""
    times = np.arange(int(seconds / HOP)) * HOP
    idx = np.minimum((times * RATE).astype(int), len(f0) - 1)
    return times, f0[idx]


def add_noise(rng, x, labels_voiced_mask_samples, snr_db):
    signal = np.sqrt(np.mean(x[labels_voiced_mask_samples] ** 2))
    noise = rng.normal(0, 1, len(x))
    return x + noise * signal / 10 ** (snr_db / 20)


def write_clip(out, name, x, times, f0):
    sf.write(out / f"{name}.wav", x.astype(np.float32), RATE, subtype="FLOAT")
    with open(out / f"{name}.f0.csv", "w") as f:
        f.write("time_s,f0_hz\n")
        for t, v in zip(times, f0):
            f.write(f"{t:.3f},{v:.4f}\n")


def smf(notes, program):
    """A one-track Standard MIDI File: (start s, end s, note) at 120 bpm, 480 ticks a beat."""
    events = []
    for start, end, note in notes:
        events.append((round(start * 960), bytes([0x90, note, 96])))
        events.append((round(end * 960), bytes([0x80, note, 0])))
    events.sort(key=lambda e: (e[0], e[1][0] == 0x90))
    data = bytearray(b"\x00\xc0" + bytes([program]))
    now = 0
    for tick, msg in events:
        delta, now = tick - now, tick
        var = [delta & 0x7F]
        while delta > 0x7F:
            delta >>= 7
            var.insert(0, (delta & 0x7F) | 0x80)
        data += bytes(var) + msg
    data += b"\x00\xff\x2f\x00"
    return b"MThd" + struct.pack(">IHHH", 6, 0, 1, 480) + b"MTrk" + struct.pack(">I", len(data)) + bytes(data)


def render_instrument(rng, name, program, low, high, seconds, tmp):
    notes, t = [], rng.uniform(0.2, 0.4)
    while t < seconds - 0.8:
        length = rng.uniform(0.25, 0.6)
        notes.append((t, t + length, int(rng.integers(low, high + 1))))
        t += length + rng.uniform(0.05, 0.2)
    mid, wav = tmp / f"{name}.mid", tmp / f"{name}.wav"
    mid.write_bytes(smf(notes, program))
    subprocess.run(["fluidsynth", "-ni", "-q", "-R", "0", "-C", "0", "-g", "0.6", "-r", str(RATE),
                    "-O", "float", "-T", "wav", "-F", str(wav), SOUNDFONT, str(mid)],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    x, rate = sf.read(wav, dtype="float64")
    assert rate == RATE
    x = x.mean(axis=1) if x.ndim == 2 else x
    n = int(seconds * RATE)
    x = np.pad(x, (0, max(0, n - len(x))))[:n]
    times = np.arange(int(seconds / HOP)) * HOP
    f0 = np.zeros(len(times))
    last_end = 0.0
    for start, end, note in notes:
        f0[(times >= last_end) & (times < start)] = -1 if last_end > 0 else 0  # a release tail
        f0[(times >= start) & (times < end)] = midi_hz(note)
        last_end = end
    f0[(times >= last_end) & (times < last_end + 1.0)] = -1
    sample_f0 = np.repeat(np.maximum(f0, 0), int(HOP * RATE))[:n]
    return x, times, f0, sample_f0 > 0


def make_set(out, quick=False, seed=7):
    """Write the set into `out`; returns the clip names."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    seconds = 2.5 if quick else 4.0
    clean = []
    for r, (low, high) in RANGES.items():
        for i, kind in enumerate(KINDS):
            fundamental = FUNDAMENTALS[(i + len(clean)) % 3]
            f0, amp, vowel = voice_contour(rng, kind, low, high, seconds)
            x = synth_voice(rng, f0, amp, vowel, fundamental)
            times, labels = frame_labels(np.where(amp > 0, f0, 0), seconds)
            clean.append((f"voice-{r}-{kind}-{fundamental}", x, times, labels, f0 > 0))
    if shutil.which("fluidsynth") and Path(SOUNDFONT).exists():
        with tempfile.TemporaryDirectory() as tmp:
            for name, (program, low, high) in list(INSTRUMENTS.items())[: 4 if quick else None]:
                x, times, labels, voiced = render_instrument(rng, name, program, low, high, seconds + 2, Path(tmp))
                clean.append((f"instrument-{name}", x, times, labels, voiced))
    names = []
    for name, x, times, labels, voiced in clean:
        write_clip(out, name, x, times, labels)
        names.append(name)
        for snr in (20, 10):
            write_clip(out, f"{name}-snr{snr}", add_noise(rng, x, voiced, snr), times, labels)
            names.append(f"{name}-snr{snr}")
    return names


def make_held_out(out, seed=12345, seconds=30.0):
    """A second set, from a seed of its own: each instrument playing a 30 s melody
    (its notes at or under 1480 Hz, within every tracker's range here), clean and at
    20 dB SNR. The main set holds some 25 notes per instrument, too few to show how
    often a render's quirk (a guitar sample's tone an octave under its note) comes up."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    names = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, (program, low, high) in INSTRUMENTS.items():
            x, times, labels, voiced = render_instrument(rng, name, program, low, min(high, 90), seconds, Path(tmp))
            write_clip(out, f"held-{name}", x, times, labels)
            write_clip(out, f"held-{name}-snr20", add_noise(rng, x, voiced, 20), times, labels)
            names += [f"held-{name}", f"held-{name}-snr20"]
    return names


def load_labels(path):
    data = np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2)
    return data[:, 0], data[:, 1]


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out")
    ap.add_argument("--quick", action="store_true", help="shorter clips, four instruments")
    ap.add_argument("--held-out", action="store_true", help="the held-out set: 30 s of each instrument")
    args = ap.parse_args()
    names = make_held_out(args.out) if args.held_out else make_set(args.out, args.quick)
    print(f"{len(names)} clips in {args.out}")
