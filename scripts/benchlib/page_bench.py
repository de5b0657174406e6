#!/usr/bin/env python3
"""The studio page's costs under a real jackd (dummy backend, 256 frames, realtime).

1. Round trip: a gain command → the engine's change → its echo back to a subscribed
   client, over the WebSocket (JSON, as the page sends it) and over OSC/UDP, turn
   about in one run: p50, p99 and max.
2. Fan-out: dawg's own CPU time (from /proc) while 20 pages are subscribed at 60 Hz
   over the WebSocket, beside 20 OSC/UDP subscribers at 60 Hz and beside nobody
   subscribed, with a patch of 8 playing tracks, a bus and the master (10 meters,
   the master's loudness and the position at every tick). Every page must read all it
   is sent for the figure to count: the bench checks each page's message rate.
3. The floor under it, on the same machine in the same run: a plain C sender
   (fanout_floor.c) writing frames of the same size to as many loopback TCP readers
   at 60 Hz, and nothing else — the kernel's share that no server can avoid.

    python page_bench.py [--trials 2000] [--seconds 20] [--pages 20]
"""
import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import websockets

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "Tests" / "integration"))
from helpers import Dawg, Jackd, Peer, RATE, build, noise_signal, write_wav  # noqa: E402
from pythonosc.osc_packet import OscPacket  # noqa: E402


def cpu_seconds(pid):
    """The process's user and system CPU seconds (from /proc/<pid>/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def thread_seconds(pid):
    """CPU seconds of each of dawg's threads, by name (summed over threads of a name)."""
    out = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            stat = Path(f"/proc/{pid}/task/{tid}/stat").read_text()
        except FileNotFoundError:
            continue
        name = stat[stat.index("(") + 1:stat.rindex(")")]
        fields = stat.rsplit(")", 1)[1].split()
        out[name] = out.get(name, 0) + (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return out


def busiest(before, after, seconds, n=5):
    d = sorted(((after[k] - before.get(k, 0)) / seconds, k) for k in after)[::-1][:n]
    return ", ".join(f"{name} {100 * x:.2f} %" for x, name in d if x > 0)


# The threads whose work fan-out is: the feedback thread and the HTTP event loops
# (with the kernel's loopback delivery of what they send). The rest of dawg (the JACK
# cycle, the disk readers, the pitch feed) does the same work whoever listens; left out
# of this column, its noise from window to window is too.
FANOUT = ("dawg.feedback", "NIO-")


def fanout_share(before, after, seconds):
    return sum(after[k] - before.get(k, 0) for k in after if k.startswith(FANOUT)) / seconds


def percentiles(xs):
    a = np.array(xs) * 1000
    return f"p50 {np.percentile(a, 50):.2f} ms, p99 {np.percentile(a, 99):.2f} ms, max {a.max():.2f} ms"


async def round_trips(dawg, trials):
    """Alternating WebSocket and UDP trials; each waits for its own echo."""
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind(("127.0.0.1", 0))
    udp.setblocking(False)
    target = ("127.0.0.1", dawg.osc_port)
    loop = asyncio.get_running_loop()
    udp.sendto(build("/feedback/subscribe", [1.0]).dgram, target)
    async with websockets.connect(f"ws://127.0.0.1:{dawg.http_port}/ws", max_size=None) as ws:
        await ws.send(json.dumps({"address": "/feedback/subscribe", "args": [1]}))
        await asyncio.sleep(0.5)
        ws_times, udp_times = [], []
        for i in range(trials):
            gain = round(-20 + (i % 200) * 0.1, 1)
            # WebSocket
            t0 = time.perf_counter()
            await ws.send(json.dumps({"address": "/strip/1/gain", "args": [gain]}))
            done = False
            while not done:
                data = json.loads(await ws.recv())
                for m in data if isinstance(data, list) else [data]:
                    if m.get("address") == "/strip/1/gain" and abs(m["args"][0] - gain) < 1e-4:
                        ws_times.append(time.perf_counter() - t0)
                        done = True
            gain = round(gain - 0.05, 2)
            # OSC over UDP
            t0 = time.perf_counter()
            udp.sendto(build("/strip/1/gain", [float(gain)]).dgram, target)
            done = False
            while not done:
                data = await loop.sock_recv(udp, 65536)
                for p in OscPacket(data).messages:
                    if p.message.address == "/strip/1/gain" and abs(p.message.params[0] - gain) < 1e-4:
                        udp_times.append(time.perf_counter() - t0)
                        done = True
        # The WebSocket page also got the UDP client's changes: drained as it closes.
    udp.close()
    return ws_times, udp_times


async def ws_pages(dawg, pages, seconds, rate=60):
    counts = [0] * pages
    sizes = []
    async def page(i, ready):
        async with websockets.connect(f"ws://127.0.0.1:{dawg.http_port}/ws", max_size=None) as ws:
            await ws.send(json.dumps({"address": "/feedback/subscribe", "args": [rate]}))
            ready.set_result(None) if not ready.done() else None
            while True:
                raw = await ws.recv()
                if len(sizes) < 10000:
                    sizes.append(len(raw.encode() if isinstance(raw, str) else raw))
                data = json.loads(raw)  # as a page would
                counts[i] += len(data) if isinstance(data, list) else 1
    readies = [asyncio.get_running_loop().create_future() for _ in range(pages)]
    tasks = [asyncio.create_task(page(i, readies[i])) for i in range(pages)]
    await asyncio.gather(*readies)
    await asyncio.sleep(1.0)
    before = list(counts)
    c0, t0, th0 = cpu_seconds(dawg.proc.pid), time.time(), thread_seconds(dawg.proc.pid)
    await asyncio.sleep(seconds)
    c1, t1, th1 = cpu_seconds(dawg.proc.pid), time.time(), thread_seconds(dawg.proc.pid)
    print(f"    ({pages} pages: {busiest(th0, th1, t1 - t0)})")
    got = [(a - b) / (t1 - t0) for a, b in zip(counts, before)]
    for t in tasks:
        t.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return ((c1 - c0) / (t1 - t0), fanout_share(th0, th1, t1 - t0)), got, int(np.mean(sizes))


async def floor(pages, frame_bytes, seconds, rate=60):
    """fanout_floor.c's CPU writing `frame_bytes` frames to `pages` readers here."""
    binary = Path(tempfile.gettempdir()) / "dawg-fanout-floor"
    subprocess.run(["gcc", "-O2", "-o", str(binary), str(HERE / "fanout_floor.c")], check=True)
    got = [0]
    async def reader(r, w):
        while data := await r.read(65536):
            got[0] += len(data)
        w.close()
    server = await asyncio.start_server(reader, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    proc = await asyncio.create_subprocess_exec(str(binary), str(port), str(pages), str(rate), str(frame_bytes),
                                                str(seconds), stdout=asyncio.subprocess.PIPE)
    out, _ = await proc.communicate()
    server.close()
    share, sent = out.split()
    return float(share), int(sent) / seconds / pages


def udp_pages(dawg, pages, seconds, rate=60):
    peers = [Peer(dawg.osc_port) for _ in range(pages)]
    for p in peers:
        p.send("/feedback/subscribe", float(rate))
    time.sleep(1.0)
    counts = [0] * pages
    c0, t0 = cpu_seconds(dawg.proc.pid), time.time()
    end = t0 + seconds
    while time.time() < end:
        for i, p in enumerate(peers):
            p.sock.setblocking(False)
            try:
                while True:
                    p.sock.recv(65536)
                    counts[i] += 1
            except BlockingIOError:
                pass
        time.sleep(0.005)
    c1, t1 = cpu_seconds(dawg.proc.pid), time.time()
    for p in peers:
        p.send("/feedback/unsubscribe")
        p.close()
    # OSC/UDP's sends are the OSC server's (its thread is unnamed): the whole process.
    return ((c1 - c0) / (t1 - t0), None), [c / (t1 - t0) for c in counts]


def idle(dawg, seconds):
    c0, t0, th0 = cpu_seconds(dawg.proc.pid), time.time(), thread_seconds(dawg.proc.pid)
    time.sleep(seconds)
    th1, t1 = thread_seconds(dawg.proc.pid), time.time()
    print(f"    (nobody: {busiest(th0, th1, t1 - t0)})")
    return (cpu_seconds(dawg.proc.pid) - c0) / (t1 - t0), fanout_share(th0, th1, t1 - t0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--trials", type=int, default=2000)
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--pages", type=int, default=20)
    args = ap.parse_args()
    project = Path(tempfile.mkdtemp(prefix="dawg-page-bench-"))
    write_wav(project / "noise.wav", [noise_signal(RATE * 4)])
    tracks = [{"id": i, "name": f"t{i}", "file": "noise.wav", "strip": {"gain": -12}} for i in range(1, 9)]
    patch = {"schema": "dawg.patch", "version": 1, "name": "bench", "tracks": tracks,
             "buses": [{"id": 9, "name": "room", "strip": {"reverb": {"on": True}}}],
             "transport": {"loop": True, "loopStart": 0, "loopEnd": 4, "play": True}}
    (project / "bench.json").write_text(json.dumps(patch))
    jackd = Jackd()
    dawg = Dawg(jackd.name, project, patch=project / "bench.json", extra=["--log-level", "warning"])
    try:
        ws_t, udp_t = asyncio.run(round_trips(dawg, args.trials))
        print(f"round trip, gain command → engine → echo ({args.trials} each, alternating):")
        print(f"  WebSocket (JSON): {percentiles(ws_t)}")
        print(f"  OSC over UDP:     {percentiles(udp_t)}")
        base = idle(dawg, args.seconds)
        one_cpu, _, _ = asyncio.run(ws_pages(dawg, 1, args.seconds))
        ws_cpu, ws_rates, frame_bytes = asyncio.run(ws_pages(dawg, args.pages, args.seconds))
        base2 = idle(dawg, args.seconds)
        udp_cpu, udp_rates = udp_pages(dawg, args.pages, args.seconds)
        nobody = ((base[0] + base2[0]) / 2, (base[1] + base2[1]) / 2)  # before and after the pages

        def row(label, c, extra=""):
            threads = f"{100 * c[1]:5.2f} % (+{100 * (c[1] - nobody[1]):.2f} %)" if c[1] is not None else " " * 16
            print(f"  {label:<32} {100 * c[0]:5.2f} % (+{100 * (c[0] - nobody[0]):.2f} %)   {threads}{extra}")
        print(f"fan-out, dawg's CPU over {args.seconds:.0f} s windows (8 tracks playing, a bus, the master), % of one core:")
        print("  the whole process, and its feedback thread and event loops alone (the kernel's loopback")
        print("  delivery of every packet to its reader is counted in the sender's time)")
        row("nobody subscribed", nobody)
        row("1 WebSocket page at 60 Hz", one_cpu)
        row(f"{args.pages} WebSocket pages at 60 Hz", ws_cpu, f", each page read {min(ws_rates):.0f} … {max(ws_rates):.0f} messages/s")
        row(f"{args.pages} OSC/UDP subscribers at 60 Hz", udp_cpu, f", each read {min(udp_rates):.0f} … {max(udp_rates):.0f} packets/s")
        floor_cpu, floor_rate = asyncio.run(floor(args.pages, frame_bytes, args.seconds))
        print(f"  the floor: plain C writing {frame_bytes}-byte frames to {args.pages} loopback TCP readers at 60 Hz"
              f" ({floor_rate:.0f} frames/s each): {100 * floor_cpu:.2f} % of a core")
        print(f"  dawg's {args.pages} pages above the floor: {100 * (ws_cpu[1] - nobody[1] - floor_cpu):+.2f} % (feedback thread and event loops)")
    finally:
        dawg.stop()
        jackd.stop()


if __name__ == "__main__":
    main()
