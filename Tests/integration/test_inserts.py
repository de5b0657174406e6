"""Strip inserts over OSC against the running engine: EQ, compressor and gate settings
are set, echoed, queried and saved; their effect is heard by a JACK capture client and
reported in the meters; buses feed buses."""
import json
import time

import numpy as np
import pytest

from helpers import Capture, Peer, db


@pytest.fixture
def capture(jackd, dawg):
    c = Capture(jackd.name)
    yield c
    c.close()


def dc_track(peer, pan=-1.0):
    t, _ = peer.request("/track/add", "dc", reply="/track/added")
    peer.send(f"/track/{t}/load", "dc.wav")
    assert peer.expect("/done", 10)
    peer.send(f"/strip/{t}/pan", pan)
    return t


def test_insert_settings_are_echoed_queried_and_saved(dawg, peer):
    t = dc_track(peer)
    watcher = Peer(dawg.osc_port)
    watcher.request("/feedback/subscribe", reply="/feedback/subscribed")
    peer.send(f"/strip/{t}/eq/peak2/freq", 1500.0)
    assert watcher.expect(f"/strip/{t}/eq/peak2/freq") == [1500.0]
    peer.send(f"/strip/{t}/comp/detect", "rms")
    assert watcher.expect(f"/strip/{t}/comp/detect") == ["rms"]
    peer.send("/master/gate/threshold", -50.0)
    assert watcher.expect("/master/gate/threshold") == [-50.0]
    assert peer.request(f"/strip/{t}/eq/peak2/freq", reply=f"/strip/{t}/eq/peak2/freq") == [1500.0]
    assert peer.request(f"/strip/{t}/eq/hpf/slope", reply=f"/strip/{t}/eq/hpf/slope") == [12.0]
    assert peer.request(f"/strip/{t}/inserts", reply=f"/strip/{t}/inserts") == ["gate", "eq", "comp"]
    peer.send(f"/strip/{t}/inserts", "comp", "eq", "gate")
    assert watcher.expect(f"/strip/{t}/inserts") == ["comp", "eq", "gate"]
    state = json.loads(peer.request("/state", reply="/state.reply")[0])
    strip = state["tracks"][0]["strip"]
    assert strip["eq"]["bands"]["peak2"]["freq"] == 1500
    assert strip["comp"]["detect"] == "rms" and strip["inserts"] == ["comp", "eq", "gate"]
    assert state["master"]["gate"]["threshold"] == -50
    # The shipped presets are found beside the binary.
    peer.send(f"/strip/{t}/preset", "kick")
    assert watcher.expect(f"/strip/{t}/preset") == ["kick"]
    assert peer.request(f"/strip/{t}/eq/peak2/freq", reply=f"/strip/{t}/eq/peak2/freq") == [380.0]
    watcher.close()


def test_a_compressor_is_heard_and_its_gain_reduction_metered(peer, capture):
    t = dc_track(peer)
    peer.send(f"/strip/{t}/comp/threshold", -30.0)
    peer.send(f"/strip/{t}/comp/ratio", 4.0)
    peer.send(f"/strip/{t}/comp/knee", 0.0)
    peer.send(f"/strip/{t}/comp/attack", 1.0)
    peer.send(f"/strip/{t}/comp/on", 1)
    peer.send("/transport/locate", 0.0)
    peer.send("/transport/play")
    peer.sync()
    time.sleep(0.5)
    capture.start()
    time.sleep(0.5)
    left, _ = capture.stop()
    # DC 0.5 (−6.02 dBFS) over −30 by 23.98 dB at 4:1: 17.98 dB of reduction.
    heard = np.ma.compressed(left)
    assert heard.size > 10000
    assert float(np.median(heard)) == pytest.approx(0.5 * db(-17.98), rel=0.01)
    peer.request("/feedback/subscribe", reply="/feedback/subscribed")
    meter = peer.expect(f"/meter/{t}")
    assert meter[2] == pytest.approx(17.98, abs=0.1)


def test_an_eq_filter_shapes_what_is_heard(peer, capture):
    t = dc_track(peer)
    peer.send(f"/strip/{t}/eq/lpf/freq", 200.0)
    peer.send("/transport/locate", 0.0)
    peer.send("/transport/play")
    peer.sync()
    time.sleep(0.3)
    capture.start()
    time.sleep(0.2)  # hearing the steady DC before the switch
    # A low-pass switched on starts from empty filter memories (output 0): heard at
    # once, the DC would drop by 0.5 in a sample. The crossfade makes it a glide.
    peer.send(f"/strip/{t}/eq/lpf/on", 1)
    time.sleep(0.4)
    # A high-pass takes the DC away entirely once settled.
    peer.send(f"/strip/{t}/eq/hpf/on", 1)
    time.sleep(0.8)
    left, _ = capture.stop()
    heard = np.ma.filled(left, np.nan)
    assert np.nanmax(np.abs(np.diff(heard))) < 0.01, "switching a band on stepped"
    assert np.nanmax(heard[:4800]) == pytest.approx(0.5)  # the DC was heard before the switch
    assert abs(float(np.nanmean(heard[-4800:]))) < 1e-3


def test_bus_into_bus_and_its_cycles_refused(peer, capture):
    t = dc_track(peer)
    a, _ = peer.request("/bus/add", "a", reply="/bus/added")
    b, _ = peer.request("/bus/add", "b", reply="/bus/added")
    peer.send(f"/strip/{t}/gain", float("-inf"))
    peer.send(f"/strip/{t}/send/{a}/pre", 1)
    peer.send(f"/bus/{a}/output", b)
    peer.send(f"/strip/{b}/gain", -6.0)
    assert peer.request(f"/bus/{a}/output", reply=f"/bus/{a}/output") == [b]
    peer.send(f"/bus/{b}/output", a)
    err = peer.expect("/error")
    assert err[0] == f"/bus/{b}/output" and "cycle" in err[1]
    peer.send(f"/strip/{b}/send/{a}", 0.0)  # a bus's send closing the same loop
    err = peer.expect("/error")
    assert err[0] == f"/strip/{b}/send/{a}" and "cycle" in err[1]
    peer.send("/transport/locate", 0.0)
    peer.send("/transport/play")
    peer.sync()
    time.sleep(0.3)
    capture.start()
    time.sleep(0.3)
    left, right = capture.stop()
    assert float(np.ma.median(left)) == pytest.approx(0.5 * db(-6), rel=1e-4)
    assert float(np.ma.max(np.ma.abs(right))) < 1e-6


def test_a_bus_delay_follows_the_tempo(peer, capture):
    # DC hard left, heard directly and through a bus delay: the left channel steps to
    # 0.5 when the transport starts and to 1.0 a quarter note later (19200 samples at
    # 150 bpm), both steps found on the capture's own frame timeline.
    t = dc_track(peer)
    fx, _ = peer.request("/bus/add", "fx", reply="/bus/added")
    peer.send(f"/strip/{t}/send/{fx}/pre", 1)
    peer.send("/transport/tempo", 150.0)
    peer.send(f"/bus/{fx}/delay/note", "1/4")
    peer.send(f"/bus/{fx}/delay/feedback", 0.0)
    peer.send(f"/bus/{fx}/delay/on", 1)
    peer.send(f"/bus/{fx}/reverb/decay", 1.5)
    assert peer.request("/transport/tempo", reply="/transport/tempo") == [150.0]
    assert peer.request(f"/bus/{fx}/delay/note", reply=f"/bus/{fx}/delay/note") == ["1/4"]
    assert peer.request(f"/bus/{fx}/reverb/decay", reply=f"/bus/{fx}/reverb/decay") == [1.5]
    peer.sync()
    # A capture client that was late around an onset cannot place it, and dawg held up
    # past a whole cycle (its own late-cycle count says so) plays the rest of the try a
    # period later on JACK's timeline: such a try is repeated (three at most), and any
    # other try must be exact.
    for attempt in range(3):
        time.sleep(0.6 if attempt else 0.1)  # the last try's echo has left the delay line
        late_before = peer.request("/stats", reply="/stats.reply")[9]
        capture.start()
        time.sleep(0.1)
        peer.send("/transport/locate", 0.0)
        peer.send("/transport/play")
        time.sleep(1.2)
        left, _ = capture.stop()
        peer.send("/transport/stop")
        x = np.ma.filled(left, np.nan)
        dry = int(np.flatnonzero(np.nan_to_num(x) > 0.25)[0])
        echo = int(np.flatnonzero(np.nan_to_num(x) > 0.75)[0])
        if np.isnan(x[dry - 1]) or np.isnan(x[echo - 1]):
            continue  # the capture missed an onset
        if echo - dry != 19200 and peer.request("/stats", reply="/stats.reply")[9] > late_before:
            continue  # dawg missed a cycle between the onsets
        assert x[dry] == pytest.approx(0.5) and x[echo] == pytest.approx(1.0)
        assert echo - dry == 19200
        return
    pytest.fail("the capture client missed an onset, or dawg a cycle, in every try")


def test_the_tempo_follows_a_jack_timebase_master(jackd, dawg, peer):
    import jack
    master = jack.Client("timebase", servername=jackd.name, no_start_server=True)

    def timebase(state, blocksize, pos, new_pos):
        pos.valid = jack.POSITION_BBT
        pos.bar, pos.beat, pos.tick = 1, 1, 0
        pos.beats_per_bar, pos.beat_type, pos.ticks_per_beat = 4.0, 4.0, 1920.0
        pos.beats_per_minute = 96.0

    master.set_timebase_callback(timebase)
    master.activate()
    try:
        deadline = time.time() + 3
        while peer.request("/transport/tempo", reply="/transport/tempo") != [96.0]:
            assert time.time() < deadline, "dawg did not follow the timebase master's tempo"
            time.sleep(0.05)
    finally:
        master.deactivate()
        master.close()
    # With no master, the tempo set here is the one in use again.
    peer.send("/transport/tempo", 128.0)
    deadline = time.time() + 3
    while peer.request("/transport/tempo", reply="/transport/tempo") != [128.0]:
        assert time.time() < deadline
        time.sleep(0.05)
