"""Control over OSC with a real UDP peer (python-osc) and oscsend from liblo-tools."""
import json
import subprocess
import time

import pytest

from helpers import Peer


def test_ping_pong(peer):
    assert peer.request("/ping", reply="/pong") == []


def test_oscsend_controls_the_engine(dawg, peer):
    # oscsend (liblo-tools) is a real OSC client; what it sets, another peer reads back.
    subprocess.run(["oscsend", "localhost", str(dawg.osc_port), "/master/gain", "f", "-7.5"], check=True)
    subprocess.run(["oscsend", "osc.tcp://localhost:%d" % dawg.osc_port, "/master/pan", "f", "0.25"], check=True)
    time.sleep(0.2)
    assert peer.request("/master/gain")[0] == pytest.approx(-7.5)
    assert peer.request("/master/pan")[0] == pytest.approx(0.25)


def test_status_reports_engine_figures(peer):
    sr, period, load, xruns, tracks, subscribers, uptime, audio = peer.request("/status", reply="/status.reply")
    assert sr == 48000 and period == 256 and audio == "up"
    assert 0 <= load < 100 and xruns >= 0 and tracks == 0 and subscribers == 0 and uptime >= 0


def test_track_lifecycle(peer, project):
    tid, name = peer.request("/track/add", "vox", reply="/track/added")
    assert name == "vox" and tid >= 1
    peer.send(f"/track/{tid}/load", "noise.wav")
    assert peer.expect("/done", 10) == [f"/track/{tid}/load"]
    assert peer.request("/status", reply="/status.reply")[4] == 1
    state = json.loads(peer.request("/state", reply="/state.reply")[0])
    assert state["tracks"][0]["file"] == "noise.wav" and state["tracks"][0]["name"] == "vox"
    assert peer.request(f"/track/{tid}/remove", reply="/track/removed") == [tid]
    assert peer.request("/status", reply="/status.reply")[4] == 0


def test_input_track(peer):
    tid, _ = peer.request("/track/add", "mic", reply="/track/added")
    peer.send(f"/track/{tid}/input", 2)
    peer.sync()
    state = json.loads(peer.request("/state", reply="/state.reply")[0])
    assert state["tracks"][0]["input"] == 2


@pytest.mark.parametrize("control,value,expected", [
    ("gain", -6.0, -6.0), ("gain", 12.0, 12.0), ("pan", -0.5, -0.5), ("mute", 1, 1.0),
    ("solo", 1, 1.0), ("solosafe", 1, 1.0), ("invert", 1, 1.0), ("fader", 0.75, 0.75),
])
def test_strip_controls_set_and_query(peer, control, value, expected):
    tid, _ = peer.request("/track/add", "t", reply="/track/added")
    peer.send(f"/strip/{tid}/{control}", value)
    assert peer.request(f"/strip/{tid}/{control}")[0] == pytest.approx(expected, abs=1e-6)


def test_fader_law_reports_gain_in_db(peer):
    tid, _ = peer.request("/track/add", "t", reply="/track/added")
    peer.send(f"/strip/{tid}/fader", 0.5)
    assert peer.request(f"/strip/{tid}/gain")[0] == pytest.approx(-12.0)
    peer.send(f"/strip/{tid}/gain", 0.0)
    assert peer.request(f"/strip/{tid}/fader")[0] == pytest.approx(0.75)


def test_master_and_sends(peer):
    peer.send("/master/gain", -3.0)
    assert peer.request("/master/gain")[0] == pytest.approx(-3.0)
    assert peer.request("/strip/master/gain")[0] == pytest.approx(-3.0)
    bus, name = peer.request("/bus/add", "fx", reply="/bus/added")
    tid, _ = peer.request("/track/add", "t", reply="/track/added")
    peer.send(f"/strip/{tid}/send/{bus}", -10.0)
    assert peer.request(f"/strip/{tid}/send/{bus}") == [pytest.approx(-10.0), 0]
    peer.send(f"/strip/{tid}/send/{bus}/pre", 1)
    assert peer.request(f"/strip/{tid}/send/{bus}/pre", reply=f"/strip/{tid}/send/{bus}") == [pytest.approx(-10.0), 1]
    peer.send(f"/strip/{bus}/gain", -1.5)
    assert peer.request(f"/strip/{bus}/gain")[0] == pytest.approx(-1.5)
    assert peer.request(f"/bus/{bus}/remove", reply="/bus/removed") == [bus]
    state = json.loads(peer.request("/state", reply="/state.reply")[0])
    assert state["tracks"][0]["strip"]["sends"] == []


def test_transport_and_loop(peer):
    peer.send("/transport/loop", 1.0, 2.5)
    assert peer.request("/transport/loop") == [pytest.approx(1.0), pytest.approx(2.5), 1]
    peer.send("/transport/loop/off")
    assert peer.request("/transport/loop")[2] == 0
    peer.send("/transport/locate", 3.0)
    peer.send("/transport/play")
    time.sleep(0.3)
    playing, seconds = peer.request("/transport", reply="/transport/state")
    assert playing == 1 and seconds > 3.0
    peer.send("/transport/stop")
    time.sleep(0.2)
    assert peer.request("/transport", reply="/transport/state")[0] == 0


def test_sync_answers_after_slow_commands(peer):
    tid, _ = peer.request("/track/add", "t", reply="/track/added")
    peer.send(f"/track/{tid}/load", "noise.wav")
    peer.send("/sync", 42)
    # /done of the load comes before /synced 42: expect() keeps what it passes over.
    assert peer.expect("/synced", 10) == [42]
    assert "/done" in [a for a, _ in peer.backlog]


def test_tcp_client_gets_replies_on_its_connection(dawg):
    from helpers import TcpPeer
    p = TcpPeer(dawg.osc_port)
    for address, args in (("/ping", ()), ("/track/add", ("tcp",)), ("/sync", (7,))):
        p.send(address, *args)
    got = []
    deadline = time.time() + 5
    while len(got) < 3 and time.time() < deadline:
        got += [a for a, _ in p._read(0.5)]
    p.close()
    assert got == ["/pong", "/track/added", "/synced"]


def test_tcp_slip_framing(dawg):
    import socket
    from helpers import build
    from pythonosc.osc_message import OscMessage
    s = socket.create_connection(("127.0.0.1", dawg.osc_port), timeout=5)
    d = build("/ping", ()).dgram
    s.sendall(b"\xc0" + d.replace(b"\xdb", b"\xdb\xdd").replace(b"\xc0", b"\xdb\xdc") + b"\xc0")
    buf = b""
    while buf.count(b"\xc0") < 2:
        buf += s.recv(4096)
    frame = buf.strip(b"\xc0").replace(b"\xdb\xdc", b"\xc0").replace(b"\xdb\xdd", b"\xdb")
    assert OscMessage(frame).address == "/pong"
    s.close()


def test_pitch_tracking_is_switched_asked_and_saved(dawg, peer, project):
    t, _ = peer.request("/track/add", "vox", reply="/track/added")
    peer.send(f"/track/{t}/input", 1)
    assert peer.request("/pitch/enable", t, reply="/pitch/enable") == [t, 0]
    watcher = Peer(dawg.osc_port)
    watcher.request("/feedback/subscribe", reply="/feedback/subscribed")
    peer.send("/pitch/enable", t, 1)
    assert watcher.expect("/pitch/enable") == [t, 1], "subscribers hear of the change"
    assert peer.request("/pitch/enable", t, reply="/pitch/enable") == [t, 1]
    peer.send("/patch/save", "pitch.json")
    assert peer.expect("/done", 5)
    assert json.loads((project / "pitch.json").read_text())["tracks"][0]["pitch"] is True
    peer.send("/pitch/enable", t, 0)
    assert peer.request("/pitch/enable", t, reply="/pitch/enable") == [t, 0]
    watcher.close()
