"""The labelled music set for tempo, beats, downbeats, meter and key, made here from a
seed (nothing is downloaded) and rendered by FluidSynth from the General MIDI SoundFont
(Debian's fluid-soundfont-gm).

Each clip is a few bars of a drum pattern in one of several styles (rock, four on the
floor, hip-hop with syncopated kicks and swung sixteenths, shuffle, drum and bass, a
3/4 waltz, a metronome click) with a bass line and chords in a known key, or chords and
bass alone (no drums: key only). Labels come from the notes themselves:

    NAME.wav    44.1 kHz stereo float
    NAME.json   {"tempo": bpm, "beats": [s, …], "downbeats": [s, …], "meter": 4,
                 "key": "A minor", "drums": true, "style": "rock"}

Beats are the quarter notes (the dotted-free beat of the pattern: snare backbeats fall
on beats 2 and 4); a 3/4 clip has three per bar.

    python music_set.py OUT_DIR [--quick] [--seed N]
"""
import argparse
import json
import subprocess
import tempfile
from pathlib import Path

import mido
import numpy as np
import soundfile as sf

RATE = 44100
SOUNDFONT = "/usr/share/sounds/sf2/FluidR3_GM.sf2"
TPB = 480
NAMES = ["C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B"]

# GM percussion notes.
KICK, SNARE, CLAP, CLOSED, OPEN, RIDE, CRASH, WOOD_HI, WOOD_LO, RIM = 36, 38, 39, 42, 46, 51, 49, 76, 77, 37

# Chords as scale degrees (semitones from the tonic of the root, and the triad's quality).
MAJOR_PROGRESSIONS = [["I", "V", "vi", "IV"], ["I", "IV", "V", "I"], ["ii", "V", "I", "vi"], ["I", "vi", "IV", "V"],
                      ["I", "IV", "I", "V"]]
MINOR_PROGRESSIONS = [["i", "iv", "V", "i"], ["i", "VI", "III", "VII"], ["i", "iv", "VII", "III"], ["i", "VII", "VI", "V"],
                      ["i", "v", "iv", "i"]]
DEGREES = {"I": (0, "maj"), "ii": (2, "min"), "iii": (4, "min"), "IV": (5, "maj"), "V": (7, "maj"), "vi": (9, "min"),
           "i": (0, "min"), "III": (3, "maj"), "iv": (5, "min"), "v": (7, "min"), "VI": (8, "maj"), "VII": (10, "maj")}
TRIADS = {"maj": (0, 4, 7), "min": (0, 3, 7)}
SCALES = {"major": (0, 2, 4, 5, 7, 9, 11), "minor": (0, 2, 3, 5, 7, 8, 10)}

# Tempo ranges each style is played at.
STYLES = {
    "rock": (70, 180, 4), "four-on-the-floor": (100, 140, 4), "hip-hop": (70, 100, 4), "shuffle": (80, 160, 4),
    "drum-and-bass": (160, 180, 4), "waltz": (90, 200, 3), "metronome": (60, 200, 4), "funk": (90, 120, 4),
}
CHORD_PROGRAMS = [0, 4, 16, 48, 24, 89]  # piano, e-piano, organ, strings, guitar, pad
BASS_PROGRAMS = [33, 34, 38, 32]


def drum_bar(style, meter, rng):
    """(beat position in quarter notes, note, velocity) for one bar."""
    hits = []
    if style == "rock":
        hits += [(0, KICK, 110), (2, KICK, 100), (2.5, KICK, 80), (1, SNARE, 110), (3, SNARE, 110)]
        hits += [(i / 2, CLOSED, 80 if i % 2 == 0 else 60) for i in range(8)]
    elif style == "four-on-the-floor":
        hits += [(i, KICK, 115) for i in range(4)] + [(1, CLAP, 100), (3, CLAP, 100)]
        hits += [(i + 0.5, OPEN, 70) for i in range(4)]
    elif style == "hip-hop":
        swing = 0.58  # swung sixteenths: the second of each pair late
        hits += [(0, KICK, 115), (0.75 + (swing - 0.5) / 2, KICK, 90), (2.5, KICK, 100), (1, SNARE, 115), (3, SNARE, 115)]
        for i in range(8):
            hits.append((i / 2, CLOSED, 75))
            hits.append((i / 2 + swing / 2, CLOSED, 45))
    elif style == "shuffle":
        hits += [(0, KICK, 110), (2, KICK, 105), (1, SNARE, 110), (3, SNARE, 110)]
        for i in range(4):
            hits += [(i, RIDE, 85), (i + 2 / 3, RIDE, 60)]
    elif style == "drum-and-bass":
        hits += [(0, KICK, 115), (1.5, KICK, 95), (1, SNARE, 115), (3, SNARE, 115), (2.75, SNARE, 60)]
        hits += [(i / 2, CLOSED, 70) for i in range(8)]
    elif style == "funk":
        hits += [(0, KICK, 115), (0.75, KICK, 85), (2.5, KICK, 95), (1, SNARE, 115), (3, SNARE, 115), (3.75, SNARE, 50)]
        hits += [(i / 4, CLOSED, 70 if i % 2 == 0 else 45) for i in range(16)]
    elif style == "waltz":
        hits += [(0, KICK, 110), (1, SNARE, 75), (2, SNARE, 75)] + [(i, CLOSED, 60) for i in range(3)]
    elif style == "metronome":
        hits += [(0, WOOD_HI, 110)] + [(i, WOOD_LO, 90) for i in range(1, meter)]
    return [(p, n, int(np.clip(v + rng.integers(-8, 9), 1, 127))) for p, n, v in hits]


def chord_notes(tonic, degree):
    step, quality = DEGREES[degree]
    root = (tonic + step) % 12
    return root, [root + i for i in TRIADS[quality]]


def make_clip(rng, style, drums, mode, tonic, bars, tempo=None):
    low, high, meter = STYLES[style]
    bpm = float(tempo if tempo is not None else round(rng.uniform(low, high), 1))
    progression = (MAJOR_PROGRESSIONS if mode == "major" else MINOR_PROGRESSIONS)[rng.integers(0, 5)]
    events = []  # (beat, channel, note, velocity, length in beats)
    chord_program, bass_program = int(rng.choice(CHORD_PROGRAMS)), int(rng.choice(BASS_PROGRAMS))
    lead = 1  # a bar of count-in before the first beat label, drums only if any
    for bar in range(bars):
        start = (lead + bar) * meter
        root, triad = chord_notes(tonic, progression[bar % len(progression)])
        voicing = [60 + ((n - 60) % 12) if n < 55 else n for n in (48 + x for x in triad)]
        for n in voicing:
            events.append((start, 1, n + 12 * (n < 57), 70, meter - 0.05))
        bass = 36 + root if root >= 4 else 48 + root
        for b in range(meter):
            pitch = bass if b % 2 == 0 or meter == 3 else bass + 7 if bass + 7 < 60 else bass - 5
            events.append((start + b, 2, pitch, 95 if b == 0 else 80, 0.9))
        if drums:
            events += [(start + p, 9, n, v, 0.1) for p, n, v in drum_bar(style, meter, rng)]
    if drums:
        events += [(i, 9, CLOSED if style != "metronome" else WOOD_LO, 70, 0.1) for i in range(meter)]  # count-in
    seconds_per_beat = 60.0 / bpm
    beats = [(lead * meter + i) * seconds_per_beat for i in range(bars * meter)]
    downbeats = beats[::meter]
    return bpm, meter, events, beats, downbeats, chord_program, bass_program


def write_midi(path, bpm, events, chord_program, bass_program):
    mid = mido.MidiFile(ticks_per_beat=TPB)
    track = mido.MidiTrack()
    mid.tracks.append(track)
    track.append(mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(bpm), time=0))
    track.append(mido.Message("program_change", channel=1, program=chord_program, time=0))
    track.append(mido.Message("program_change", channel=2, program=bass_program, time=0))
    messages = []
    for beat, channel, note, velocity, length in events:
        on = int(round(beat * TPB))
        messages.append((on, 1, mido.Message("note_on", channel=channel, note=int(note), velocity=velocity)))
        messages.append((on + int(round(length * TPB)), 0, mido.Message("note_off", channel=channel, note=int(note), velocity=0)))
    messages.sort(key=lambda m: (m[0], m[1]))
    now = 0
    for tick, _, msg in messages:
        track.append(msg.copy(time=tick - now))
        now = tick
    mid.save(path)


def render(midi, wav, reverb):
    subprocess.run(["fluidsynth", "-ni", "-q", "-R", "1" if reverb else "0", "-C", "0", "-g", "0.5", "-r", str(RATE),
                    "-O", "float", "-T", "wav", "-F", str(wav), SOUNDFONT, str(midi)],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def make_set(out, quick=False, seed=11):
    """Write the set into `out`; returns the clip names."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    plan = []
    styles = list(STYLES)
    per_style = 1 if quick else 6
    for style in styles:
        for _ in range(per_style):
            plan.append((style, True))
    for _ in range(2 if quick else 12):
        plan.append(("rock", False))  # chords and bass alone, tempo from a rock range
    bars = 6 if quick else 12
    names = []
    with tempfile.TemporaryDirectory() as tmp:
        for i, (style, drums) in enumerate(plan):
            mode = ("major", "minor")[i % 2]
            tonic = int(rng.integers(0, 12))
            bpm, meter, events, beats, downbeats, cp, bp = make_clip(rng, style, drums, mode, tonic, bars)
            name = f"{i:03d}-{style if drums else 'no-drums'}-{int(bpm)}bpm-{NAMES[tonic]}-{mode}"
            midi, wav = Path(tmp) / f"{name}.mid", out / f"{name}.wav"
            write_midi(midi, bpm, events, cp, bp)
            render(midi, wav, reverb=i % 3 == 0)
            x, rate = sf.read(wav, dtype="float32")
            end = int((beats[-1] + 60 / bpm + 0.5) * rate)
            sf.write(wav, x[:end], rate, subtype="FLOAT")
            labels = {"tempo": bpm, "beats": beats, "downbeats": downbeats, "meter": meter,
                      "key": f"{NAMES[tonic]} {mode}", "drums": drums, "style": style}
            (out / f"{name}.json").write_text(json.dumps(labels))
            names.append(name)
    return names


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--seed", type=int, default=11)
    a = ap.parse_args()
    for n in make_set(a.out, a.quick, a.seed):
        print(n)
