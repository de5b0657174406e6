#!/usr/bin/env python3
"""JACK-side figures for dawg, with SuperCollider's scsynth doing the same work on
the same kind of server for comparison. Each run gets its own private dummy jackd
with realtime scheduling (-R), as an audio machine would run it.

  CPU     % of one core used by the process over the run (all its threads' on-CPU
          nanoseconds, /proc/<pid>/task/*/schedstat)
  cb      dawg's process-callback duration percentiles, from its /stats
  xruns   reported by JACK during the run
  late    cycles dawg itself finished after their period, or never ran: its own share
          of the xruns (the rest come from the server's or the machine's scheduling)
  wake    how long after the server's cycle start dawg's callback began
  latency OSC command sent → first output sample carrying the change, in JACK frame
          time (so the measuring client's own scheduling does not count)
  storm   late cycles while the integration test's storm of refused OSC requests
          arrives from another process, against the same storm aimed at a UDP echo
          peer instead of dawg
  record  32 inputs recorded for --record-seconds: CPU, worst ring fill, frames lost,
          every take checked sample by sample; jack_capture on the same ports beside it
  stream  32 looped stereo file tracks streamed from disk, then decoded into memory:
          CPU, memory, the least read-ahead, underruns
"""
import argparse
import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import jack
import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "Tests" / "integration"))
from helpers import Dawg, Jackd, Peer, free_port, send_from_another_process, write_wav, RATE  # noqa: E402
from test_bad_input import storm_datagrams  # noqa: E402
from scsynth_def import synthdef  # noqa: E402
import record_bench  # noqa: E402
from cpu import cpu_over  # noqa: E402
import stream_bench  # noqa: E402

FILES = 8
TICK = os.sysconf("SC_CLK_TCK")


def make_audio(project, seconds=10):
    t = np.arange(RATE * seconds) / RATE
    rng = np.random.default_rng(3)
    for i in range(FILES):
        tone = 0.2 * np.sin(2 * np.pi * (110 * (i + 1)) * t) + 0.02 * rng.standard_normal(t.size)
        write_wav(project / f"f{i}.wav", [tone.astype(np.float32)])


# The 5-band EQ and compressor of the "eqcomp" runs, the same settings in dawg and in
# scsynth: (kind, frequency Hz, Q, gain dB), then threshold dB, ratio, attack and
# release ms.
EQ = [("lowshelf", 120, 0.7, 3), ("peak1", 250, 1, -2), ("peak2", 800, 1, 2), ("peak3", 2500, 1, -2), ("highshelf", 10000, 0.7, 3)]
COMP = {"threshold": -24, "ratio": 4, "attack": 10, "release": 100}


def write_patch(project, tracks, inputs=False, eqcomp=False):
    """bench.json: `tracks` looped file tracks (or input tracks), playing."""
    def strip(i):
        s = {"gain": -18, "pan": ((i % 9) - 4) / 4}
        if eqcomp:
            s["eq"] = {"on": True, "bands": {b: {"freq": f, "q": q, "gain": g, "on": 1} for b, f, q, g in EQ}}
            s["comp"] = dict(COMP, on=True, knee=0, detect="peak")
        return s
    patch = {"schema": "dawg.patch", "version": 1, "name": f"bench{tracks}",
             "transport": {"loop": True, "loopStart": 0, "loopEnd": 10, "play": True},
             "tracks": [dict({"id": i + 1, "name": f"t{i}", "strip": strip(i)},
                             **({"input": i + 1} if inputs else {"file": f"f{i % FILES}.wav"})) for i in range(tracks)]}
    (project / "bench.json").write_text(json.dumps(patch))


@contextlib.contextmanager
def playing_dawg(project, period, tracks, inputs=False, eqcomp=False):
    """(dawg, a peer) on a private realtime server, `tracks` looped file tracks (or
    input tracks) playing for 2 s already."""
    write_patch(project, tracks, inputs, eqcomp)
    server = Jackd(period=period, realtime=True)
    d = Dawg(server.name, project, patch="bench.json", inputs=tracks if inputs else 2)
    p = Peer(d.osc_port)
    try:
        time.sleep(2)
        yield d, p
    finally:
        p.close()
        d.stop()
        server.stop()


def dawg_run(project, period, tracks, seconds, window=None, inputs=False, eqcomp=False):
    """dawg playing `tracks` looped file tracks (or input tracks). `window`, if given,
    is entered for exactly the measured span (the soak's side-by-side baseline)."""
    with playing_dawg(project, period, tracks, inputs, eqcomp) as (d, p):
        with window or contextlib.nullcontext():
            p.request("/stats/reset", reply="/stats/reset.done")
            cpu = cpu_over(d.proc.pid, seconds)
            count, p50, p99, worst, xruns, load, wake99, wake_max, finish_max, late = p.request("/stats", reply="/stats.reply")[:10]
        return {"cpu": cpu, "p50": p50, "p99": p99, "max": worst, "xruns": xruns, "callbacks": count, "dsp": load,
                "wake_p99": wake99, "wake_max": wake_max, "finish_max": finish_max, "late": late}


def scsynth_run(project, period, tracks, seconds, eqcomp=False):
    server = Jackd(period=period, realtime=True)
    port = free_port()
    env = dict(os.environ, JACK_DEFAULT_SERVER=server.name, SC_JACK_DEFAULT_OUTPUTS="system:playback_1,system:playback_2")
    sc = subprocess.Popen(["scsynth", "-u", str(port), "-B", "127.0.0.1", "-i", "0", "-o", "2", "-R", "0",
                           "-b", "1024", "-n", "4096", "-z", "64"],
                          env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        for line in sc.stdout:
            if "server ready" in line:
                break
        p = Peer(port)
        p.send("/d_recv", synthdef(EQ, COMP) if eqcomp else synthdef(), types=["b"])
        p.expect("/done", 10)
        for i in range(FILES):
            p.send("/b_allocRead", i, str(project / f"f{i}.wav"))
            p.expect("/done", 10)
        amp = 10 ** (-18 / 20)
        for i in range(tracks):
            p.send("/s_new", "dawgbench", 1000 + i, 0, 0, "buf", i % FILES, "amp", amp, "pan", ((i % 9) - 4) / 4)
        time.sleep(2)
        ugens, synths = p.request("/status", reply="/status.reply")[1:3]
        assert synths == tracks, (synths, tracks)
        cpu = cpu_over(sc.pid, seconds)
        avg, peak = p.request("/status", reply="/status.reply")[5:7]
        p.close()
        return {"cpu": cpu, "sc_avg": avg, "sc_peak": peak, "ugens": ugens}
    finally:
        sc.terminate()
        sc.wait(10)
        server.stop()


def c_mixer_run(project, period, tracks, seconds, inputs=False):
    """The plain C client (scripts/benchlib/c_mixer.c) doing dawg's mix, on a private
    realtime server like dawg's."""
    binary = Path(tempfile.mkdtemp(prefix="dawg-cmix-")) / "c_mixer"
    subprocess.run(["gcc", "-O2", "-o", str(binary), str(HERE / "c_mixer.c"), "-ljack", "-lsndfile", "-lm"], check=True)
    server = Jackd(period=period, realtime=True)
    args = [str(binary), server.name, "inputs" if inputs else "files", str(tracks)]
    if not inputs:
        args += [str(project / f"f{i}.wav") for i in range(FILES)]
    client = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
    try:
        assert client.stdout.readline().strip() == "ready"
        time.sleep(2)
        return cpu_over(client.pid, seconds)
    finally:
        client.terminate()
        client.wait(10)
        server.stop()


def latency_run(project, period, trials):
    write_wav(project / "dc.wav", [np.full(RATE * 30, 0.5, dtype=np.float32)])
    server = Jackd(period=period, realtime=True)
    d = Dawg(server.name, project)
    p = Peer(d.osc_port)
    client = jack.Client("latency-probe", servername=server.name, no_start_server=True)
    port = client.inports.register("in")
    state = {"armed": False, "frame": None}

    @client.set_process_callback
    def process(frames):
        if state["armed"] and np.any(port.get_array()):
            state["frame"] = client.last_frame_time
            state["armed"] = False

    client.activate()
    client.connect("dawg:out_L", port)
    try:
        t, _ = p.request("/track/add", "dc", reply="/track/added")
        p.send(f"/track/{t}/load", "dc.wav")
        p.expect("/done", 10)
        p.send("/transport/play")
        results = []
        for _ in range(trials):
            p.send(f"/strip/{t}/gain", float("-inf"))
            time.sleep(0.04)                       # the 10 ms fade and a margin
            state["frame"], state["armed"] = None, True
            sent = client.frame_time
            p.send(f"/strip/{t}/gain", 0.0)
            deadline = time.time() + 1
            while state["frame"] is None and time.time() < deadline:
                time.sleep(0.001)
            if state["frame"] is not None:
                results.append((state["frame"] - sent) / RATE * 1000)
        return np.array(results)
    finally:
        client.deactivate()
        client.close()
        p.close()
        d.stop()
        server.stop()


ECHO = """
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[1])))
while True:
    data, peer = s.recvfrom(65536)
    s.sendto(b"/error\\0\\0,s\\0\\0" + data[:32], peer)
"""


def storm_run(project, storms, period=256):
    """dawg with 8 playing tracks while storms of refused requests arrive, each storm
    aimed in turn at dawg and at a UDP echo peer: how many late cycles are dawg's."""
    echo_port = free_port()
    echo = subprocess.Popen([sys.executable, "-c", ECHO, str(echo_port)])
    results = {"dawg": [], "echo peer": []}
    try:
        with playing_dawg(project, period, 8) as (d, p):
            bus, _ = p.request("/bus/add", "fx", reply="/bus/added")
            # The integration test's storm: every request refused (track 1, and the bus).
            storm = storm_datagrams(1, bus) * 20
            for _ in range(storms):
                for target, port in (("dawg", d.osc_port), ("echo peer", echo_port)):
                    p.request("/stats/reset", reply="/stats/reset.done")
                    t0 = time.time()
                    send_from_another_process(port, storm)
                    seconds = time.time() - t0
                    time.sleep(0.2)
                    stats = p.request("/stats", reply="/stats.reply")
                    results[target].append((stats[9], stats[4], stats[3], seconds))
        return len(storm), {k: np.array(v) for k, v in results.items()}
    finally:
        echo.kill()


class IdleBaseline:
    """The machine's own xruns over the same span as a dawg run: an idle JACK client
    (scripts/benchlib/idle_client.c) on a second realtime server with the same period,
    and the time the hypervisor took the CPUs away (steal, from /proc/stat)."""

    def __init__(self, period):
        self.period = period

    def __enter__(self):
        binary = Path(tempfile.mkdtemp(prefix="dawg-idle-")) / "idle_client"
        subprocess.run(["gcc", "-O2", "-o", str(binary), str(HERE / "idle_client.c"), "-ljack", "-lpthread"], check=True)
        self.server = Jackd(period=self.period, realtime=True)
        self.client = subprocess.Popen([str(binary), self.server.name], stdout=subprocess.PIPE, text=True)
        assert self.client.stdout.readline().strip() == "ready"
        time.sleep(1)
        self.client.send_signal(signal.SIGUSR1)
        self.steal0 = steal_seconds()
        return self

    def __exit__(self, *exc):
        self.steal = steal_seconds() - self.steal0
        self.client.terminate()
        self.xruns = int(self.client.communicate(timeout=10)[0].strip())
        self.server.stop()


def steal_seconds():
    """Time the hypervisor ran something else while this machine's CPUs wanted to run."""
    return int(Path("/proc/stat").read_text().split("\n", 1)[0].split()[8]) / TICK


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=float, default=60, help="length of each CPU run")
    ap.add_argument("--rounds", type=int, default=3, help="alternating dawg / C client rounds of the cmix part")
    ap.add_argument("--soak", type=float, default=600, help="length of the xrun soak (64 tracks, 128 frames); 0 skips it")
    ap.add_argument("--record-seconds", type=float, default=600, help="length of the 32-input recording run")
    ap.add_argument("--trials", type=int, default=300, help="latency trials")
    ap.add_argument("--storms", type=int, default=20, help="OSC storms aimed at dawg, and as many at an echo peer")
    ap.add_argument("--parts", default="cpu,scsynth,cmix,eqcomp,latency,storm,record,stream,soak",
                    help="which parts to run, comma-separated (oldnew is scripts/bench's own)")
    args = ap.parse_args()
    parts = set(args.parts.split(","))
    project = Path(tempfile.mkdtemp(prefix="dawg-bench-"))
    make_audio(project)
    print(f"JACK dummy backend, realtime (jackd -R), {RATE} Hz; {args.seconds:.0f} s per CPU run")
    if parts & {"cpu", "scsynth"}:
        print("engine   tracks period    CPU %   cb p50 µs  cb p99 µs  cb max µs  wake p99 µs  xruns  late")
    for tracks, period in ((8, 64), (32, 64), (128, 64), (128, 128), (128, 256)) if "cpu" in parts else ():
        r = dawg_run(project, period, tracks, args.seconds)
        print(f"dawg     {tracks:6d} {period:6d} {r['cpu']:8.2f} {r['p50']:11.0f} {r['p99']:10.0f} {r['max']:10.0f} "
              f"{r['wake_p99']:12.0f} {r['xruns']:6d} {r['late']:5d}", flush=True)
    for tracks, period in ((128, 64),) if "scsynth" in parts else ():
        r = scsynth_run(project, period, tracks, args.seconds)
        print(f"scsynth  {tracks:6d} {period:6d} {r['cpu']:8.2f}   (scsynth's own avg/peak load {r['sc_avg']:.1f}/{r['sc_peak']:.1f} %, {r['ugens']} UGens)", flush=True)
    if "cmix" in parts:
        print("the whole process's CPU against a plain C client doing the same mix (gain ramp → pan → master, peak and RMS meters)")
        print(f"alternating {args.rounds} times; CPU is each one's median, ratio the median of the rounds' ratios")
        print("tracks         period  dawg CPU %  C client CPU %  ratio (target ≤ 1.2)  ratios by round")
        for tracks, period, inputs in ((128, 64, False), (128, 128, False), (64, 64, True), (64, 128, True), (256, 128, True)):
            ours, theirs = [], []
            for _ in range(args.rounds):
                ours.append(dawg_run(project, period, tracks, args.seconds, inputs=inputs)["cpu"])
                theirs.append(c_mixer_run(project, period, tracks, args.seconds, inputs=inputs))
            ratios = [a / b for a, b in zip(ours, theirs)]
            kind = "inputs" if inputs else "files"
            print(f"{tracks:4d} {kind:9s} {period:6d} {np.median(ours):11.2f} {np.median(theirs):15.2f} "
                  f"{np.median(ratios):6.2f}                 {' '.join(f'{r:.2f}' for r in ratios)}", flush=True)
    if "eqcomp" in parts:
        print("128 tracks, each with a 5-band EQ and a compressor, 64 frames: dawg against scsynth doing the same work")
        r = dawg_run(project, 64, 128, args.seconds, eqcomp=True)
        print(f"dawg     CPU {r['cpu']:6.2f} %, cb p50 {r['p50']:.0f} µs, p99 {r['p99']:.0f} µs, max {r['max']:.0f} µs, "
              f"{r['xruns']} xruns, {r['late']} late", flush=True)
        r = scsynth_run(project, 64, 128, args.seconds, eqcomp=True)
        print(f"scsynth  CPU {r['cpu']:6.2f} % (its own avg/peak load {r['sc_avg']:.1f}/{r['sc_peak']:.1f} %, {r['ugens']} UGens)", flush=True)
    for period in (64, 256) if "latency" in parts else ():
        lat = latency_run(project, period, args.trials)
        budget = period / RATE * 1000 + 1
        print(f"OSC → output change at {period} frames: p50 {np.percentile(lat, 50):.2f} ms, p99 {np.percentile(lat, 99):.2f} ms, "
              f"max {lat.max():.2f} ms over {lat.size} trials (target p99 ≤ one period + 1 ms = {budget:.2f} ms)", flush=True)
    if "storm" in parts:
        size, r = storm_run(project, args.storms)
        print(f"OSC storms of {size} refused requests from another process, 8 tracks at 256 frames:")
        for target, v in r.items():
            print(f"  aimed at {target:9s}: dawg had {v[:, 0].sum():.0f} late cycles in {np.count_nonzero(v[:, 0])} of "
                  f"{len(v)} storms, {v[:, 1].sum():.0f} xruns, cb max {v[:, 2].max():.0f} µs; "
                  f"a storm took {np.median(v[:, 3]):.2f} s to send", flush=True)
    if "record" in parts:
        record_bench.report(args.record_seconds)
    if "stream" in parts:
        stream_bench.report(args.seconds)
    if args.soak > 0 and "soak" in parts:
        baseline = IdleBaseline(128)
        r = dawg_run(project, 128, 64, args.soak, window=baseline)
        print(f"soak, {args.soak:.0f} s at 128 frames ({128 / RATE * 1e6:.0f} µs period):\n"
              f"  dawg, 64 tracks:  {r['xruns']} xruns, {r['late']} late cycles of its own; CPU {r['cpu']:.2f} %, "
              f"cb p99 {r['p99']:.0f} µs, max {r['max']:.0f} µs; woke p99 {r['wake_p99']:.0f} µs, "
              f"max {r['wake_max']:.0f} µs after the cycle start; finished at most {r['finish_max']:.0f} µs after it\n"
              f"  idle client on a second server, same span: {baseline.xruns} xruns\n"
              f"  CPU time taken by the hypervisor (steal): {baseline.steal:.2f} s", flush=True)


if __name__ == "__main__":
    main()
