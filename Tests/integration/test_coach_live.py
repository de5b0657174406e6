"""The live coach over OSC: a JACK client sings into dawg's input; feedback subscribers
hear /coach/feedback name the problem (rate-limited), and /pitch measure against a
key and scale, a reference melody that follows the transport, and the A4 set; the
settings are saved in patches."""
import json
import time

import mido

from helpers import Peer, Source
from test_pitch_feedback import tone

C4 = 261.6256


def coaching(watcher, seconds):
    return [args for address, args in watcher.drain(seconds) if address == "/coach/feedback"]


def setup_track(peer, dawg):
    t, _ = peer.request("/track/add", "vox", reply="/track/added")
    peer.send(f"/track/{t}/input", 1)
    watcher = Peer(dawg.osc_port)
    watcher.request("/feedback/subscribe", reply="/feedback/subscribed")
    peer.send("/pitch/enable", t, 1)
    return t, watcher


def test_coaching_names_the_problem_and_is_rate_limited(jackd, dawg, peer):
    t, watcher = setup_track(peer, dawg)
    src = Source(jackd.name, tone(220 * 2 ** (-30 / 1200)))  # A3, 30 cents flat
    try:
        said = coaching(watcher, 4.0)
        assert said and said[0] == [t, "flat by 30 cents", "warning"], said
        assert len(said) == 1, f"the same message waits 5 s: {said}"
        src.signal_fn = tone(220)
        said = coaching(watcher, 3.0)
        assert [t, "great pitch, keep it up", "success"] in said, said
        assert len(said) <= 2, f"at most one message every 1.5 s: {said}"
        # The strict profile is terse: no praise.
        peer.send("/coach/profile", t, "strict")
        assert watcher.expect("/coach/profile") == [t, "strict"], "subscribers hear of the change"
        assert peer.request("/coach/profile", t) == [t, "strict"]
        assert peer.request("/pitch/tolerance", t) == [t, 10.0]
        time.sleep(0.2)
        assert coaching(watcher, 2.5) == []
        # Switched off: nothing, even when flat.
        peer.send("/coach/profile", t, "default")
        peer.send("/coach/enable", t, 0)
        src.signal_fn = tone(220 * 2 ** (-40 / 1200))
        assert peer.request("/coach/enable", t) == [t, 0]
        assert coaching(watcher, 2.5) == []
    finally:
        src.close()
        watcher.close()


def test_pitch_against_a_scale_a_melody_and_another_a4(jackd, dawg, peer, project):
    t, watcher = setup_track(peer, dawg)
    # C4 for two seconds, then G4 for two.
    f = mido.MidiFile(ticks_per_beat=480)
    f.tracks.append(mido.MidiTrack([
        mido.MetaMessage("set_tempo", tempo=500_000), mido.Message("note_on", note=60, velocity=90, time=0),
        mido.Message("note_off", note=60, time=1920), mido.Message("note_on", note=67, velocity=90, time=0),
        mido.Message("note_off", note=67, time=1920)]))
    f.save(project / "ref.mid")
    src = Source(jackd.name, tone(C4 * 2 ** (1.3 / 12)))  # C#4 + 30 cents
    try:
        def readings(seconds=0.3):
            time.sleep(0.15)
            watcher.drain(0.02)
            return [a for addr, a in watcher.drain(seconds) if addr == "/pitch" and a[1] > 0]

        assert {(m[2], round(m[3])) for m in readings()} <= {("C#4", 30), ("C#4", 29), ("C#4", 31)}
        peer.send("/pitch/target", t, "scale", "D", "minor")
        assert peer.request("/pitch/target", t) == [t, "scale", "D", "minor"]
        got = readings()
        assert got and all(m[2] == "D4" and abs(m[3] + 70) < 2 and m[5] == 0 for m in got), got[:3]

        # The melody follows the transport: sing E4 over the C4 bar, then the G4 bar.
        peer.send("/pitch/target", t, "melody", "ref.mid")
        src.signal_fn = tone(C4 * 2 ** (4 / 12))
        stopped = readings()
        assert stopped and all(m[2] == "E4" for m in stopped), "standing still: the nearest note"
        peer.send("/transport/locate", 0.5)
        peer.send("/transport/play")
        first = readings(0.5)
        assert first and all(m[2] == "C4" and abs(m[3] - 400) < 3 for m in first), first[:3]
        peer.send("/transport/locate", 2.5)
        second = readings(0.5)
        assert second and all(m[2] == "G4" and abs(m[3] + 300) < 3 for m in second), second[:3]
        peer.send("/transport/stop")

        # Another A4: the same E4 against equal temperament at 442 Hz.
        peer.send("/pitch/target", t, "equal")
        peer.send("/pitch/a4", 442.0)
        assert peer.request("/pitch/a4") == [442.0]
        got = readings()
        assert got and all(m[2] == "E4" and abs(m[3] + 7.85) < 1 for m in got), got[:3]

        # All of it is in the saved patch.
        peer.send("/pitch/target", t, "scale", "Bb", "dorian")
        peer.send("/pitch/tolerance", t, 20.0)
        state = json.loads(peer.request("/state", reply="/state.reply")[0])
        assert state["a4"] == 442
        coach = next(x for x in state["tracks"] if x["id"] == t)["coach"]
        assert coach["key"] == "Bb" and coach["scale"] == "dorian" and coach["tolerance"] == 20
    finally:
        src.close()
        watcher.close()


def test_a_take_recorded_against_a_reference_is_scored_at_record_stop(jackd, dawg, peer, project):
    import sqlite3
    t, watcher = setup_track(peer, dawg)
    peer.send(f"/track/{t}/arm", 1)
    # The reference: A3 again and again, legato, for 20 s.
    f = mido.MidiFile(ticks_per_beat=480)
    track = mido.MidiTrack([mido.MetaMessage("set_tempo", tempo=500_000)])
    for _ in range(40):
        track += [mido.Message("note_on", note=57, velocity=90, time=0), mido.Message("note_off", note=57, time=480)]
    f.tracks.append(track)
    f.save(project / "a3.mid")
    peer.send("/pitch/target", t, "melody", "a3.mid")
    src = Source(jackd.name, tone(220 * 2 ** (-30 / 1200)))  # 30 cents flat throughout
    try:
        time.sleep(0.3)
        peer.send("/transport/locate", 0.0)
        peer.send("/record/start")
        time.sleep(2.5)
        peer.send("/transport/stop")
        summary = watcher.expect("/coach/summary", timeout=10)
        track_id, number, score, pitch, rhythm, consistency, vibrato, tips = summary
        assert (track_id, number) == (t, 1)
        assert 40 < pitch < 70, summary         # 30 cents flat: about half marks
        assert consistency > 95 and vibrato == -1
        assert "flat by about 30 cents" in tips, tips
        # The report, note by note, to the same UDP subscriber.
        report = watcher.expect("/coach/report", timeout=5)
        assert report[:2] == [t, 1], report[:2]
        notes = json.loads(report[2])["notes"]
        assert len(notes) >= 3 and all(n["expected"] == "A3" for n in notes), notes[:3]
        db = sqlite3.connect(project / "dawg.sqlite")
        rows = db.execute("SELECT t.number, c.mode, c.target, c.source, c.pitch FROM coach_results c JOIN takes t ON t.id = c.take_id").fetchall()
        assert rows == [(1, "reference", "a3.mid", "live", rows[0][4])] and abs(rows[0][4] - pitch) < 0.01, rows
    finally:
        src.close()
        watcher.close()


def test_a_profile_sets_the_range_the_tracker_looks_in(jackd, dawg, peer):
    t, watcher = setup_track(peer, dawg)
    src = Source(jackd.name, tone(600))
    try:
        def heard():
            time.sleep(0.3)
            watcher.drain(0.05)
            return [a[1] for addr, a in watcher.drain(0.3) if addr == "/pitch" and a[1] > 0]

        got = heard()
        assert got and all(abs(h - 600) < 3 for h in got), got[:5]
        # A bass looks up to 420 Hz: 600 Hz is not a bass note.
        peer.send("/coach/profile", t, "bass")
        assert not [h for h in heard() if abs(h - 600) < 30]
        peer.send("/coach/profile", t, "soprano")
        got = heard()
        assert got and all(abs(h - 600) < 3 for h in got), got[:5]
    finally:
        src.close()
        watcher.close()
