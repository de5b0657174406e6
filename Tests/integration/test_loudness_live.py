"""Live loudness meters (BS.1770-4) over OSC, against a real jackd: the EBU Tech 3341
case-1 signal (a stereo 1 kHz sine at −23 dBFS) played from a file track reads −23
LUFS momentary, short-term and integrated on the track's meter and the master's, and
the file meter (`dawg analyze`) agrees on what was played; meters switched on, saved
in the patch, reset and off; bad requests refused."""
import json
import math
import subprocess
import time

import numpy as np
import pytest
import soundfile as sf

from helpers import DAWG, RATE


def loudness_feedback(peer, address, seconds, also=None):
    """Every `address` message for `seconds`: [momentary, short-term, integrated, true
    peak]; those of `also` too, as a second list, when asked."""
    got, other = [], []
    end = time.time() + seconds
    while time.time() < end:
        for a, args in peer._read(0.05):
            if a == address:
                got.append(args)
            elif a == also:
                other.append(args)
    return (got, other) if also else got


def test_a_file_track_at_minus_23_dbfs_reads_minus_23_lufs_live(dawg, peer, project):
    t = np.arange(RATE * 8) / RATE
    tone = (10 ** (-23 / 20) * np.sin(2 * np.pi * 1000 * t)).astype(np.float32)
    sf.write(project / "ebu1.wav", np.stack([tone, tone], axis=1), RATE, subtype="FLOAT")
    tid, _ = peer.request("/track/add", "ebu", reply="/track/added")
    peer.send(f"/track/{tid}/load", "ebu1.wav")
    assert peer.expect("/done", 10)
    assert peer.request(f"/strip/{tid}/loudness", reply=f"/strip/{tid}/loudness") == [0]
    assert peer.request("/master/loudness", reply="/master/loudness") == [1], "the master's meter is on by default"
    peer.request("/feedback/subscribe", 20.0, reply="/feedback/subscribed")
    assert peer.request(f"/strip/{tid}/loudness", 1, reply=f"/strip/{tid}/loudness") == [1], "echoed to subscribers"
    peer.send("/transport/play")
    time.sleep(4.0)  # past the 3 s of the short-term window
    track, master = loudness_feedback(peer, f"/loudness/{tid}", 1.0, also="/loudness/master")
    assert len(track) >= 15, "at the subscribed rate"
    for reading in (track[-1], master[-1]):
        momentary, short, integrated, peak = reading
        assert momentary == pytest.approx(-23, abs=0.1)
        assert short == pytest.approx(-23, abs=0.1)
        # Integrated counts the start of playback too: within a tenth once it is gated in.
        assert integrated == pytest.approx(-23, abs=0.2)
        assert peak == pytest.approx(-23, abs=0.1)
    # A reset starts the integration again; the meter goes on reading the tone.
    peer.send(f"/strip/{tid}/loudness/reset")
    assert peer.expect(f"/strip/{tid}/loudness/reset") == []
    after = loudness_feedback(peer, f"/loudness/{tid}", 1.0)
    assert after[-1][2] == pytest.approx(-23, abs=0.1)
    peer.send("/transport/stop")
    # Saved in the patch, the master's default left out.
    peer.send("/patch/save", "loud.json")
    assert peer.expect("/done", 10)
    saved = json.loads((project / "loud.json").read_text())
    strip = [tr for tr in saved["tracks"] if tr["id"] == tid][0]["strip"]
    assert strip["loudness"] is True and "loudness" not in saved.get("master", {})
    # The file meter on the same audio agrees.
    report = json.loads(subprocess.run([str(DAWG), "analyze", "--json", "--no-store", str(project / "ebu1.wav")],
                                       capture_output=True, text=True, check=True).stdout)
    assert report["loudness"]["integrated_lufs"] == pytest.approx(-23, abs=0.05)
    assert peer.request(f"/strip/{tid}/loudness", 0, reply=f"/strip/{tid}/loudness") == [0]
    peer.drain(0.3)
    assert not loudness_feedback(peer, f"/loudness/{tid}", 0.3), "no meter, no readings"


def test_bad_loudness_requests_are_refused(dawg, peer):
    tid, _ = peer.request("/track/add", "x", reply="/track/added")
    for address, args in [("/strip/9999/loudness", [1]), (f"/strip/{tid}/loudness", [2]),
                          (f"/strip/{tid}/loudness", [math.nan]), (f"/strip/{tid}/loudness", ["on"]),
                          (f"/strip/{tid}/loudness/reset", []), (f"/strip/{tid}/loudness/reset", [1])]:
        peer.send(address, *args)
        error = peer.expect("/error")
        assert error[0] == address, (address, args, error)
    assert peer.request(f"/strip/{tid}/loudness", reply=f"/strip/{tid}/loudness") == [0]
