"""A long file streamed from disk under a real jackd: resident memory stays small
while it plays (and after a locate near its end, from the located sample on), and what is
heard is the file."""
import json
import struct
import time

import numpy as np

from helpers import Capture, Dawg, Peer, RATE

MINUTES = 20


def rss_mb(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def write_counter_wav16(path, frames):
    """16-bit PCM, mono: sample n is (n mod 30000) + 1 — 115 MB for 20 minutes, read back
    as exact floats (value / 32768)."""
    with open(path, "wb") as f:
        f.write(b"RIFF" + struct.pack("<I", 36 + 2 * frames) + b"WAVE")
        f.write(b"fmt " + struct.pack("<IHHIIHH", 16, 1, 1, RATE, 2 * RATE, 2, 16))
        f.write(b"data" + struct.pack("<I", 2 * frames))
        block = ((np.arange(30000) % 30000) + 1).astype("<i2")
        for start in range(0, frames, 30000):
            f.write(block[: min(30000, frames - start)].tobytes())


def play_from_zero(p, path):
    """A track of `path` on the left output, the transport playing it from 0 s: its id."""
    p.send("/transport/stop")
    p.send("/transport/locate", 0.0)
    t, _ = p.request("/track/add", "long", reply="/track/added")
    p.send(f"/track/{t}/load", path)
    assert p.expect("/done", 10)
    p.send(f"/strip/{t}/pan", -1.0)
    time.sleep(0.2)
    p.send("/transport/play")
    return t


def test_a_20_minute_file_streams_in_little_memory_and_plays_the_file(jackd, tmp_path):
    frames = MINUTES * 60 * RATE
    write_counter_wav16(tmp_path / "long.wav", frames)
    d = Dawg(jackd.name, tmp_path, extra=("--stream-delay-ms", "300"))  # a slow disk: every position comes 0.3 s late
    p = Peer(d.osc_port)
    cap = Capture(jackd.name, seconds=4)
    try:
        p.send("/transport/stop")
        p.send("/transport/locate", 0.0)
        before = rss_mb(d.proc.pid)
        play_from_zero(p, "long.wav")
        time.sleep(1)
        target = MINUTES * 60 - 30.5
        cap.start()
        time.sleep(0.3)
        p.send("/transport/locate", target)  # near the end, while playing
        time.sleep(1.2)
        heard = cap.stop()
        state = p.request("/transport", reply="/transport/state")
        after = rss_mb(d.proc.pid)
        stats = p.request("/stats", reply="/stats.reply")
        assert after - before < 24, f"resident memory grew {after - before:.1f} MB (the decoded file would be {frames * 4 / 2**20:.0f} MB)"
        assert state[0] == 1 and state[1] > MINUTES * 60 - 30
        # What was heard is the file: wherever two neighbouring samples were heard, the
        # second is the counter's next value.
        data = np.ma.getdata(heard[0])
        idx = np.flatnonzero(~np.ma.getmaskarray(heard[0]) & (data != 0))
        k = np.rint(data[idx] * 32768).astype(np.int64)
        steps = (np.diff(k) % 30000)[np.diff(idx) == 1]
        assert steps.size > RATE, "the file was heard"
        assert (steps == 1).all(), f"{(steps != 1).sum()} breaks"
        # One jump, the locate; JACK transport waited for the read-ahead, so the first
        # sample heard after it is the located frame's, after silence.
        jumps = np.flatnonzero((np.diff(k) - np.diff(idx)) % 30000 != 0)
        assert jumps.size == 1, f"{jumps.size} jumps in what was heard"
        j = jumps[0] + 1
        assert k[j] == round(target * RATE) % 30000 + 1, f"the first sample after the locate is frame {k[j]}"
        before = idx[j] - 1
        assert not np.ma.getmaskarray(heard[0])[before] and data[before] == 0, "silence while the transport waited"
        assert stats[11] == 0, "the reader kept up"
        streams, lowest, starved = p.request("/stream/stats", reply="/stream/stats.reply")
        assert streams == 1 and starved == 0
        assert lowest > 0.5, f"the read-ahead never fell below {lowest:.2f} s"
    finally:
        cap.close()
        p.close()
        assert d.stop() == 0, d.log()


def test_a_streamed_files_clip_is_edited_while_it_plays_without_a_break(jackd, tmp_path):
    """Trim and gain sent over OSC to a streamed file while it plays: what is heard
    goes on as the file without a break, crosses over in the ramp time to the file
    a second later at −6 dB, and is exactly that from there on."""
    write_counter_wav16(tmp_path / "long.wav", 6 * RATE)
    d = Dawg(jackd.name, tmp_path, extra=("--stream-threshold", "2"))
    p = Peer(d.osc_port)
    cap = Capture(jackd.name, seconds=4)
    try:
        t = play_from_zero(p, "long.wav")
        time.sleep(0.5)
        cap.start()
        time.sleep(0.7)
        p.send(f"/track/{t}/clip/1/trim", 1.0)
        p.send(f"/track/{t}/clip/1/gain", -6.0)
        track = next(x for x in json.loads(p.request("/state", reply="/state.reply")[0])["tracks"] if x["id"] == t)
        assert track["clip"]["trim"] == 1.0 and track["clip"]["gain"] == -6.0, track
        time.sleep(1.0)
        heard = cap.stop()
        stats = p.request("/stats", reply="/stats.reply")
    finally:
        cap.close()
        p.close()
        assert d.stop() == 0, d.log()
    data, ok = np.ma.getdata(heard[0]).astype(np.float64), ~np.ma.getmaskarray(heard[0])
    # Before the edit, the file from where the transport was (sample i of the capture
    # is counter value k0 + i); after it, the file a second (48000 frames: 18000 in
    # the counter's 30000) further on at −6 dB; between, the crossover's blend, the
    # new clip's weight rising by 1/ramp a sample from the sample before the first
    # that differs.
    i = np.arange(data.size)
    i0 = np.flatnonzero(ok & (data != 0))[0]
    k0 = int(np.rint(data[i0] * 32768)) - 1 - i0
    old = ((k0 + i) % 30000 + 1) / 32768
    new = 10 ** (-6 / 20) * ((k0 + i + 18000) % 30000 + 1) / 32768
    differs = np.flatnonzero(ok & (np.abs(data - old) > 1e-7))
    assert differs.size > RATE // 2, "the edit was heard"
    s = differs[0] - 1
    ramp = int(0.01 * RATE)
    w = np.clip((i - s) / ramp, 0, 1)
    want = w * new + (1 - w) * old
    assert s > RATE // 2 and ok[s:s + ramp].mean() > 0.9, "heard before and through the crossover"
    wrong = np.flatnonzero(ok & (np.abs(data - want) > 2e-6))
    assert wrong.size == 0, f"{wrong.size} samples off, first at {wrong[0] - s} from the crossover: {data[wrong[0]]} not {want[wrong[0]]}"
    assert stats[11] == 0, "the reader kept up"
