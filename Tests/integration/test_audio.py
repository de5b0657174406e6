"""Audio out of dawg, captured by a real JACK client and checked sample by sample."""
import time

import numpy as np
import pytest

from helpers import Capture, Source, assert_heard, db, noise_signal, RATE

CENTRE = np.float32(np.sqrt(0.5))


def first_nonzero(x):
    """The first sample heard that is not silence, with heard silence just before it."""
    nz = np.flatnonzero(np.ma.filled(x, 0))
    assert nz.size, "captured only silence"
    k = int(nz[0])
    assert k > 0 and x[k - 1] == 0, "the capture client missed the onset"
    return k


@pytest.fixture
def capture(jackd, dawg):
    c = Capture(jackd.name)
    yield c
    c.close()


def start_from_zero(peer):
    peer.send("/transport/stop")
    peer.send("/transport/locate", 0.0)
    time.sleep(0.2)


def play_file(peer, name):
    """A new track playing `name` from the start; returns its id."""
    tid, _ = peer.request("/track/add", name, reply="/track/added")
    peer.send(f"/track/{tid}/load", name)
    assert peer.expect("/done", 10)
    start_from_zero(peer)
    peer.send("/transport/play")
    time.sleep(0.3)
    return tid


def test_file_track_plays_exact_samples_with_gain_and_hard_pan(peer, capture):
    tid, _ = peer.request("/track/add", "noise", reply="/track/added")
    peer.send(f"/track/{tid}/load", "noise.wav")
    assert peer.expect("/done", 10)
    peer.send(f"/strip/{tid}/gain", -6.0)
    peer.send(f"/strip/{tid}/pan", -1.0)
    start_from_zero(peer)
    capture.start()
    peer.send("/transport/play")
    time.sleep(1.5)
    left, right = capture.stop()
    k = first_nonzero(left)
    src = noise_signal(RATE * 4)
    n = min(RATE, left.size - k)
    assert n > RATE // 2
    expected = src[:n] * np.float32(db(-6))
    # Every sample in place: same values, none dropped, none repeated.
    assert_heard(left[k:k + n], expected, atol=2e-6)
    assert_heard(right, 0, atol=0)


def test_centre_pan_is_minus_3db_each_side(peer, capture):
    play_file(peer, "dc.wav")
    left, right = capture.record(0.5)
    assert_heard(left, 0.5 * CENTRE)
    assert_heard(right, 0.5 * CENTRE)


def test_stereo_file_keeps_its_channels_and_balance(peer, capture):
    tid, _ = peer.request("/track/add", "st", reply="/track/added")
    peer.send(f"/track/{tid}/load", "stereo.wav")
    assert peer.expect("/done", 10)
    peer.send(f"/strip/{tid}/pan", 1.0)   # balance hard right: left silent, right untouched
    start_from_zero(peer)
    peer.send("/transport/play")
    time.sleep(0.3)
    left, right = capture.record(0.3)
    assert_heard(left, 0)
    assert_heard(right, -0.5)


def test_input_track_passes_a_live_signal_through(jackd, peer, capture):
    signal = lambda n: ((n % 997) / 997.0 - 0.5).astype(np.float32)
    src = Source(jackd.name, signal, target="dawg:in_1")
    try:
        tid, _ = peer.request("/track/add", "mic", reply="/track/added")
        peer.send(f"/track/{tid}/input", 1)
        peer.send(f"/strip/{tid}/pan", -1.0)
        peer.sync()
        time.sleep(0.2)
        left, right = capture.record(0.5)
        # The captured stream is the source's ramp, sample for sample (at some phase).
        k = int(np.abs(left[:2000] - (-0.5)).argmin())
        seg = left[k:k + 997 * 10]
        ramp = signal(np.arange(997 * 10))
        assert_heard(seg, ramp)
        assert_heard(right, 0, atol=0)
    finally:
        src.close()


def test_resampled_file_keeps_its_length(peer, capture):
    tid, _ = peer.request("/track/add", "44k", reply="/track/added")
    peer.send(f"/track/{tid}/load", "noise44k.wav")
    assert peer.expect("/done", 10)
    start_from_zero(peer)
    capture.start()
    peer.send("/transport/play")
    time.sleep(2.6)
    left, _ = capture.stop()
    nz = np.flatnonzero(np.ma.filled(left, 0))
    # Two seconds at 44.1 kHz become two seconds at 48 kHz (within the filter's tails).
    assert abs((nz[-1] - nz[0]) - 2 * RATE) < 64


def test_mute_fades_out_without_a_click(peer, capture):
    tid = play_file(peer, "dc.wav")
    capture.start()
    time.sleep(0.2)
    peer.send(f"/strip/{tid}/mute", 1)
    time.sleep(0.3)
    left, _ = capture.stop()
    heard = left.compressed()
    assert heard[0] == pytest.approx(0.5 * CENTRE, abs=1e-6)
    assert heard[-1] == 0
    # A 10 ms ramp: no step bigger than the full level spread over 480 samples.
    assert np.abs(np.diff(left)).max() <= 0.5 * CENTRE / 480 + 1e-6
