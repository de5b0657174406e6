"""OSC bundles with future time tags apply on their sample."""
import time

import numpy as np

from helpers import Capture, RATE, ntp


def test_bundles_land_exactly_their_interval_apart(jackd, dawg, peer):
    cap = Capture(jackd.name)
    try:
        tid, _ = peer.request("/track/add", "dc", reply="/track/added")
        peer.send(f"/track/{tid}/load", "dc.wav")
        assert peer.expect("/done", 10)
        peer.send("/transport/locate", 0.0)
        peer.send("/transport/play")
        time.sleep(0.3)
        cap.start()
        t = ntp(time.time() + 0.3)
        peer.bundle(t, [(f"/strip/{tid}/mute", [1])])
        peer.bundle(t + 429_496_730, [(f"/strip/{tid}/mute", [0])])  # 0.1 s, to 0.1 ns
        time.sleep(0.8)
        left, _ = cap.stop()
    finally:
        cap.close()
    steady = left[0]
    down = int(np.flatnonzero(left < steady)[0])           # first sample of the fade-out
    silent = down + int(np.flatnonzero(left[down:] == 0)[0])
    up = silent + int(np.flatnonzero(left[silent:] > 0)[0])  # first sample of the fade-in
    # Each edge found right after a sample the capture client heard: not after a gap.
    assert left[down - 1] == steady and left[up - 1] == 0, (down, up)
    # Mute starts its ramp on one sample, unmute exactly 100 ms (4800 frames) later.
    assert up - down == RATE // 10, (down, up)


def test_bundle_in_the_past_applies_at_once_and_far_future_is_refused(peer):
    tid, _ = peer.request("/track/add", "t", reply="/track/added")
    peer.bundle(time.time() - 5, [(f"/strip/{tid}/gain", [-2.0])])
    time.sleep(0.1)
    assert peer.request(f"/strip/{tid}/gain")[0] == -2.0
    peer.bundle(time.time() + 7200, [(f"/strip/{tid}/gain", [-3.0])])
    assert peer.expect("/error")[0] == f"/strip/{tid}/gain"
    assert peer.request(f"/strip/{tid}/gain")[0] == -2.0


def test_immediate_bundle_applies_every_message(peer):
    tid, _ = peer.request("/track/add", "t", reply="/track/added")
    peer.bundle(None, [(f"/strip/{tid}/gain", [-1.0]), (f"/strip/{tid}/pan", [0.25])])
    time.sleep(0.1)
    assert peer.request(f"/strip/{tid}/gain")[0] == -1.0
    assert peer.request(f"/strip/{tid}/pan")[0] == 0.25
