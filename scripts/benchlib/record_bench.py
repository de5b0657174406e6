"""The recorder under a real jackd: 32 inputs fed counters by one JACK client,
recorded by dawg for `seconds`, then by jack_capture from the same ports for as long.
Prints both processes' CPU, dawg's worst ring fill and callback figures, and checks
every take sample by sample."""
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import soundfile as sf

from cpu import Window, thread_times
from helpers import Dawg, Jackd, Peer, RATE
from test_recorder import WRAP, frames_of, takes

CHANNELS = 32
HERE = Path(__file__).resolve().parent


class FillWatcher:
    """A feedback subscriber that keeps the fullest `/record/fill` it sees."""

    def __init__(self, port):
        self.peer = Peer(port)
        self.peer.request("/feedback/subscribe", 20.0, reply="/feedback/subscribed")
        self.worst, self.samples, self.running = 0.0, 0, True
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        while self.running:
            for address, args in self.peer._read(0.2):
                if address == "/record/fill":
                    self.worst = max(self.worst, args[1])
                    self.samples += 1

    def close(self):
        self.running = False
        self.thread.join(2)
        self.peer.close()


def record_run(seconds, period=256):
    server = Jackd(period=period, realtime=True)
    project = Path(tempfile.mkdtemp(prefix="dawg-record-bench-"))
    result = {}
    src = None
    try:
        d = Dawg(server.name, project, inputs=CHANNELS)
        p = Peer(d.osc_port)
        # The source in C, connecting to dawg's inputs (so after dawg): a Python source
        # is late now and then on this VM, and JACK then hands every client one period
        # twice and skips the next, which is no recorder's doing.
        binary = project / "counter_client"
        subprocess.run(["gcc", "-O2", "-o", str(binary), str(HERE / "counter_client.c"), "-ljack"], check=True)
        src = subprocess.Popen([str(binary), server.name, str(CHANNELS)], stdout=subprocess.PIPE, text=True)
        assert src.stdout.readline().strip() == "ready"
        try:
            for c in range(CHANNELS):
                t, _ = p.request("/track/add", f"in{c + 1}", reply="/track/added")
                p.send(f"/track/{t}/input", c + 1)
                p.send(f"/track/{t}/arm", 1)
            p.sync()
            watcher = FillWatcher(d.osc_port)
            time.sleep(1)
            # Armed but not recording: what mixing the 32 inputs costs on its own.
            w = Window(d.proc.pid)
            time.sleep(min(30, seconds))
            result["idle_cpu"] = w.percent()
            p.request("/stats/reset", reply="/stats/reset.done")
            w = Window(d.proc.pid)
            p.send("/record/start")
            time.sleep(seconds)
            p.send("/record/stop")
            result["dawg_cpu"] = w.percent()
            stats = p.request("/stats", reply="/stats.reply")
            result.update(p99=stats[2], worst=stats[3], xruns=stats[4], late=stats[9], lost=stats[10])
            watcher.close()
            result["fill"], result["fill_samples"] = watcher.worst, watcher.samples
            deadline = time.time() + 60
            while any(r["state"] != "complete" for r in takes(project)) or len(takes(project)) < CHANNELS:
                assert time.time() < deadline, "takes did not close"
                time.sleep(0.5)
        finally:
            p.close()
            d.stop()
        # Every track's takes, end to end, are the counter unbroken: no frame lost or
        # altered. (A transport jump, JACK's or another client's, starts new takes on
        # every track at once; the takes say where each belongs.)
        rows = takes(project)
        by_track = {}
        for row in rows:
            by_track.setdefault(row["track"], []).append(row)
        assert len(by_track) == CHANNELS
        shapes = {tuple((r["timeline_frame"], r["length_frames"]) for r in group) for group in by_track.values()}
        assert len(shapes) == 1, "every track's takes begin and end together"
        result["takes"] = len(rows) // CHANNELS
        result["frames"] = sum(r["length_frames"] for r in next(iter(by_track.values())))
        for group in by_track.values():
            x = np.concatenate([sf.read(project / r["file"], dtype="float32")[0] for r in group])
            assert len(x) == result["frames"]
            k = frames_of(x)
            result["breaks"] = result.get("breaks", 0) + int(np.count_nonzero(np.diff(k) % WRAP != 1))
            for r in group:
                (project / r["file"]).unlink()
        # The same 32 ports for as long, recorded by jack_capture (one 32-channel file).
        out = project / "jack_capture.wav"
        args = ["jack_capture", "--daemon", "-c", str(CHANNELS), "-b", "FLOAT", "-d", str(seconds)]
        for c in range(CHANNELS):
            args += ["-p", f"counters:out_{c + 1}"]
        jc = subprocess.Popen(args + [str(out)], env={"JACK_DEFAULT_SERVER": server.name, "PATH": "/usr/bin:/bin"})
        time.sleep(0.5)
        w = Window(jc.pid)
        last = w.start
        while jc.poll() is None:
            try:
                now = thread_times(jc.pid)  # its last full reading before it exits
            except FileNotFoundError:
                break
            if sum(now.values()) >= sum(last.values()):
                last = now
            time.sleep(0.1)
        result["capture_cpu"] = w.percent(last)
        info = sf.info(out)
        result["capture_frames"] = info.frames
        out.unlink()
    finally:
        if src:
            src.kill()
        server.stop()
    return result


def report(seconds, period=256):
    r = record_run(seconds, period)
    print(f"recording {CHANNELS} inputs at {RATE} Hz, {period} frames, {seconds:.0f} s, fed counters by one JACK client:")
    print(f"  dawg:         CPU {r['dawg_cpu']:.2f} % of a core ({r['idle_cpu']:.2f} % armed and mixing the inputs, not recording); worst ring fill {r['fill']:.1f} % (target ≤ 50 %, "
          f"{r['fill_samples']} readings at 20 Hz); {r['lost']} frames lost; callback p99 {r['p99']:.0f} µs, max "
          f"{r['worst']:.0f} µs; {r['xruns']} xruns, {r['late']} late cycles; {r['frames']} frames per input in "
          f"{r['takes']} take(s) each; every sample checked: {r['breaks']} breaks in the counters", flush=True)
    print(f"  jack_capture: CPU {r['capture_cpu']:.2f} % of a core ({r['capture_frames']} frames in one {CHANNELS}-channel file)", flush=True)
