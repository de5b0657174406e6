"""The engine outlives its JACK server: jackd killed with SIGKILL, dawg keeps its state
and answers OSC (audio down), commands sent meanwhile still take effect, and when a
server of the same name is back dawg is on it again — ports, the connections a
patchbay client had (made when that client comes back too), the transport rolling on
from where it stopped — heard by a real JACK client."""
import json
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

import tempfile
from pathlib import Path

import numpy as np

from helpers import RATE, Dawg, Jackd, Peer, counter, frames_of, wait_for, write_wav

HERE = Path(__file__).resolve().parent


class Patchbay:
    """A client named `keep` with two inputs, in a process of its own, connected to
    dawg's outputs from outside dawg. Its own process, because a process that had a
    client on a server killed under it cannot rely on libjack afterwards (new clients
    may never be called, and the dead one's close can crash it)."""

    def __init__(self, server):
        code = (f"import jack, sys, time; c = jack.Client('keep', servername='{server}', no_start_server=True); "
                "[c.inports.register(f'in_{i}') for i in range(2)]; c.activate(); "
                "c.connect('dawg:out_L', 'keep:in_0'); c.connect('dawg:out_R', 'keep:in_1'); print('ready', flush=True); time.sleep(3600)")
        self.proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        assert self.proc.stdout.readline().strip() == "ready"

    def close(self):
        self.proc.kill()
        self.proc.wait(5)


class KeepCapture:
    """The patchbay client `keep` coming back: a `Capture` named `keep` whose ports dawg
    connects when they appear, in a process of its own for the same reason as
    `Patchbay` (a test process that once had a client on a killed server has seen its
    next clients never called)."""

    SCRIPT = """
import sys, numpy as np
sys.path.insert(0, sys.argv[4])
from helpers import Capture
cap = Capture(sys.argv[1], name="keep", connect=sys.argv[5] == "1")
print("ready", flush=True)
sys.stdin.readline()
left, right = cap.record(float(sys.argv[2]))
np.save(sys.argv[3], np.stack([np.ma.filled(left, np.nan), np.ma.filled(right, np.nan)]))
cap.close()
print(f"done {cap.calls} {cap.skipped}", flush=True)
"""

    def __init__(self, server, connect=False):
        """`connect`: the capture connects dawg's outputs itself (else dawg does)."""
        self.out = Path(tempfile.mkdtemp()) / "keep.npy"
        self.server = server
        self.connect = connect
        self.proc = None

    def start(self, seconds):
        self.proc = subprocess.Popen([sys.executable, "-c", self.SCRIPT, self.server, str(seconds), str(self.out), str(HERE),
                                      "1" if self.connect else "0"],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        assert self.proc.stdout.readline().strip() == "ready"

    def record(self):
        """Left and right from the first cycle recorded, masked where it heard nothing."""
        self.proc.stdin.write("go\n")
        self.proc.stdin.flush()
        done, calls, skipped = self.proc.stdout.readline().split()
        assert done == "done"
        self.calls, self.skipped = int(calls), int(skipped)
        data = np.load(self.out)
        return tuple(np.ma.masked_invalid(c) for c in data)

    def close(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(5)


def connected(server, source, destination):
    """Whether `jack_lsp -c` lists `destination` under `source`."""
    lines = server.lsp("-c").splitlines()
    if source not in lines:
        return False
    below = []
    for line in lines[lines.index(source) + 1:]:
        if not line.startswith((" ", "\t")):
            break
        below.append(line.strip())
    return destination in below


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
        outside = Patchbay(server.name)
        assert wait_for(lambda: "keep:in_1" in server.lsp("-c"), 5)
        watcher.request("/feedback/subscribe", reply="/feedback/subscribed")
        peer.send("/transport/play")
        time.sleep(1.0)
        assert peer.request("/status", reply="/status.reply")[-1] == "up"

        before_kill = peer.request("/transport", reply="/transport/state")[1]
        server.proc.send_signal(signal.SIGKILL)
        server.proc.wait(5)
        outside.close()
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
        patchbay = KeepCapture(server.name)
        patchbay.start(1.0)
        assert wait_for(lambda: connected(server, "dawg:out_R", "keep:in_1"), 5), server.lsp("-c")
        left, right = patchbay.record()
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
        code = d.stop()
        server.stop()
        assert code == 0, d.log()


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
        assert d.stop() == 0, d.log()  # its jackd with it


def test_a_server_back_at_another_rate_plays_files_at_their_pitch(project):
    """A 1 kHz file made at 48 kHz: after the server comes back at 44.1 kHz and 512
    frames it still sounds at 1 kHz (decoded again at the new rate), from the same
    second."""
    write_wav(project / "tone.wav", [0.5 * np.sin(2 * np.pi * 1000 * np.arange(RATE * 15) / RATE).astype(np.float32)])
    server = Jackd()
    d = Dawg(server.name, project)
    peer = Peer(d.osc_port)
    try:
        t, _ = peer.request("/track/add", "tone", reply="/track/added")
        peer.send(f"/track/{t}/load", "tone.wav")
        assert peer.expect("/done", 10)
        outside = Patchbay(server.name)
        peer.send("/transport/play")
        time.sleep(1.0)
        server.proc.send_signal(signal.SIGKILL)
        server.proc.wait(5)
        outside.close()
        assert wait_for(lambda: peer.request("/status", reply="/status.reply")[-1] == "down", 5)
        at_loss = peer.request("/transport", reply="/transport/state")[1]
        server = Jackd(name=server.name, rate=44100, period=512)
        assert wait_for(lambda: peer.request("/status", reply="/status.reply")[-1] == "up", 10), d.log()
        status = peer.request("/status", reply="/status.reply")
        assert status[:2] == [44100, 512]
        # dawg's connections are restored. Now and then jackd2 never calls a client that
        # appears just after dawg moved to the new rate, while dawg's own cycles run (its
        # /stats count shows them): such a capture is tried once more, as a new client
        # that connects itself (dawg has seen the first one go, and forgets it).
        for attempt in range(2):
            cap = KeepCapture(server.name, connect=attempt > 0)
            try:
                cap.start(1.0)
                assert wait_for(lambda: connected(server, "dawg:out_L", "keep:in_0"), 5), server.lsp("-c")
                before = peer.request("/stats", reply="/stats.reply")[0]
                left, _ = cap.record()
                after = peer.request("/stats", reply="/stats.reply")[0]
            finally:
                cap.close()
            if cap.calls > 0 or after == before:
                break
            assert wait_for(lambda: "keep:in_1" not in server.lsp(), 5)
        x = np.ma.filled(left, np.nan)
        x = x[~np.isnan(x)][:32768]
        connections = server.lsp("-c")
        assert x.size >= 32768, f"audio flows at the new rate ({cap.calls} callbacks, {cap.skipped} not vouched for; dawg {before} → {after})\n{d.log()[-1500:]}\n{connections}"
        state = peer.request("/transport", reply="/transport/state")
        assert np.max(np.abs(x)) > 0.1, f"the tone is heard ({cap.calls} callbacks, attempt {attempt}, transport {state}, at loss {at_loss})\n{d.log()[-1500:]}"
        spectrum = np.abs(np.fft.rfft(x * np.hanning(x.size)))
        peak = np.argmax(spectrum)
        # Parabolic interpolation of the peak bin.
        a, b, c = np.log(spectrum[peak - 1:peak + 2])
        hz = (peak + 0.5 * (a - c) / (a - 2 * b + c)) * 44100 / x.size
        assert abs(hz - 1000) < 1, f"{hz:.2f} Hz"
        playing, seconds = peer.request("/transport", reply="/transport/state")
        assert playing == 1 and 0 < seconds - at_loss < 6
        assert "moving the engine's state to the new rate" in d.log()
    finally:
        peer.close()
        code = d.stop()
        server.stop()
        assert code == 0, d.log()


def test_a_client_jack_stops_calling_is_opened_again(project):
    """jackd frozen (SIGSTOP) for four seconds: the engine is not called, so after three
    seconds of that dawg gives its client up; once jackd goes on, dawg is on it again."""
    server = Jackd()
    d = Dawg(server.name, project)
    peer = Peer(d.osc_port)
    try:
        server.proc.send_signal(signal.SIGSTOP)
        time.sleep(4.5)
        server.proc.send_signal(signal.SIGCONT)
        assert wait_for(lambda: "reconnected to JACK" in d.log(), 10), d.log()
        assert "has not called the engine" in d.log()
        assert wait_for(lambda: peer.request("/status", reply="/status.reply")[-1] == "up", 5)
        before = peer.request("/stats", reply="/stats.reply")[0]
        time.sleep(0.5)
        assert peer.request("/stats", reply="/stats.reply")[0] > before, "called again"
    finally:
        server.proc.send_signal(signal.SIGCONT)
        peer.close()
        code = d.stop()
        server.stop()
        assert code == 0, d.log()
