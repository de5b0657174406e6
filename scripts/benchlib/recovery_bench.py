"""Recovery after jackd dies: dawg plays a file; jackd is killed with SIGKILL; a new
jackd of the same name is started. Printed: how long dawg took to notice (its
/status says down), and — from the moment the new server accepts clients — how long
until the audio flows again into a patchbay client that dawg itself reconnects to.

    .venv/bin/python scripts/benchlib/recovery_bench.py [--trials 10]
"""
import argparse
import os
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

import jack
import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "Tests" / "integration"))
from helpers import RATE, Dawg, Jackd, Peer, write_wav  # noqa: E402


class FirstSound:
    """A JACK client named `name` whose input notes the wall time of the first cycle
    that carries a sample above 0.1."""

    def __init__(self, server, name):
        self.heard_at = None
        self.client = jack.Client(name, servername=server, no_start_server=True)
        self.port = self.client.inports.register("in_0")

        @self.client.set_process_callback
        def process(frames):
            if self.heard_at is None and np.max(np.abs(self.port.get_array())) > 0.1:
                self.heard_at = time.monotonic()

        self.client.activate()

    def close(self):
        self.client.deactivate()
        self.client.close()


def wait_until(predicate, timeout, step=0.002):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return time.monotonic()
        time.sleep(step)
    return None


def trial(project):
    server = Jackd()
    d = Dawg(server.name, project)
    peer = Peer(d.osc_port)
    listener = None
    try:
        t, _ = peer.request("/track/add", "dc", reply="/track/added")
        peer.send(f"/track/{t}/load", "dc.wav")
        assert peer.expect("/done", 10)
        peer.send("/transport/loop", 0.0, 10.0)
        listener = FirstSound(server.name, "keep")
        listener.client.connect("dawg:out_L", "keep:in_0")
        peer.send("/transport/play")
        assert wait_until(lambda: listener.heard_at is not None, 5), "no sound before the kill"
        killed = time.monotonic()
        server.proc.send_signal(signal.SIGKILL)
        server.proc.wait(5)
        listener.client.close()  # now: libjack does not survive closing it after new clients open
        listener = None
        noticed = wait_until(lambda: peer.request("/status", reply="/status.reply")[-1] == "down", 10)
        server = Jackd(name=server.name)  # returns once jack_lsp answers
        ready = time.monotonic()
        listener = FirstSound(server.name, "keep")
        sounding = wait_until(lambda: listener.heard_at is not None, 15)
        return (noticed - killed if noticed else float("nan"),
                listener.heard_at - ready if sounding else float("nan"))
    finally:
        if listener:
            listener.close()
        peer.close()
        d.stop()
        server.stop()


def main():
    # libjack's own complaints about the server it just lost are expected here.
    jack.set_error_function(lambda message: None)
    jack.set_info_function(lambda message: None)
    ap = argparse.ArgumentParser()
    ap.add_argument("--trials", type=int, default=10)
    args = ap.parse_args()
    if "DAWG_BIN" not in os.environ:
        os.environ["DAWG_BIN"] = str(HERE.parents[1] / ".build/release/dawg")
    project = Path(tempfile.mkdtemp(prefix="dawg-recovery-"))
    write_wav(project / "dc.wav", [np.full(RATE * 10, 0.5, dtype=np.float32)])
    notice, back = [], []
    for i in range(args.trials):
        n, b = trial(project)
        notice.append(n)
        back.append(b)
        print(f"  trial {i + 1}: noticed the kill after {n * 1000:.0f} ms; sound again {b * 1000:.0f} ms after the new jackd was up", flush=True)

    def line(name, xs):
        xs = [x for x in xs if x == x]
        return f"{name}: p50 {statistics.median(xs) * 1000:.0f} ms, max {max(xs) * 1000:.0f} ms ({len(xs)} of {args.trials} trials)"

    print("jackd killed with SIGKILL, a new jackd started (dummy, 48 kHz, 256 frames):")
    print("  " + line("kill → /status says down", notice))
    print("  " + line("new jackd up → dawg's audio heard again by a client it reconnected", back))


if __name__ == "__main__":
    main()
