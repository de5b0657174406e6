"""Streaming under a real jackd: 32 stereo file tracks over 8 one-minute files,
looped, played for `seconds` once streamed from disk and once decoded into memory.
Prints CPU, resident memory, the least read-ahead any stream had, and underruns."""
import struct
import tempfile
import time
from pathlib import Path

import numpy as np

from helpers import Dawg, Jackd, Peer, RATE
from cpu import Window

TRACKS, FILES, FILE_SECONDS = 32, 8, 60


def rss_mb(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def write_files(project):
    for i in range(FILES):
        n = FILE_SECONDS * RATE
        t = np.arange(n) / RATE
        x = (0.2 * np.sin(2 * np.pi * 110 * (i + 1) * t) * 32767).astype("<i2")
        stereo = np.stack([x, x[::-1]], axis=1).tobytes()
        with open(project / f"s{i}.wav", "wb") as f:
            f.write(b"RIFF" + struct.pack("<I", 36 + len(stereo)) + b"WAVE")
            f.write(b"fmt " + struct.pack("<IHHIIHH", 16, 1, 2, RATE, 4 * RATE, 4, 16))
            f.write(b"data" + struct.pack("<I", len(stereo)) + stereo)


def run(project, seconds, threshold, period=128):
    server = Jackd(period=period, realtime=True)
    d = Dawg(server.name, project, extra=("--stream-threshold", str(threshold)))
    p = Peer(d.osc_port)
    try:
        base = rss_mb(d.proc.pid)
        for k in range(TRACKS):
            t, _ = p.request("/track/add", f"t{k}", reply="/track/added")
            p.send(f"/track/{t}/load", f"s{k % FILES}.wav", float(k % 4))
            assert p.expect("/done", 60)
        p.send("/transport/loop", 1.0, float(FILE_SECONDS - 1))
        p.send("/transport/locate", 0.0)
        p.send("/transport/play")
        time.sleep(2)
        p.request("/stream/stats", 1, reply="/stream/stats.reply")
        w = Window(d.proc.pid)
        time.sleep(seconds)
        cpu = w.percent()
        streams, lowest, starved = p.request("/stream/stats", reply="/stream/stats.reply")
        return {"cpu": cpu, "rss": rss_mb(d.proc.pid) - base, "streams": streams, "lowest": lowest, "starved": starved}
    finally:
        p.close()
        d.stop()
        server.stop()


def report(seconds):
    project = Path(tempfile.mkdtemp(prefix="dawg-stream-bench-"))
    write_files(project)
    print(f"{TRACKS} stereo file tracks over {FILES} one-minute files, looped, 128 frames, {seconds:.0f} s:")
    for name, threshold in (("streamed from disk", 10), ("decoded into memory", 1000)):
        r = run(project, seconds, threshold)
        margin = f"least read-ahead {r['lowest']:.2f} s, {r['starved']} frames of silence" if r["streams"] else "no streams"
        print(f"  {name:20s} CPU {r['cpu']:5.2f} % of a core, memory +{r['rss']:6.1f} MB; {r['streams']} streams, {margin}", flush=True)
