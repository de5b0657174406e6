#!/usr/bin/env python3
"""Live pitch latency under a real jackd (dummy backend, 256 frames, realtime): from a
note's first sample to the first answer within ±50 cents of it.

One JACK client plays notes — harmonic tone bursts and sung-like notes (pitch_set's
source-filter voice, with vibrato) in four voice ranges — into dawg's input and into
`aubiopitch -j` (aubio-tools, yinfft, 2048-sample window, 256 hop: a window long
enough for the same 50 Hz floor). An OSC subscriber stamps each `/pitch` from dawg with
JACK's frame clock as it arrives; a second JACK client records aubio's answer (a sine
at the pitch it found) and its frequency is read period by period. Latency is counted
in JACK frames from the onset sample (as the player wrote it: a sound card's capture
would add one period before it) to the first answer: dawg's message in the listener's
hands, aubio's period of output. Both trackers hear the same notes at the same time.

    python pitch_latency.py [--onsets 1000]
"""
import argparse
import sys
import tempfile
import threading
import time
from pathlib import Path

import jack
import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "Tests" / "integration"))
sys.path.insert(0, str(HERE))
from helpers import Dawg, Jackd, Peer, RATE  # noqa: E402
import subprocess  # noqa: E402
from pitch_set import RANGES, midi_hz, synth_voice  # noqa: E402

NOTE, GAP = 0.25, 0.15
PERIOD = 256


def make_notes(count, seed=11):
    """The signal and its onsets: (sample, f0, range, kind), ranges and kinds in turn."""
    rng = np.random.default_rng(seed)
    step = int((NOTE + GAP) * RATE)
    n_note = int(NOTE * RATE)
    x = np.zeros(count * step + RATE, dtype=np.float32)
    onsets = []
    names = list(RANGES)
    for i in range(count):
        rng_name = names[i % len(names)]
        low, high = RANGES[rng_name]
        f0 = float(midi_hz(rng.uniform(low, high)))
        kind = "tone" if (i // len(names)) % 2 == 0 else "sung"
        start = RATE // 2 + i * step
        t = np.arange(n_note) / RATE
        if kind == "tone":
            phase = 2 * np.pi * f0 * t
            note = sum(np.sin(k * phase) / k for k in range(1, 7)) * 0.2
            ramp = int(0.005 * RATE)
        else:
            contour = f0 * 2 ** (30 / 1200 * np.sin(2 * np.pi * 5.5 * t + rng.uniform(0, 2 * np.pi)))
            note = synth_voice(rng, contour, np.ones(n_note) * 0.8, np.full(n_note, i % 5), "full")
            ramp = int(0.02 * RATE)
        env = np.ones(n_note)
        env[:ramp] = np.linspace(0, 1, ramp)
        env[-ramp:] = np.linspace(1, 0, ramp)
        x[start:start + n_note] = (note * env).astype(np.float32)
        onsets.append((start, f0, rng_name, kind))
    return x[:onsets[-1][0] + step], onsets


class Player:
    """Plays `signal` locked to JACK's frame clock from the cycle it starts in."""

    def __init__(self, server, signal, targets):
        self.client = jack.Client("notes", servername=server, no_start_server=True)
        self.out = self.client.outports.register("out")
        self.signal, self.start = signal, None

        @self.client.set_process_callback
        def process(frames):
            now = self.client.last_frame_time
            if self.start is None:
                self.start = now
            at = now - self.start
            buf = self.out.get_array()
            chunk = self.signal[at:at + frames] if 0 <= at < len(self.signal) else ()
            buf[:len(chunk)] = chunk
            buf[len(chunk):] = 0

        self.client.activate()
        for t in targets:
            self.client.connect(self.out, t)

    def close(self):
        self.client.deactivate()
        self.client.close()


class Recorder:
    """Records a port into a buffer indexed by JACK frame from `origin()`."""

    def __init__(self, server, source, seconds, origin):
        self.client = jack.Client("answers", servername=server, no_start_server=True)
        self.inp = self.client.inports.register("in")
        self.buf = np.zeros(int(seconds * RATE), dtype=np.float32)
        self.origin = origin

        @self.client.set_process_callback
        def process(frames):
            o = self.origin()
            if o is None:
                return
            at = self.client.last_frame_time - o
            if 0 <= at and at + frames <= len(self.buf):
                self.buf[at:at + frames] = self.inp.get_array()

        self.client.activate()
        self.client.connect(source, self.inp)

    def close(self):
        self.client.deactivate()
        self.client.close()


def block_frequency(x):
    """The frequency of a sinusoid from its samples: x[n-1] + x[n+1] = 2 cos(ω) x[n]."""
    x = x.astype(np.float64)
    den = 2 * np.dot(x[1:-1], x[1:-1])
    if den < 1e-8:
        return 0.0
    c = np.clip(np.dot(x[1:-1], x[:-2] + x[2:]) / den, -1, 1)
    return float(np.arccos(c) * RATE / (2 * np.pi))


def within(hz, f0, cents=50):
    return hz > 0 and abs(1200 * np.log2(hz / f0)) <= cents


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--onsets", type=int, default=1000)
    args = ap.parse_args()
    signal, onsets = make_notes(args.onsets)
    seconds = len(signal) / RATE
    print(f"pitch latency: {len(onsets)} notes in {seconds:.0f} s, 48 kHz, {PERIOD} frames, dummy jackd -R; "
          f"dawg and aubiopitch -j (yinfft, -B 2048 -H 256) hear the same notes", flush=True)
    project = Path(tempfile.mkdtemp())
    server = Jackd(period=PERIOD, realtime=True)
    d = Dawg(server.name, project)
    aubio = subprocess.Popen(["aubiopitch", "-j", "-B", "2048", "-H", "256", "-p", "yinfft"],
                             env={"JACK_DEFAULT_SERVER": server.name, "PATH": "/usr/bin:/bin"},
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    p = Peer(d.osc_port)
    listener = Peer(d.osc_port)
    messages = []
    stop = threading.Event()
    player = recorder = clock = None
    try:
        t, _ = p.request("/track/add", "voice", reply="/track/added")
        p.send(f"/track/{t}/input", 1)
        p.send("/pitch/enable", t, 1)
        listener.request("/feedback/subscribe", reply="/feedback/subscribed")
        deadline = time.time() + 10
        while "aubio:in_1" not in server.lsp() and time.time() < deadline:
            time.sleep(0.1)
        clock = jack.Client("clock", servername=server.name, no_start_server=True)

        def listen():
            while not stop.is_set():
                got = listener._read(0.1)
                now = clock.frame_time
                messages.extend((now, a) for addr, a in got if addr == "/pitch")
        threading.Thread(target=listen, daemon=True).start()
        player = Player(server.name, signal, ["dawg:in_1", "aubio:in_1"])
        recorder = Recorder(server.name, "aubio:out_1", seconds + 2, lambda: player.start)
        done = 0
        while done < seconds + 0.5:
            time.sleep(min(10, seconds + 0.5 - done))
            done += 10
            print(f"\r  {min(100, int(100 * done / seconds))} %", end="", file=sys.stderr, flush=True)
        print(file=sys.stderr)
        stop.set()
        time.sleep(0.2)
        start = player.start
        # dawg: the first /pitch within ±50 cents, of audio at or after the onset.
        received = np.array([(m[0] - start) % 2**32 for m in messages], dtype=np.int64)
        stamp = np.array([(m[1][6] - start) % 2**32 for m in messages], dtype=np.int64)
        hz = np.array([m[1][1] for m in messages])
        results = []
        for i, (at, f0, rng_name, kind) in enumerate(onsets):
            end = at + int((NOTE + GAP) * RATE)
            sel = np.nonzero((stamp >= at) & (stamp < end) & (received >= at))[0]
            hit = next((j for j in sel if within(hz[j], f0)), None)
            dawg_ms = (received[hit] - at) / RATE * 1000 if hit is not None else None
            aubio_ms = None
            first_block = (at // PERIOD) * PERIOD
            for b in range(first_block, min(end, len(recorder.buf) - PERIOD), PERIOD):
                if b + PERIOD <= at:
                    continue
                if within(block_frequency(recorder.buf[b:b + PERIOD]), f0):
                    aubio_ms = max(0, b - at) / RATE * 1000
                    break
            results.append((rng_name, kind, f0, dawg_ms, aubio_ms))
        report(results)
    finally:
        stop.set()
        for c in (player, recorder):
            if c:
                c.close()
        if clock:
            clock.close()
        p.close()
        listener.close()
        aubio.terminate()
        d.stop()
        server.stop()


def report(results):
    def row(label, rows):
        out = f"{label:<22}{len(rows):>6}"
        for k in (3, 4):
            v = np.array([r[k] for r in rows if r[k] is not None])
            missed = sum(r[k] is None for r in rows)
            out += (f"   {np.percentile(v, 50):6.1f} {np.percentile(v, 99):6.1f} {v.max():6.1f} {missed:>5}" if len(v)
                    else "        –      –      –      –")
        print(out)
    print(f"{'':<22}{'notes':>6}   {'dawg ms: p50    p99    max miss':<29}   {'aubio ms: p50   p99    max miss'}")
    for name in RANGES:
        row(name, [r for r in results if r[0] == name])
    row("notes ≥ 100 Hz", [r for r in results if r[2] >= 100])
    row("notes < 100 Hz", [r for r in results if r[2] < 100])
    for kind, label in (("tone", "tone bursts"), ("sung", "sung notes")):
        row(label, [r for r in results if r[1] == kind])
    row("all", results)


if __name__ == "__main__":
    main()
