"""Graph edits while playing: the audio already playing is untouched, sample for sample."""
import os
import subprocess
import time

import numpy as np

from helpers import Capture, Peer, assert_heard


def test_edits_while_playing_leave_the_playing_track_untouched(jackd, dawg, peer):
    t, _ = peer.request("/track/add", "dc", reply="/track/added")
    peer.send(f"/track/{t}/load", "dc.wav")
    assert peer.expect("/done", 10)
    peer.send("/transport/locate", 0.0)
    peer.send("/transport/play")
    peer.sync()
    time.sleep(0.2)
    cap = Capture(jackd.name)
    try:
        cap.start()
        for i in range(40):
            # A silent track and bus (their fades to -inf take 10 ms), so anything heard
            # beyond the DC track would be a glitch of the edits themselves.
            n, _ = peer.request("/track/add", f"e{i}", reply="/track/added")
            peer.send(f"/strip/{n}/gain", float("-inf"))
            b, _ = peer.request("/bus/add", f"b{i}", reply="/bus/added")
            peer.send(f"/strip/{b}/gain", float("-inf"))
            peer.sync()
            time.sleep(0.02)
            peer.send(f"/track/{n}/load", "noise.wav")
            peer.send(f"/strip/{n}/send/{b}", -6.0)
            peer.send(f"/strip/{n}/send/{b}/pre", 1)
            peer.sync()
            peer.send(f"/track/{n}/remove")
            peer.send(f"/bus/{b}/remove")
        peer.sync()
        time.sleep(0.2)
        left, right = cap.stop()
    finally:
        cap.close()
    expected = np.float32(0.5 * np.sqrt(0.5))
    assert left.size > 9600   # the whole editing session, and after
    assert_heard(left, expected)
    assert_heard(right, expected)


def test_buffer_size_change_is_followed(jackd, dawg, peer):
    t, _ = peer.request("/track/add", "dc", reply="/track/added")
    peer.send(f"/track/{t}/load", "dc.wav")
    assert peer.expect("/done", 10)
    peer.send("/transport/play")
    env = dict(os.environ, JACK_DEFAULT_SERVER=jackd.name)
    try:
        subprocess.run(["jack_bufsize", "512"], check=True, capture_output=True, env=env)
        time.sleep(0.5)
        assert peer.request("/status", reply="/status.reply")[1] == 512
        cap = Capture(jackd.name)
        try:
            left, _ = cap.record(0.5)
        finally:
            cap.close()
        assert_heard(left, 0.5 * np.sqrt(0.5))
        assert "JACK period is now 512 frames" in dawg.log()
    finally:
        subprocess.run(["jack_bufsize", "256"], capture_output=True, env=env)
        time.sleep(0.3)
