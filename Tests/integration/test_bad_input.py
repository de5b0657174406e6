"""Every address tried with wrong types, missing and extra arguments, NaN and
infinities, out-of-range values, unknown ids, huge strings and hostile paths. Each
gets /error naming the address, nothing changes, and the audio does not glitch."""
import json
import os
import random
import socket
import time

import numpy as np
import pytest

from helpers import Capture, Dawg, assert_heard, build, send_from_another_process

NAN, INF = float("nan"), float("inf")
HUGE = "x" * 60000


def bad_requests(t, b):
    """(address, args, types) that must all be refused. t: a track id, b: a bus id."""
    cases = []
    for c in ("gain", "pan", "mute", "solo", "solosafe", "invert", "fader"):
        a = f"/strip/{t}/{c}"
        cases += [(a, ["loud"], None), (a, [1.0, 2.0], None), (a, [NAN], None), (a, [INF], None),
                  (a, [13.0 if c == "gain" else 2.0], None), (a, [HUGE], None), (a, [None], "N")]
        cases += [(f"/strip/9999/{c}", [0.0], None), (f"/strip/-1/{c}", [0.0], None), (f"/strip/abc/{c}", [0.0], None)]
    cases += [(f"/strip/{t}/pan", [-1.5], None), (f"/strip/{t}/mute", [0.5], None), (f"/strip/{t}/gain", [INF], "d")]
    cases += [("/master/gain", [NAN], None), ("/master/solo", [1], None), ("/master/pan", [3.0], None), ("/master/nope", [], None)]
    cases += [(f"/strip/{t}/send/{b}", ["x"], None), (f"/strip/{t}/send/{b}", [NAN], None), (f"/strip/{t}/send/{b}", [20.0], None),
              (f"/strip/{t}/send/999", [0.0], None), (f"/strip/{b}/send/{b}", [0.0], None), (f"/strip/{t}/send/{b}/pre", [2], None),
              (f"/strip/{t}/send/{b}/post", [1], None)]
    cases += [("/track/add", [HUGE], None), ("/track/add", [""], None), ("/track/add", ["a/b"], None), ("/track/add", [1], None),
              ("/track/add", ["a", "b"], None), ("/track/add", ["bell\x07"], None)]
    cases += [(f"/track/{t}/input", [0], None), (f"/track/{t}/input", [99], None), (f"/track/{t}/input", [1.5], None),
              (f"/track/{t}/input", ["1"], None), (f"/track/{t}/input", [], None), ("/track/9999/input", [1], None)]
    cases += [(f"/track/{t}/load", [], None), (f"/track/{t}/load", [3], None), (f"/track/{t}/load", ["noise.wav", NAN], None),
              (f"/track/{t}/load", ["noise.wav", -1.0], None), (f"/track/{t}/load", ["../outside.wav"], None),
              (f"/track/{t}/load", ["/etc/passwd"], None), (f"/track/{t}/load", ["sub/../../x.wav"], None),
              (f"/track/{t}/load", ["link-out.wav"], None), (f"/track/{t}/load", [HUGE], None),
              ("/track/9999/load", ["noise.wav"], None), (f"/track/{t}/remove", [1], None), ("/track/9999/remove", [], None),
              (f"/track/{b}/remove", [], None)]
    cases += [("/bus/add", [HUGE], None), ("/bus/9999/remove", [], None), ("/bus/add", ["a", 1], None)]
    cases += [(f"/bus/{b}/output", [b], None), (f"/bus/{b}/output", [9999], None), (f"/bus/{b}/output", [-1], None),
              (f"/bus/{b}/output", ["master"], None), (f"/bus/{b}/output", [1, 2], None), ("/bus/9999/output", [0], None)]
    for band in ("hpf", "peak1", "highshelf"):
        e = f"/strip/{t}/eq/{band}"
        cases += [(f"{e}/freq", [NAN], None), (f"{e}/freq", [5.0], None), (f"{e}/freq", [30000.0], None), (f"{e}/freq", ["hi"], None),
                  (f"{e}/q", [INF], None), (f"{e}/q", [0.0], None), (f"{e}/on", [0.5], None), (f"{e}/on", [1, 1], None),
                  (f"{e}/width", [1.0], None)]
    cases += [(f"/strip/{t}/eq/hpf/gain", [3.0], None), (f"/strip/{t}/eq/peak1/gain", [30.0], None),
              (f"/strip/{t}/eq/peak1/slope", [24], None), (f"/strip/{t}/eq/lpf/slope", [18], None),
              (f"/strip/{t}/eq/peak9/freq", [100.0], None), (f"/strip/{t}/eq/freq", [100.0], None), (f"/strip/{t}/eq/on", [2], None),
              ("/strip/9999/eq/peak1/freq", [100.0], None), ("/master/eq/peak1/gain", [NAN], None)]
    c = f"/strip/{t}/comp"
    cases += [(f"{c}/threshold", [NAN], None), (f"{c}/threshold", [6.0], None), (f"{c}/ratio", [0.5], None), (f"{c}/knee", [-1.0], None),
              (f"{c}/attack", [0.0], None), (f"{c}/release", [INF], None), (f"{c}/makeup", [40.0], None),
              (f"{c}/detect", ["loud"], None), (f"{c}/detect", [3], None), (f"{c}/sidechain", [t], None), (f"{c}/sidechain", [9999], None),
              (f"{c}/sidechain", [b], None), (f"{c}/sidechain", [1.5], None), (f"{c}/on", [HUGE], None), (f"{c}/speed", [1.0], None)]
    g = f"/strip/{t}/gate"
    cases += [(f"{g}/threshold", [NAN], None), (f"{g}/range", [-1.0], None), (f"{g}/hysteresis", [30.0], None),
              (f"{g}/attack", [INF], None), (f"{g}/hold", [-5.0], None), (f"{g}/release", [0.0], None), (f"{g}/on", [None], "N")]
    cases += [(f"/bus/{b}/reverb/size", [NAN], None), (f"/bus/{b}/reverb/size", [5.0], None), (f"/bus/{b}/reverb/decay", [0.0], None),
              (f"/bus/{b}/reverb/decay", [INF], None), (f"/bus/{b}/reverb/mix", [1.5], None), (f"/bus/{b}/reverb/predelay", [-1.0], None),
              (f"/bus/{b}/reverb/on", ["yes"], None), (f"/bus/{b}/reverb/room", [1.0], None), (f"/bus/{t}/reverb/on", [1], None),
              (f"/bus/{b}/delay/note", ["1/5"], None), (f"/bus/{b}/delay/note", [0.25], None), (f"/bus/{b}/delay/note", [HUGE], None),
              (f"/bus/{b}/delay/feedback", [1.0], None), (f"/bus/{b}/delay/highcut", [10.0], None), (f"/bus/{b}/delay/pingpong", [3], None),
              (f"/strip/{t}/reverb/on", [1], None), ("/master/delay/on", [1], None), ("/bus/9999/delay/on", [1], None),
              ("/transport/tempo", [NAN], None), ("/transport/tempo", [0.0], None), ("/transport/tempo", [1000.0], None),
              ("/transport/tempo", ["fast"], None), ("/transport/tempo", [120.0, 1.0], None)]
    cases += [(f"/strip/{t}/inserts", ["eq"], None), (f"/strip/{t}/inserts", ["eq", "comp", "reverb"], None),
              (f"/strip/{t}/inserts", ["eq", "eq", "comp"], None), (f"/strip/{t}/inserts", [1, 2, 3], None),
              (f"/strip/{t}/preset", ["../../etc/passwd"], None), (f"/strip/{t}/preset", ["nonesuch"], None),
              (f"/strip/{t}/preset", [3], None), (f"/strip/{t}/preset", ["vocal", "kick"], None)]
    cases += [("/transport/play", [1], None), ("/transport/locate", [], None), ("/transport/locate", [-1.0], None),
              ("/transport/locate", [NAN], None), ("/transport/locate", [INF], None), ("/transport/locate", ["start"], None),
              ("/transport/loop", [2.0, 1.0], None), ("/transport/loop", [1.0], None), ("/transport/loop", [NAN, 2.0], None),
              ("/transport/loop/off", [1], None), ("/transport/rewind", [], None)]
    cases += [("/patch/save", ["../escape.json"], None), ("/patch/save", ["/tmp/escape.json"], None), ("/patch/save", [], None),
              ("/patch/save", [5], None), ("/patch/load", ["missing.json"], None), ("/patch/load", ["/etc/hostname"], None),
              ("/patch/save", ["nodir/x.json"], None), ("/patch/save", [HUGE], None)]
    cases += [("/feedback/subscribe", ["fast"], None), ("/feedback/subscribe", [1.0, 2.0], None), ("/feedback/unsubscribe", [1], None),
              ("/ping", [1], None), ("/status", ["x"], None), ("/sync", [], None), ("/state", [1], None),
              ("/nope", [], None), ("/", [], None), ("//double", [], None), ("/" + "a" * 300, [], None)]
    cases += [("/pitch/enable", [], None), ("/pitch/enable", [9999, 1], None), (f"/pitch/enable", [t, 2], None),
              ("/pitch/enable", [t, NAN], None), ("/pitch/enable", ["vox", 1], None), ("/pitch/enable", [t, 1, 1], None),
              ("/pitch/enabled", [t, 1], None), ("/pitch", [t], None)]
    cases += [("/pitch/a4", [NAN], None), ("/pitch/a4", [1000.0], None), ("/pitch/a4", ["A"], None), ("/pitch/a4", [440.0, 1], None),
              ("/pitch/tolerance", [], None), ("/pitch/tolerance", [t, 100.0], None), ("/pitch/tolerance", [t, NAN], None),
              ("/pitch/tolerance", [9999, 10.0], None), ("/pitch/target", [], None), ("/pitch/target", [t, "scale", "H", "major"], None),
              ("/pitch/target", [t, "scale", "C", "klingon"], None), ("/pitch/target", [t, "scale", "C"], None),
              ("/pitch/target", [t, "melody", "../../etc/passwd"], None), ("/pitch/target", [t, "melody", "missing.mid"], None),
              ("/pitch/target", [t, "melody", "dc.wav"], None), ("/pitch/target", [t, "melody", HUGE], None),
              ("/pitch/target", [t, "guess"], None), ("/pitch/target", [t, 3], None), ("/pitch/target", [9999, "equal"], None),
              ("/coach/profile", [t, "../../etc/passwd"], None), ("/coach/profile", [t, "castrato"], None), ("/coach/profile", [], None),
              ("/coach/enable", [t, 2], None), ("/coach/enable", [t, NAN], None), ("/coach", [t], None), ("/coach/feedback", [t], None)]
    return cases


def storm_datagrams(t, b):
    """The bad requests as OSC datagrams, but for the slow ones (file loads, patches)."""
    return [build(address, args, (types * len(args)) if types else None).dgram
            for address, args, types in bad_requests(t, b) if "/load" not in address and "/patch" not in address]


@pytest.fixture
def setup(peer, project):
    os.symlink("/etc/hostname", project / "link-out.wav")
    t, _ = peer.request("/track/add", "dc", reply="/track/added")
    peer.send(f"/track/{t}/load", "dc.wav")
    assert peer.expect("/done", 10)
    b, _ = peer.request("/bus/add", "fx", reply="/bus/added")
    peer.send(f"/strip/{t}/send/{b}", -6.0)
    peer.send("/transport/loop", 0.0, 4.0)  # the 4 s of DC go round however long a storm takes
    peer.send("/transport/locate", 0.0)
    peer.send("/transport/play")
    peer.sync()
    return t, b


def state(peer):
    s = json.loads(peer.request("/state", reply="/state.reply")[0])
    s.pop("connections", None)
    return s


def test_every_bad_request_is_refused_and_changes_nothing(peer, setup):
    t, b = setup
    before = state(peer)
    for address, args, types in bad_requests(t, b):
        peer.send(address, *args, types=(types * len(args)) if types else None)
        reply = peer.expect("/error", 3)
        assert reply[0] == address and len(reply[1]) > 5, (address, args, reply)
    peer.sync()
    assert state(peer) == before


def test_error_messages_say_what_is_wrong(peer, setup):
    t, _ = setup
    cases = {
        (f"/strip/{t}/gain", (NAN,)): "gain must be a number of dB",
        (f"/strip/{t}/pan", (2.0,)): "pan must be from -1",
        ("/strip/9999/gain", (0.0,)): "no strip with id 9999",
        (f"/track/{t}/load", ("../x.wav",)): "outside the project directory",
        ("/transport/locate", ()): "takes 1 argument",
        ("/nope", ()): "unknown address",
    }
    for (address, args), words in cases.items():
        peer.send(address, *args)
        reply = peer.expect("/error")
        assert reply[0] == address and words in reply[1], reply


def test_malformed_packets_get_an_error_and_the_engine_lives_on(peer):
    rng = random.Random(5)
    for n in (1, 3, 7, 16, 100, 2000):
        peer.send_raw(bytes(rng.randrange(256) for _ in range(n)))
    peer.send_raw(b"/ping\x00\x00\x00,i\x00\x00")            # claims an int it lacks
    peer.send_raw(b"#bundle\x00" + b"\x00" * 8 + b"\x00\x00\x10\x00")  # element overruns
    errors = [a for a, _ in peer.drain(1.0) if a == "/error"]
    assert len(errors) >= 6
    assert peer.request("/ping", reply="/pong") == []


def test_files_that_are_not_audio_fail_cleanly(peer, project):
    (project / "text.wav").write_text("this is not audio")
    (project / "truncated.wav").write_bytes((project / "noise.wav").read_bytes()[:30])   # cut in the header
    (project / "headeronly.wav").write_bytes((project / "noise.wav").read_bytes()[:44])  # no samples at all
    (project / "empty.wav").write_bytes(b"")
    t, _ = peer.request("/track/add", "t", reply="/track/added")
    for name in ("text.wav", "truncated.wav", "headeronly.wav", "empty.wav"):
        peer.send(f"/track/{t}/load", name)
        address, message = peer.expect("/fail", 10)
        assert address == f"/track/{t}/load" and name in message
    # A file cut mid-data still loads what it holds.
    data = (project / "noise.wav").read_bytes()
    (project / "cut.wav").write_bytes(data[:len(data) // 2])
    peer.send(f"/track/{t}/load", "cut.wav")
    assert peer.expect("/done", 10) == [f"/track/{t}/load"]


def test_audio_does_not_glitch_during_an_osc_storm(jackd, dawg, peer, setup):
    t, b = setup
    storm = storm_datagrams(t, b)
    cap = Capture(jackd.name)
    try:
        time.sleep(0.2)
        peer.request("/stats/reset", reply="/stats/reset.done")
        cap.start()
        send_from_another_process(dawg.osc_port, storm * 20)
        time.sleep(0.3)
        left, right = cap.stop()
    finally:
        cap.close()
    peer.drain(0.5)
    callback_p99_us = peer.request("/stats", reply="/stats.reply")[2]
    # The DC track plays on, direct plus its -6 dB send through the bus, every sample
    # the same: nothing bad reached the graph.
    expected = np.float32(0.5 * np.sqrt(0.5) * (1 + 10 ** (-6 / 20)))
    assert left.size > 4800
    assert_heard(left, expected)
    assert_heard(right, expected)
    # Nor did the storm put work on the process thread. (Not "no late cycle": on a
    # PREEMPT_NONE kernel a loopback UDP storm can hold up any realtime wake-up by a
    # period, whichever process it is aimed at; README, Performance.)
    assert callback_p99_us < 0.1 * 1e6 * jackd.period / jackd.rate


def test_a_client_that_never_finishes_its_request_does_not_keep_dawg_from_stopping(jackd, project):
    d = Dawg(jackd.name, project)
    half = socket.create_connection(("127.0.0.1", d.http_port))
    half.sendall(b"GET / HTTP/1.1\r\nHost: dawg\r\n")  # and no more
    page = socket.create_connection(("127.0.0.1", d.http_port))
    page.sendall(b"GET /ws HTTP/1.1\r\nHost: dawg\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                 b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
    assert b"101" in page.recv(1024).split(b"\r\n")[0]
    time.sleep(0.3)
    started = time.time()
    try:
        assert d.stop(timeout=10) == 0, d.log()
        assert time.time() - started < 5, "stopped, but only after a wait"
    finally:
        half.close()
        page.close()
