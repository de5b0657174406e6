"""The engine outlives its JACK server: jackd killed with SIGKILL, dawg keeps its state
and answers OSC (audio down), commands sent meanwhile still take effect, and when a
server of the same name is back dawg is on it again — ports, the connections a
patchbay client had (made when that client comes back too), the transport rolling on
from where it stopped — heard by a real JACK client."""
import json
import signal
import subprocess
import time
import urllib.error
import urllib.request

import numpy as np

from helpers import RATE, Capture, Dawg, Jackd, Peer, counter, frames_of, write_wav


def wait_for(predicate, timeout, step=0.05):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    return predicate()


def gone(capture):
    """Close a client whose server was killed, at once: libjack's per-process state does
    not survive a dead client closed after new ones were opened (left to the garbage
    collector, the close crashes the test process later)."""
    capture.client.close()


def http(dawg, path):
    """The status code and body of GET `path` on dawg's HTTP port."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{dawg.http_port}{path}", timeout=5) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def test_killed_jackd_then_a_new_one_the_engine_carries_on(project):
    write_wav(project / "count.wav", [counter(np.arange(RATE * 15))])
    server = Jackd()
    d = Dawg(server.name, project)
    peer = Peer(d.osc_port)
    watcher = Peer(d.osc_port)
    patchbay = None
    try:
        t, _ = peer.request("/track/add", "count", reply="/track/added")
        peer.send(f"/track/{t}/load", "count.wav")
        assert peer.expect("/done", 10)
        peer.send(f"/strip/{t}/pan", -1.0)
        # A patchbay client's connections to dawg (made from outside dawg).
        patchbay = Capture(server.name, name="keep")
        assert wait_for(lambda: "keep:in_1" in server.lsp("-c"), 5)
        watcher.request("/feedback/subscribe", reply="/feedback/subscribed")
        peer.send("/transport/play")
        time.sleep(1.0)
        assert peer.request("/status", reply="/status.reply")[-1] == "up"

        before_kill = peer.request("/transport", reply="/transport/state")[1]
        server.proc.send_signal(signal.SIGKILL)
        server.proc.wait(5)
        gone(patchbay)
        patchbay = None
        down = watcher.expect("/audio", 5)
        assert down[0] == "down", down
        assert peer.request("/status", reply="/status.reply")[-1] == "down"
        code, body = http(d, "/health")
        health = json.loads(body)
        assert code == 503 and health["status"] == "audio-down" and any("reconnecting" in p for p in health["problems"])
        # The transport stopped where the audio did, and stays there.
        playing, at_loss = peer.request("/transport", reply="/transport/state")
        assert playing == 0 and 0 <= at_loss - before_kill < 0.3
        time.sleep(0.5)
        assert peer.request("/transport", reply="/transport/state") == [0, at_loss]
        # Commands still change the state: the counter moves to the right channel.
        peer.send(f"/strip/{t}/pan", 1.0)
        assert peer.request(f"/strip/{t}/pan", reply=f"/strip/{t}/pan") == [1.0]
        time.sleep(1.0)

        server = Jackd(name=server.name)
        up = watcher.expect("/audio", 5)
        assert up == ["up", RATE, server.period], up
        assert peer.request("/status", reply="/status.reply")[-1] == "up"
        assert "dawg:out_L" in server.lsp()
        # The patchbay client comes back after dawg: dawg makes its connections then.
        patchbay = Capture(server.name, name="keep", connect=False)
        assert wait_for(lambda: "keep:in_1" in server.lsp("-c"), 5), server.lsp("-c")
        left, right = patchbay.record(1.0)
        heard = np.ma.compressed(right)
        assert heard.size > RATE // 2, "audio flows again, on the right channel now"
        assert np.ma.max(np.ma.abs(left)) < 1e-6
        first = int(frames_of(heard[:1])[0])
        assert 0 <= first / RATE - at_loss < 2.5, "rolling on from where the transport stopped"
        assert http(d, "/health")[0] == 200
        text = http(d, "/metrics")[1]
        assert "dawg_jack_reconnects_total 1" in text and "dawg_audio_up 1" in text
        assert "reconnected to JACK" in d.log()
    finally:
        if patchbay:
            patchbay.close()
        watcher.close()
        peer.close()
        assert d.stop() == 0, d.log()
        server.stop()


def test_the_jackd_dawg_started_is_started_again(project):
    """dawg serve with no server running starts its own; killed, it is started again and
    the engine goes back onto it."""
    name = f"dawgself-{time.time_ns() % 10**8}"
    d = Dawg(name, project)
    peer = Peer(d.osc_port)
    try:
        pid = int(subprocess.run(["pgrep", "-f", f"jackd -n {name}"], capture_output=True, text=True).stdout.split()[0])
        subprocess.run(["kill", "-9", str(pid)])
        assert wait_for(lambda: peer.request("/status", reply="/status.reply")[-1] == "down", 5)
        assert wait_for(lambda: peer.request("/status", reply="/status.reply")[-1] == "up", 10), d.log()
        assert "starting it again" in d.log()
        assert subprocess.run(["jack_lsp", "-s", name], capture_output=True, text=True).stdout.count("dawg:") >= 4
    finally:
        peer.close()
        assert d.stop() == 0, d.log()


def test_a_server_back_at_another_rate_plays_files_at_their_pitch(project):
    """A 1 kHz file made at 48 kHz: after the server comes back at 44.1 kHz it still
    sounds at 1 kHz (decoded again at the new rate), from the same second."""
    write_wav(project / "tone.wav", [0.5 * np.sin(2 * np.pi * 1000 * np.arange(RATE * 15) / RATE).astype(np.float32)])
    server = Jackd()
    d = Dawg(server.name, project)
    peer = Peer(d.osc_port)
    try:
        t, _ = peer.request("/track/add", "tone", reply="/track/added")
        peer.send(f"/track/{t}/load", "tone.wav")
        assert peer.expect("/done", 10)
        patchbay = Capture(server.name, name="keep")
        peer.send("/transport/play")
        time.sleep(1.0)
        server.proc.send_signal(signal.SIGKILL)
        server.proc.wait(5)
        gone(patchbay)
        assert wait_for(lambda: peer.request("/status", reply="/status.reply")[-1] == "down", 5)
        at_loss = peer.request("/transport", reply="/transport/state")[1]
        server = Jackd(name=server.name, rate=44100)
        assert wait_for(lambda: peer.request("/status", reply="/status.reply")[-1] == "up", 10), d.log()
        status = peer.request("/status", reply="/status.reply")
        assert status[0] == 44100
        cap = Capture(server.name, name="keep", connect=False)  # dawg's connections are restored
        assert wait_for(lambda: "keep:in_1" in server.lsp("-c"), 5), server.lsp("-c")
        try:
            left, _ = cap.record(1.0)
        finally:
            cap.close()
        x = np.ma.filled(left, np.nan)
        x = x[~np.isnan(x)][:32768]
        assert x.size >= 32768, "audio flows at the new rate"
        spectrum = np.abs(np.fft.rfft(x * np.hanning(x.size)))
        peak = np.argmax(spectrum)
        # Parabolic interpolation of the peak bin.
        a, b, c = np.log(spectrum[peak - 1:peak + 2])
        hz = (peak + 0.5 * (a - c) / (a - 2 * b + c)) * 44100 / x.size
        assert abs(hz - 1000) < 1, f"{hz:.2f} Hz"
        playing, seconds = peer.request("/transport", reply="/transport/state")
        assert playing == 1 and 0 < seconds - at_loss < 3
        assert "moving the engine's state to the new rate" in d.log()
    finally:
        peer.close()
        assert d.stop() == 0, d.log()
        server.stop()
