"""Feedback to real OSC subscribers: meters, transport, state changes from others."""
import math
import time

import pytest

from helpers import Peer, TcpPeer


def load_dc(peer):
    tid, _ = peer.request("/track/add", "dc", reply="/track/added")
    peer.send(f"/track/{tid}/load", "dc.wav")
    assert peer.expect("/done", 10)
    peer.send("/transport/locate", 0.0)
    peer.send("/transport/play")
    return tid


def test_meters_and_position_at_the_subscribed_rate(dawg, peer):
    tid = load_dc(peer)
    time.sleep(0.5)
    assert peer.request("/feedback/subscribe", 20.0, reply="/feedback/subscribed") == [pytest.approx(20.0)]
    start = time.time()
    meters, positions = [], []
    while time.time() - start < 1.0:
        for address, args in peer._read(0.05):
            if address == f"/meter/{tid}":
                meters.append(args)
            elif address == "/transport/position":
                positions.append(args[0])
    assert 15 <= len(meters) <= 25, len(meters)
    peak, rms, reduction = meters[-1]
    assert reduction == 0.0  # no compressor on
    # DC 0.5 at centre pan: 0.3536 on each side, peak and RMS alike.
    assert peak == pytest.approx(20 * math.log10(0.5 * math.sqrt(0.5)), abs=0.05)
    assert rms == pytest.approx(peak, abs=0.2)
    assert positions == sorted(positions) and positions[-1] > positions[0]
    assert peer.request("/feedback/unsubscribe", reply="/feedback/unsubscribed") == []
    peer.drain(0.2)
    assert not [a for a, _ in peer.drain(0.3) if a.startswith("/meter")]


def test_master_meter_and_silence_floor(dawg, peer):
    peer.request("/feedback/subscribe", reply="/feedback/subscribed")
    assert peer.expect("/meter/master") == [-120.0, -120.0, 0.0]


def test_changes_by_one_client_reach_the_others(dawg, peer):
    other = Peer(dawg.osc_port)
    try:
        other.request("/feedback/subscribe", reply="/feedback/subscribed")
        tid, name = peer.request("/track/add", "shared", reply="/track/added")
        assert other.expect("/track/added") == [tid, "shared"]
        sent = time.time()
        peer.send(f"/strip/{tid}/gain", -4.5)
        assert other.expect(f"/strip/{tid}/gain") == [pytest.approx(-4.5)]
        assert time.time() - sent < 0.1
        peer.send("/master/mute", 1)
        assert other.expect("/master/mute") == [1.0]
        peer.send("/transport/play")
        assert other.expect("/transport/state")[0] == 1
        peer.send("/patch/save", "shared.json")
        assert peer.expect("/done", 10)
        peer.send("/patch/load", "shared.json")
        assert other.expect("/patch/loaded", 10) == ["shared.json"]
    finally:
        other.close()


def test_bad_rate_is_refused(peer):
    for rate in (0.0, -5.0, 1000.0, float("nan")):
        peer.send("/feedback/subscribe", rate)
        assert peer.expect("/error")[0] == "/feedback/subscribe"
    assert peer.request("/status", reply="/status.reply")[5] == 0


def test_tcp_subscriber_gets_feedback_on_its_connection_until_it_closes(dawg, peer):
    tcp = TcpPeer(dawg.osc_port)
    try:
        assert tcp.request("/feedback/subscribe", 50.0, reply="/feedback/subscribed") == [pytest.approx(50.0)]
        assert tcp.expect("/meter/master") == [-120.0, -120.0, 0.0]
        # A change by another client is echoed down the connection.
        peer.send("/master/gain", -3.0)
        assert tcp.expect("/master/gain") == [pytest.approx(-3.0)]
        assert peer.request("/status", reply="/status.reply")[5] == 1
    finally:
        tcp.close()
    # The subscription ends with the connection.
    deadline = time.time() + 3
    while peer.request("/status", reply="/status.reply")[5] != 0:
        assert time.time() < deadline, "the closed TCP subscriber was kept"
        time.sleep(0.05)


def test_a_tcp_subscriber_that_stops_reading_is_cut_off(dawg, peer):
    tcp = TcpPeer(dawg.osc_port, receive_buffer=4096)
    try:
        tcp.send("/feedback/subscribe", 200.0)
        for _ in range(40):
            peer.request("/track/add", "t", reply="/track/added")
        # Never read: once the socket buffers fill, dawg gives up on this peer …
        deadline = time.time() + 30
        while peer.request("/status", reply="/status.reply")[5] != 0:
            assert time.time() < deadline, "a stalled TCP subscriber was kept"
            time.sleep(0.2)
        # … and the others carry on.
        peer.request("/feedback/subscribe", reply="/feedback/subscribed")
        assert peer.expect("/meter/master")
    finally:
        tcp.close()
