"""`dawg coach` on sung takes rendered from a reference melody (scripts/benchlib/
coach_takes.py: the source-filter voice of the pitch set): the take as written scores
95 or more; detuned, late or wrong-note takes lose in their own dimension only and the
tips name the fault; results are kept with the take in a real project store; bad input
gets a clear error."""
import json
import sqlite3
import subprocess
import sys

import mido
import pytest

from helpers import DAWG, REPO

sys.path.insert(0, str(REPO / "scripts" / "benchlib"))
from coach_takes import MELODY, sing, write_melody, write_take  # noqa: E402


@pytest.fixture(scope="module")
def takes(tmp_path_factory):
    where = tmp_path_factory.mktemp("coach")
    write_melody(where / "melody.mid")
    write_mido_reference(where / "mido.mid")
    for name, kwargs in {"exact": {}, "detuned": {"detune": -30}, "late": {"late": 0.15},
                         "wrong": {"wrong": (2, 7, 10)}, "octave": {"detune": -1200}}.items():
        write_take(where / f"{name}.wav", sing(**kwargs))
    return where


def write_mido_reference(path):
    """The melody as another program writes it: format 1, a tempo track (100 BPM), a
    drum track first, then the melody (mido uses running status)."""
    f = mido.MidiFile(type=1, ticks_per_beat=96)
    tempo = mido.MidiTrack([mido.MetaMessage("set_tempo", tempo=600_000, time=0)])
    drums = mido.MidiTrack([mido.Message("note_on", channel=9, note=36, velocity=100, time=0),
                            mido.Message("note_off", channel=9, note=36, velocity=0, time=48)])
    melody = mido.MidiTrack([mido.MetaMessage("track_name", name="voice", time=0)])
    events = []
    for start, length, note in MELODY:
        events.append((round(start / 0.6 * 96), 1, mido.Message("note_on", note=note, velocity=90)))
        events.append((round((start + length) / 0.6 * 96), 0, mido.Message("note_on", note=note, velocity=0)))
    now = 0
    for tick, _, msg in sorted(events, key=lambda e: (e[0], e[1])):
        melody.append(msg.copy(time=tick - now))
        now = tick
    f.tracks += [tempo, drums, melody]
    f.save(path)


def coach(*args, cwd=None):
    run = subprocess.run([str(DAWG), "coach", *map(str, args)], capture_output=True, text=True, timeout=120, cwd=cwd)
    return run


def report(*args, **kw):
    run = coach(*args, "--json", **kw)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


@pytest.mark.parametrize("reference", ["melody.mid", "mido.mid"])
def test_the_take_sung_as_written_scores_95_or_more(takes, reference):
    r = report(takes / "exact.wav", "--reference", takes / reference)
    assert r["score"] >= 95, r
    assert len(r["notes"]) == len(MELODY)
    assert [n["expected"] for n in r["notes"]][:4] == ["A3", "C4", "D4", "E4"]
    assert all(n["verdict"] == "ok" for n in r["notes"]), [n["verdict"] for n in r["notes"]]
    assert r["tips"][0].startswith("Great take")
    text = coach(takes / "exact.wav", "--reference", takes / reference)
    assert text.returncode == 0 and text.stdout.startswith("Score ") and "pitch" in text.stdout


def test_each_fault_costs_its_own_dimension_and_is_named(takes):
    exact = report(takes / "exact.wav", "--reference", takes / "melody.mid")

    def same(r, *dims):
        for d in dims:
            assert abs(r[d] - exact[d]) <= 3, (d, r[d], exact[d])

    flat = report(takes / "detuned.wav", "--reference", takes / "melody.mid")
    assert flat["pitch"] <= exact["pitch"] - 25, flat
    same(flat, "rhythm", "consistency")
    assert abs(flat["meanCents"] + 30) < 3
    assert any("flat by about 30 cents" in t for t in flat["tips"]), flat["tips"]

    late = report(takes / "late.wav", "--reference", takes / "melody.mid")
    assert late["rhythm"] <= exact["rhythm"] - 25, late
    same(late, "pitch", "consistency")
    assert 130 <= late["meanOnsetMs"] <= 180
    assert any("late by about" in t for t in late["tips"]), late["tips"]

    wrong = report(takes / "wrong.wav", "--reference", takes / "melody.mid")
    assert wrong["pitch"] <= exact["pitch"] - 10, wrong
    same(wrong, "rhythm", "consistency")
    assert [n["index"] for n in wrong["notes"] if n["verdict"] == "wrong note"] == [2, 7, 10]
    assert any("3 wrong notes" in t for t in wrong["tips"]), wrong["tips"]

    for r in (flat, late, wrong):
        assert r["score"] < exact["score"] - 5


def test_octaves_count_unless_strict(takes):
    folded = report(takes / "octave.wav", "--reference", takes / "melody.mid")
    assert folded["pitch"] >= 95 and folded["folded"]
    strict = report(takes / "octave.wav", "--reference", takes / "melody.mid", "--strict")
    assert strict["pitch"] < 10 and not strict["folded"]


def test_against_a_key_and_scale(takes):
    r = report(takes / "wrong.wav", "--key", "C", "--scale", "major")
    assert r["mode"] == "scale" and r["rhythm"] is None
    # Of the three notes sung a tone up, only B3 → C#4 leaves C major.
    assert [n["sung"] for n in r["notes"] if n["verdict"] == "wrong note"] == ["C#4"]
    assert any("outside C major" in t for t in r["tips"])
    assert report(takes / "exact.wav", "--key", "A", "--scale", "minor")["score"] >= 95


def test_results_are_kept_with_the_take(takes, tmp_path):
    project = tmp_path / "project"
    (project / "takes" / "1").mkdir(parents=True)
    assert subprocess.run([str(DAWG), "recover", "--project-dir", str(project)], capture_output=True).returncode == 0
    # The take starts 1.2 s into the timeline: the reference is followed from there.
    import soundfile as sf
    x, rate = sf.read(takes / "exact.wav", dtype="float32")
    sf.write(project / "takes" / "1" / "1.wav", x[int(1.2 * rate):], rate, subtype="FLOAT")
    db = sqlite3.connect(project / "dawg.sqlite")
    pid = db.execute("SELECT id FROM projects").fetchone()[0]
    take = db.execute("""INSERT INTO takes (project_id, source, track, number, file, timeline_frame, length_frames,
                         sample_rate, format, channels, state) VALUES (?, 'track', 1, 1, 'takes/1/1.wav', ?, ?, ?, 'wav-float', 1, 'complete')""",
                      (pid, int(1.2 * rate), len(x) - int(1.2 * rate), rate)).lastrowid
    db.commit()

    by_id = report(take, "--reference", takes / "melody.mid", "--project-dir", project)
    assert by_id["score"] >= 95, by_id
    by_file = report(project / "takes" / "1" / "1.wav", "--reference", takes / "melody.mid", "--project-dir", project)
    assert by_file["score"] == by_id["score"]
    report(take, "--reference", takes / "melody.mid", "--project-dir", project, "--no-save")
    rows = db.execute("SELECT take_id, target, mode, score, rhythm, report, source FROM coach_results").fetchall()
    assert len(rows) == 2, rows
    assert rows[0][:3] == (take, "melody.mid", "reference") and rows[0][6] == "offline"
    assert abs(rows[0][3] - by_id["score"]) < 1e-9
    stored = json.loads(rows[0][5])["notes"]
    assert (stored[0]["index"], stored[0]["expected"]) == (1, "C4"), "the first note, before the take, is not judged"
    # A file outside any take is scored and not stored.
    report(takes / "exact.wav", "--reference", takes / "melody.mid", "--project-dir", project)
    assert db.execute("SELECT COUNT(*) FROM coach_results").fetchone()[0] == 2


def test_bad_input_gets_a_clear_error(takes, tmp_path):
    truncated = tmp_path / "truncated.mid"
    truncated.write_bytes((takes / "melody.mid").read_bytes()[:40])
    text = tmp_path / "notes.mid"
    text.write_text("C D E F G\n")
    empty = tmp_path / "empty.mid"
    f = mido.MidiFile()
    f.tracks.append(mido.MidiTrack([mido.MetaMessage("set_tempo", tempo=500_000)]))
    f.save(empty)
    bad_wav = tmp_path / "bad.wav"
    bad_wav.write_bytes((takes / "exact.wav").read_bytes()[:30])
    ref = ["--reference", takes / "melody.mid"]
    cases = {
        "no such file": [takes / "nope.wav", *ref],
        "truncated": [takes / "exact.wav", "--reference", truncated],
        "not a Standard MIDI File": [takes / "exact.wav", "--reference", text],
        "no notes to sing": [takes / "exact.wav", "--reference", empty],
        "tracks 0": [takes / "exact.wav", *ref, "--melody-track", "9"],
        "unknown key": [takes / "exact.wav", "--key", "H", "--scale", "major"],
        "unknown scale": [takes / "exact.wav", "--key", "C", "--scale", "klingon"],
        "--a4": [takes / "exact.wav", *ref, "--a4", "1000"],
        "--tolerance": [takes / "exact.wav", *ref, "--tolerance", "nan"],
        "or --key and --scale": [takes / "exact.wav", *ref, "--key", "C", "--scale", "major"],
        "go together": [takes / "exact.wav", "--key", "C"],
        "no coach profile": [takes / "exact.wav", *ref, "--profile", "castrato"],
        "letters, digits": [takes / "exact.wav", *ref, "--profile", "../../etc/passwd"],
        "no project store": ["42", *ref, "--project-dir", tmp_path],
        "bad.wav": [bad_wav, *ref],
    }
    for expected, args in cases.items():
        run = coach(*args)
        assert run.returncode > 0, (expected, run.returncode, run.stdout)
        assert expected in run.stderr, (expected, run.stderr)
        assert "Fatal error" not in run.stderr and "Traceback" not in run.stderr
