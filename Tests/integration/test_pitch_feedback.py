"""Live pitch over OSC: a JACK client sings (a harmonic tone) into dawg's input, and a
feedback subscriber hears /pitch every 5 ms with the note, the cents, whether it is in
tune, and the JACK frame of the audio it describes."""
import time

import numpy as np

from helpers import PERIOD, Peer, Source, RATE


def harmonics(phase):
    """Six harmonics at 1/k on the fundamental's phase: a bright, sung-like tone."""
    return (sum(np.sin(k * phase) / k for k in range(1, 7)) * 0.2).astype(np.float32)


def tone(hz):
    return lambda n: harmonics(2 * np.pi * hz * np.asarray(n, dtype=np.float64) / RATE)


def pitch_messages(watcher, seconds):
    return [args for address, args in watcher.drain(seconds) if address == "/pitch"]


def test_a_sung_note_is_heard_as_pitch_feedback(jackd, dawg, peer):
    t, _ = peer.request("/track/add", "vox", reply="/track/added")
    peer.send(f"/track/{t}/input", 1)
    watcher = Peer(dawg.osc_port)
    watcher.request("/feedback/subscribe", reply="/feedback/subscribed")
    peer.send("/pitch/enable", t, 1)
    src = Source(jackd.name, tone(220 * 2 ** (10 / 1200)))  # A3, 10 cents sharp
    try:
        time.sleep(0.5)
        watcher.drain(0.05)
        got = pitch_messages(watcher, 1.0)
        now = src.client.frame_time
        assert len(got) > 150, f"{len(got)} readings in a second (one every 5 ms makes 200)"
        frames = [m[6] for m in got]
        steps = np.diff(np.array(frames, dtype=np.int64)) % 2**32
        off = np.flatnonzero(steps % 240)
        off_grid = [(frames[i], frames[i + 1]) for i in off]
        # A step off the grid is a cycle whose audio did not follow the one before (the
        # host held dawg or JACK up): the next 50 ms of readings describe windows with a
        # seam in them, and are not held to the note.
        seamed = {j for i in off for j in range(i + 1, i + 11)}
        steady = [m for i, m in enumerate(got) if i not in seamed]
        assert len(steady) > 100, f"{len(steady)} readings without a seam"
        tracks, hz, notes, cents, confidence, in_tune, _ = zip(*steady)
        assert set(tracks) == {t} and set(notes) == {"A3"}
        assert all(abs(c - 10) < 2 for c in cents), cents[:5]
        assert all(abs(h / 220 - 2 ** (10 / 1200)) < 1e-3 for h in hz)
        assert set(in_tune) == {1} and min(confidence) > 0.9
        # A step is explained by a jump whose span (from the frame the cycle was due at
        # to the one it started at) meets the step's.
        def after(x, a):
            return (x - a + 2**31) % 2**32 - 2**31
        unexplained = [(a, b) for a, b in off_grid
                       if not any(after(started, a) >= 0 and after(due, a) <= after(b, a) for due, started in src.skips)]
        assert not unexplained and np.median(steps) == 240, \
            f"on a 5 ms grid of JACK frames (steps off it {unexplained}, JACK's clock jumped at {src.skips})"
        # A reading is stamped inside the cycle that made it (JACK's cycle start plus its
        # place in the block), so it may lead JACK's running clock by up to a period.
        behind = (now - frames[-1] + 2**31) % 2**32 - 2**31
        assert -PERIOD <= behind < RATE // 4, f"the last reading is {behind} frames behind JACK's clock"
        # 30 cents flat is out of tune (±15 by default).
        src.signal_fn = tone(220 * 2 ** (-30 / 1200))
        time.sleep(0.2)
        watcher.drain(0.05)
        flat = pitch_messages(watcher, 0.3)
        assert flat and all(m[2] == "A3" and abs(m[3] + 30) < 2 and m[5] == 0 for m in flat)
        # Silence: the last readings of the note (its window is still full of it), then
        # one unvoiced message, then nothing more.
        watcher.drain(0.05)
        src.signal_fn = lambda n: np.zeros(len(n), dtype=np.float32)
        after = pitch_messages(watcher, 0.6)
        unvoiced = [i for i, m in enumerate(after) if m[1] == 0]
        assert len(unvoiced) == 1 and unvoiced[0] == len(after) - 1, after[-3:]
        assert after[-1][1:6] == [0.0, "-", 0.0, 0.0, 0]
        assert unvoiced[0] <= 10, "the voice stops within 50 ms of the silence"
    finally:
        src.close()
        watcher.close()


def vibrato_tone(hz, rate, cents):
    """A note whose pitch swings ±`cents` at `rate` Hz (phase-continuous: the phase is
    the integral of the instantaneous frequency)."""
    depth = 2 ** (cents / 1200) - 1

    def signal(n):
        t = np.asarray(n, dtype=np.float64) / RATE
        return harmonics(2 * np.pi * hz * (t - depth / (2 * np.pi * rate) * np.cos(2 * np.pi * rate * t)))
    return signal


def test_vibrato_is_reported_with_its_rate_and_extent(jackd, dawg, peer):
    t, _ = peer.request("/track/add", "vox", reply="/track/added")
    peer.send(f"/track/{t}/input", 1)
    watcher = Peer(dawg.osc_port)
    watcher.request("/feedback/subscribe", reply="/feedback/subscribed")
    peer.send("/pitch/enable", t, 1)
    src = Source(jackd.name, vibrato_tone(330, 5.5, 50))
    try:
        time.sleep(0.8)
        got = [args for address, args in watcher.drain(1.0) if address == "/vibrato"]
        assert len(got) >= 5, f"{len(got)} /vibrato in a second (one every 100 ms)"
        assert all(m[0] == t and abs(m[1] - 5.5) < 0.3 and abs(m[2] - 50) < 8 for m in got), got[:3]
        src.signal_fn = tone(330)  # a steady note: no vibrato
        time.sleep(0.8)
        watcher.drain(0.05)
        assert not [a for a, _ in watcher.drain(0.6) if a == "/vibrato"]
    finally:
        src.close()
        watcher.close()
