"""dawg generate, measured from the files it writes with an independent MIDI reader
(mido): tempo, length in bars, drums on channel 10, key signatures, determinism per seed;
and genre character — a k-nearest-neighbour classifier on 16-step onset vectors trained
on one set of generated beats recovers the genre of another; density and syncopation rise
with complexity; swing and instrument use match the genre data; fills end phrases."""
import json
import subprocess
from pathlib import Path

import mido
import numpy as np
import pytest

from helpers import DAWG, REPO

GENRES = ["trap", "hip-hop", "edm", "pop", "rock", "jazz", "lo-fi", "ambient", "reggae", "latin"]
FAMILIES = {"kick": {35, 36}, "snare": {37, 38, 39, 40}, "hat": {42, 44, 46}, "cymbal": {49, 51, 52, 53, 55, 57, 59},
            "tom": {41, 43, 45, 47, 48, 50}}


def family(note):
    return next((f for f, notes in FAMILIES.items() if note in notes), "percussion")


def generate(tmp, kind, *args, name=None):
    out = tmp / (name or f"{kind}-{abs(hash(args)) % 10**8}.mid")
    run = subprocess.run([str(DAWG), "generate", kind, *map(str, args), "--midi", str(out), "--project-dir", str(REPO)],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    return mido.MidiFile(out)


def drum_onsets(f):
    """(beat, note, velocity) of every drum hit, in beats."""
    tpb = f.ticks_per_beat
    hits = []
    for track in f.tracks:
        t = 0
        for m in track:
            t += m.time
            if m.type == "note_on" and m.velocity > 0:
                assert m.channel == 9, "drums belong on channel 10"
                hits.append((t / tpb, m.note, m.velocity))
    return hits


def bars_of(hits, beats_per_bar=4):
    bars = {}
    for beat, note, _ in hits:
        # The nearest sixteenth: a humanised downbeat a little early is still its bar's.
        sixteenth = round(beat * 4)
        bar, step = sixteenth // (beats_per_bar * 4), sixteenth % (beats_per_bar * 4)
        bars.setdefault(bar, set()).add((family(note), step))
    return bars


def vector(f, bars_count):
    """Per family and sixteenth step, the fraction of bars with a hit there."""
    names = list(FAMILIES) + ["percussion"]
    v = np.zeros((len(names), 16))
    for steps in bars_of(drum_onsets(f)).values():
        for fam, step in steps:
            v[names.index(fam), step] += 1
    return (v / bars_count).ravel()


@pytest.fixture(scope="module")
def beats(tmp_path_factory):
    """Beats of every genre at every complexity: seeds 1–8 to train on, 101–108 to test."""
    tmp = tmp_path_factory.mktemp("beats")
    made = {}
    for g in GENRES:
        for c in ("simple", "medium", "complex"):
            for seed in list(range(1, 9)) + list(range(101, 109)):
                made[(g, c, seed)] = generate(tmp, "beat", "--genre", g, "--bars", 8, "--complexity", c, "--seed", seed,
                                              name=f"{g}-{c}-{seed}.mid")
    return made


def test_a_beat_file_has_its_tempo_bars_kit_and_is_repeatable(tmp_path):
    f = generate(tmp_path, "beat", "--genre", "hip-hop", "--bpm", 93, "--bars", 16, "--seed", 7, name="a.mid")
    assert f.type == 1
    tempos = [m.tempo for m in f.tracks[0] if m.type == "set_tempo"]
    assert len(tempos) == 1 and abs(mido.tempo2bpm(tempos[0]) - 93) < 0.01
    sig = [m for m in f.tracks[0] if m.type == "time_signature"][0]
    assert (sig.numerator, sig.denominator) == (4, 4)
    length = max(sum(m.time for m in t) for t in f.tracks) / f.ticks_per_beat
    assert length == 16 * 4
    assert [m.name for m in f.tracks[1] if m.type == "track_name"] == ["drums"]
    assert all(m.channel == 9 for m in f.tracks[1] if m.type in ("note_on", "note_off", "program_change"))
    again = generate(tmp_path, "beat", "--genre", "hip-hop", "--bpm", 93, "--bars", 16, "--seed", 7, name="b.mid")
    other = generate(tmp_path, "beat", "--genre", "hip-hop", "--bpm", 93, "--bars", 16, "--seed", 8, name="c.mid")
    assert (tmp_path / "a.mid").read_bytes() == (tmp_path / "b.mid").read_bytes()
    assert drum_onsets(f) != drum_onsets(other)
    waltz = generate(tmp_path, "beat", "--genre", "jazz", "--meter", "3/4", "--bars", 4, name="w.mid")
    sig = [m for m in waltz.tracks[0] if m.type == "time_signature"][0]
    assert (sig.numerator, sig.denominator) == (3, 4)
    assert max(sum(m.time for m in t) for t in waltz.tracks) / waltz.ticks_per_beat == 12


def test_bad_requests_say_what_is_allowed(tmp_path):
    def refused(*args):
        run = subprocess.run([str(DAWG), "generate", "beat", *map(str, args), "--midi", str(tmp_path / "x.mid"), "--project-dir", str(REPO)],
                             capture_output=True, text=True)
        assert run.returncode != 0 and not (tmp_path / "x.mid").exists()
        return run.stderr
    assert "allowed: ambient, edm, hip-hop, jazz, latin, lo-fi, pop, reggae, rock, trap" in refused("--genre", "polka")
    assert "60 to 200" in refused("--genre", "pop", "--bpm", 250)
    assert "4, 8, 16, 32" in refused("--genre", "pop", "--bars", 5)
    assert "simple, medium, complex" in refused("--genre", "pop", "--complexity", "wild")
    assert "4/4" in refused("--genre", "trap", "--meter", "3/4")


def test_a_nearest_neighbour_classifier_recovers_the_genre(beats):
    def data(seeds):
        xs, ys = [], []
        for (g, c, seed), f in beats.items():
            if seed in seeds:
                xs.append(vector(f, 8))
                ys.append(g)
        return np.array(xs), ys
    train_x, train_y = data(range(1, 9))
    test_x, test_y = data(range(101, 109))
    right = 0
    confusions = {}
    for x, y in zip(test_x, test_y):
        d = np.linalg.norm(train_x - x, axis=1)
        nearest = [train_y[i] for i in np.argsort(d)[:3]]
        guess = max(set(nearest), key=nearest.count)
        right += guess == y
        if guess != y:
            confusions[(y, guess)] = confusions.get((y, guess), 0) + 1
    accuracy = right / len(test_y)
    print(f"kNN genre accuracy {accuracy:.3f} on {len(test_y)} beats; confusions {confusions}")
    assert accuracy >= 0.9, confusions


def test_density_and_syncopation_rise_with_complexity(beats):
    for g in GENRES:
        density, syncopation = {}, {}
        for c in ("simple", "medium", "complex"):
            hits = [h for (gg, cc, s), f in beats.items() if gg == g and cc == c for h in drum_onsets(f)]
            density[c] = len(hits) / (16 * 8)
            offbeats = [h for h in hits if round(h[0] * 4) % 2 == 1]
            syncopation[c] = len(offbeats) / len(hits)
        assert density["simple"] < density["medium"] < density["complex"], (g, density)
        assert syncopation["simple"] <= syncopation["complex"] + 1e-9, (g, syncopation)


LONG = {}


def long_beats(tmp, genre, complexity):
    """32-bar beats, seeds 201–206, made once."""
    if (genre, complexity) not in LONG:
        LONG[(genre, complexity)] = [generate(tmp, "beat", "--genre", genre, "--bars", 32, "--complexity", complexity, "--seed", seed,
                                              name=f"long-{genre}-{complexity}-{seed}.mid") for seed in range(201, 207)]
    return LONG[(genre, complexity)]


def test_swing_and_instruments_follow_the_genre_data(beats, tmp_path):
    for g in GENRES:
        data = json.loads((REPO / "presets" / "genres" / f"{g}.json").read_text())
        voices = data.get("instruments") or [i for s in data["styles"] for i in s["instruments"]]
        allowed = {i["note"] for i in voices} | {h["note"] for fl in data["fills"] for h in fl["hits"]} | {49}
        hits = [h for (gg, c, s), f in beats.items() if gg == g for h in drum_onsets(f)]
        assert {n for _, n, _ in hits} <= allowed, (g, {n for _, n, _ in hits} - allowed)
        # Each voice is heard in the share of bars its probabilities declare (a fill
        # may take its last steps, so a little less).
        if not data.get("styles"):
            for c, levels in (("simple", ["steps"]), ("medium", ["steps", "medium"]), ("complex", ["steps", "medium", "complex"])):
                for i in voices:
                    if i.get("enters") or i["note"] == 49:  # the crash also follows fills
                        continue
                    p = np.max([i.get(level) or [0] * 16 for level in levels], axis=0)
                    expected = 1 - np.prod(1 - p)
                    heard = [len({round(beat * 4) // 16 for beat, n, _ in drum_onsets(f) if n == i["note"]}) / 32
                             for f in long_beats(tmp_path, g, c)]
                    # (a phrase shares its pattern: 32 bars of 6 seeds are 24–48 draws)
                    assert abs(np.mean(heard) - expected) <= 0.15, (g, c, i["name"], expected, np.mean(heard))
        # Swing: where the off-beat (eighth, or sixteenth) falls within its pair.
        pair = 1.0 if data["swingUnit"] == 8 else 0.5  # a swung pair of eighths is a beat
        positions = []
        for beat, note, _ in hits:
            x = (beat % pair) / pair
            if 0.35 < x < 0.85:  # the off-beat of the pair, clear of humanised downbeats
                positions.append(x)
        measured = np.median(positions) if positions else 0.5
        assert abs(measured - data["swing"]) < 0.04, (g, measured, data["swing"])


def test_thirty_two_bars_never_loop_one_bar_and_fills_end_phrases(tmp_path):
    problems = []
    for g in GENRES:
        data = json.loads((REPO / "presets" / "genres" / f"{g}.json").read_text())
        for c in ("simple", "complex"):
            f = generate(tmp_path, "beat", "--genre", g, "--bars", 32, "--complexity", c, "--seed", 5, name=f"{g}-{c}.mid")
            bars = bars_of(drum_onsets(f))
            patterns = {frozenset(bars.get(b, set())) for b in range(32)}
            if len(patterns) < 6:
                problems.append((g, c, "distinct bars", len(patterns)))
            # The last beat of a phrase's last bar differs from the bar before more than
            # last beats differ elsewhere.
            def last_beat(b):
                return {(fam, st) for fam, st in bars.get(b, set()) if st >= 12}
            def distance(a, b):
                return len(a ^ b) / max(1, len(a | b))
            phrase = data["phrase"]
            ends = [distance(last_beat(b), last_beat(b - 1)) for b in range(1, 32) if b % phrase == phrase - 1]
            others = [distance(last_beat(b), last_beat(b - 1)) for b in range(1, 32) if b % phrase not in (phrase - 1, 0)]
            if not np.mean(ends) > np.mean(others):
                problems.append((g, c, "fills", np.mean(ends), np.mean(others)))
    assert not problems


def pitched(f, name):
    """(beat, key, channel) of the notes of the track called `name`."""
    for track in f.tracks:
        if any(m.type == "track_name" and m.name == name for m in track):
            t, out = 0, []
            for m in track:
                t += m.time
                if m.type == "note_on" and m.velocity > 0:
                    out.append((t / f.ticks_per_beat, m.note, m.channel))
            return out
    raise AssertionError(f"no track {name}")


def test_parts_and_songs_carry_their_key_tracks_programs_and_sections(tmp_path):
    f = generate(tmp_path, "chords", "--genre", "jazz", "--key", "Bb", "--bars", 8, "--seed", 3, name="ch.mid")
    ks = [m for m in f.tracks[0] if m.type == "key_signature"]
    assert ks and ks[0].key == "Bb"
    assert [m.program for m in f.tracks[1] if m.type == "program_change"] == [0]
    in_key = {(10 + i) % 12 for i in (0, 2, 4, 5, 7, 9, 11)}
    assert all(k % 12 in in_key for _, k, _ in pitched(f, "chords"))
    m = generate(tmp_path, "melody", "--genre", "pop", "--key", "E", "--scale", "minor", "--bars", 16, "--seed", 2, name="m.mid")
    ks = [x for x in m.tracks[0] if x.type == "key_signature"]
    assert ks[0].key == "Em"
    e_minor = {(4 + i) % 12 for i in (0, 2, 3, 5, 7, 8, 10)}
    assert all(k % 12 in e_minor for _, k, _ in pitched(m, "melody"))
    h = generate(tmp_path, "harmony", "--melody", tmp_path / "m.mid", "--key", "E", "--scale", "minor", name="h.mid")
    mel, har = pitched(h, "melody"), pitched(h, "harmony")
    assert len(mel) == len(har) and all(3 <= a[1] - b[1] <= 4 for a, b in zip(mel, har)), "a diatonic third below"
    s = generate(tmp_path, "song", "--genre", "reggae", "--key", "G", "--bars", 32, "--seed", 9, name="s.mid")
    markers = [(x.text) for x in s.tracks[0] if x.type == "marker"]
    assert markers == ["intro", "verse", "chorus", "bridge", "chorus", "outro"]
    names = [x.name for t in s.tracks for x in t if x.type == "track_name"]
    assert names[1:] == ["drums", "chords", "bass", "melody"]
    channels = {name: {c for _, _, c in pitched(s, name)} for name in names[1:]}
    assert channels["drums"] == {9} and all(9 not in c for n, c in channels.items() if n != "drums")
    assert max(sum(x.time for x in t) for t in s.tracks) / s.ticks_per_beat == 32 * 4
    custom = generate(tmp_path, "song", "--genre", "edm", "--structure", "intro:4,chorus:8,outro:4", name="c.mid")
    assert [x.text for x in custom.tracks[0] if x.type == "marker"] == ["intro", "chorus", "outro"]


def test_a_song_renders_to_audio_through_the_synth(tmp_path):
    wav = tmp_path / "song.wav"
    run = subprocess.run([str(DAWG), "generate", "song", "--genre", "pop", "--bars", "16", "--seed", "1", "--midi", str(tmp_path / "song.mid"),
                          "--wav", str(wav), "--sample-rate", "44100", "--project-dir", str(REPO)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    import soundfile as sf
    audio, rate = sf.read(wav)
    f = mido.MidiFile(tmp_path / "song.mid")
    assert rate == 44100 and abs(len(audio) / rate - (f.length + 2)) < 0.05
    loud = np.sqrt(np.mean(audio ** 2))
    assert 0.01 < loud < 0.5 and np.abs(audio).max() < 1.0
