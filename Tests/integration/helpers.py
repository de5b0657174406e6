"""Real peers for integration tests: a private jackd, a dawg serve process, an OSC
peer (python-osc over a UDP socket), JACK capture/source clients, test WAV files."""
import json
import os
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import jack
import numpy as np
from pythonosc.osc_bundle_builder import IMMEDIATELY, OscBundleBuilder
from pythonosc.osc_message_builder import OscMessageBuilder
from pythonosc.osc_packet import OscPacket

REPO = Path(__file__).resolve().parents[2]
DAWG = Path(os.environ.get("DAWG_BIN", REPO / ".build" / "release" / "dawg"))
RATE = 48000
PERIOD = 256


def ntp(unix_seconds):
    """An NTP 32.32 time tag. Add whole units to it for exact intervals: a float of
    seconds since 1900 carries only ~0.5 µs."""
    whole = int(unix_seconds)
    return (whole + 2_208_988_800) << 32 | round((unix_seconds - whole) * 2**32)


def free_port(exclude=()):
    """A port free for both UDP and TCP on 127.0.0.1 (and not one of `exclude`: two
    calls in a row may be handed the same port once the first is closed)."""
    while True:
        t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        t.bind(("127.0.0.1", 0))
        port = t.getsockname()[1]
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            u.bind(("127.0.0.1", port))
            if port in exclude:
                continue
            return port
        except OSError:
            continue
        finally:
            t.close()
            u.close()


class Jackd:
    """jackd -R -n <unique> -d dummy: a private server per test module, realtime as
    users run one, so that a busy machine (a build, the tests' own OSC storms) cannot
    starve the process threads of dawg or of the Python clients that check it."""

    # Every server of the run, so that the rerun hook (conftest) can read their logs.
    started = []
    LOGS = Path(tempfile.gettempdir()) / f"dawg-jackd-logs-{os.getpid()}"

    def __init__(self, period=PERIOD, rate=RATE, extra=(), realtime=True, name=None):
        self.name = name or f"dawgtest-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        self.period, self.rate = period, rate
        Jackd.LOGS.mkdir(exist_ok=True)
        self.log_path = Jackd.LOGS / f"{self.name}.log"
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(
                ["jackd", "-R" if realtime else "-r", "-n", self.name, *extra, "-d", "dummy", "-r", str(rate), "-p", str(period)],
                stdout=log, stderr=subprocess.STDOUT)
        deadline = time.time() + 10
        while time.time() < deadline:
            if subprocess.run(["jack_lsp", "-s", self.name], capture_output=True).returncode == 0:
                self.ready_at = self.log_path.stat().st_size  # (its timer is often late as it starts)
                Jackd.started.append(self)
                return
            time.sleep(0.1)
        self.stop()
        raise RuntimeError("jackd did not start")

    def xruns(self, since=None):
        """How many xruns the server has reported since `since` bytes of its log (by
        default since it was ready): its own timer woken late, or a client not finished
        in its cycle — the host holding a thread past a period."""
        with open(self.log_path, "rb") as log:
            log.seek(self.ready_at if since is None else since)
            return log.read().count(b"XRun")

    @staticmethod
    def marks():
        """Where each server's log stands now."""
        return {s.name: s.log_path.stat().st_size for s in Jackd.started}

    @staticmethod
    def xruns_since(marks):
        """Xruns every server reported since `marks` (a server started after them: since
        it was ready)."""
        return sum(s.xruns(marks.get(s.name)) for s in Jackd.started)

    def lsp(self, *args):
        return subprocess.run(["jack_lsp", "-s", self.name, *args], capture_output=True, text=True).stdout

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


class Dawg:
    """A `dawg serve` process on free ports; waits for its ready line."""

    def __init__(self, server, project, patch=None, inputs=2, extra=(), env=None, preload=None, wrapper=()):
        """`wrapper`: a command that execs dawg (setpriv, prlimit), so the pid stays dawg's."""
        self.osc_port = free_port()
        self.http_port = free_port(exclude={self.osc_port})
        args = [str(DAWG), "serve", "--project-dir", str(project), "--osc-port", str(self.osc_port),
                "--http-port", str(self.http_port), "--inputs", str(inputs), "--log-level", "debug"]
        if server is not None:
            args += ["--jack-server", server]
        if patch:
            args += ["--patch", str(patch)]
        e = dict(os.environ, **(env or {}))
        if preload:
            e["LD_PRELOAD"] = preload
        self.proc = subprocess.Popen([*wrapper, *args, *extra], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=e)
        self.stdout, self.stderr = [], []
        self._readers = [threading.Thread(target=self._pump, args=(s, out), daemon=True)
                         for s, out in ((self.proc.stdout, self.stdout), (self.proc.stderr, self.stderr))]
        for r in self._readers:
            r.start()
        deadline = time.time() + 30
        while time.time() < deadline:
            if any("dawg: ready" in line for line in self.stdout):
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        self.stop()
        raise RuntimeError("dawg did not become ready:\n" + "".join(self.stderr))

    @staticmethod
    def _pump(stream, out):
        for line in stream:
            out.append(line)

    def log(self):
        return "".join(self.stderr)

    def stop(self, sig=signal.SIGTERM, timeout=15):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        for r in self._readers:
            r.join(2)
        return self.proc.returncode


def build(address, args=(), types=None):
    b = OscMessageBuilder(address=address)
    for i, a in enumerate(args):
        t = types[i] if types else None
        if t is None:
            t = "T" if a is True else "F" if a is False else "i" if isinstance(a, int) else "f" if isinstance(a, float) else "s"
        b.add_arg(a, t)
    return b.build()


_BLASTER = """
import socket, struct, sys
data, port = sys.stdin.buffer.read(), int(sys.argv[1])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
while data:
    n = struct.unpack(">I", data[:4])[0]
    s.sendto(data[4:4 + n], ("127.0.0.1", port))
    data = data[4 + n:]
"""


def send_from_another_process(port, datagrams):
    """Send OSC datagrams to a UDP port on this host from a child process. Build them
    before a capture starts: this process's JACK clients need the GIL on time, every
    cycle."""
    with tempfile.TemporaryFile() as stream:
        stream.write(b"".join(struct.pack(">I", len(d)) + d for d in datagrams))
        stream.seek(0)
        subprocess.run([sys.executable, "-c", _BLASTER, str(port)], stdin=stream, check=True, timeout=60)


class Peer:
    """An OSC peer on a UDP socket: sends to dawg and reads what comes back."""

    def __init__(self, port, host="127.0.0.1"):
        self.target = (host, port)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
        self.backlog = []

    def send(self, address, *args, types=None):
        self.sock.sendto(build(address, args, types).dgram, self.target)

    def send_raw(self, data):
        self.sock.sendto(data, self.target)

    def bundle(self, when, messages):
        """`when`: UNIX seconds (float), an NTP 32.32 time tag (int, from `ntp`), or
        None for immediately. `messages`: [(address, args)]."""
        if isinstance(when, int):
            body = b"".join(struct.pack(">i", len(d)) + d for d in (build(a, args).dgram for a, args in messages))
            self.sock.sendto(b"#bundle\0" + struct.pack(">Q", when) + body, self.target)
            return
        b = OscBundleBuilder(IMMEDIATELY if when is None else when)
        for address, args in messages:
            b.add_content(build(address, args))
        self.sock.sendto(b.build().dgram, self.target)

    def _read(self, timeout):
        self.sock.settimeout(timeout)
        try:
            data, _ = self.sock.recvfrom(1 << 16)
        except socket.timeout:
            return []
        return [(m.message.address, list(m.message.params)) for m in OscPacket(data).messages]

    def expect(self, address, timeout=3.0):
        """The next message at `address` (others are kept in `backlog`)."""
        for i, (a, args) in enumerate(self.backlog):
            if a == address:
                del self.backlog[i]
                return args
        deadline = time.time() + timeout
        while time.time() < deadline:
            for a, args in self._read(max(0.01, deadline - time.time())):
                if a == address:
                    return args
                self.backlog.append((a, args))
        raise AssertionError(f"no {address} within {timeout}s; got {self.backlog[-10:]}")

    def request(self, address, *args, reply=None, types=None, timeout=3.0):
        self.send(address, *args, types=types)
        return self.expect(reply or address, timeout)

    def drain(self, seconds=0.1):
        end = time.time() + seconds
        got = []
        while time.time() < end:
            got += self._read(max(0.005, end - time.time()))
        self.backlog = []
        return got

    def sync(self, timeout=10.0):
        token = int(time.time() * 1000) % 1_000_000
        assert self.request("/sync", token, reply="/synced", timeout=timeout) == [token]

    def close(self):
        self.sock.close()


class TcpPeer(Peer):
    """An OSC peer on a TCP connection, with 4-byte length-prefixed framing."""

    def __init__(self, port, host="127.0.0.1", receive_buffer=None):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if receive_buffer:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
        self.sock.settimeout(5)
        self.sock.connect((host, port))
        self.buffer = b""
        self.backlog = []

    def send(self, address, *args, types=None):
        self.send_raw(build(address, args, types).dgram)

    def send_raw(self, data):
        self.sock.sendall(struct.pack(">I", len(data)) + data)

    def _read(self, timeout):
        self.sock.settimeout(timeout)
        try:
            chunk = self.sock.recv(1 << 16)
        except socket.timeout:
            return []
        if not chunk:
            raise ConnectionError("dawg closed the connection")
        self.buffer += chunk
        got = []
        while len(self.buffer) >= 4 and len(self.buffer) >= 4 + struct.unpack(">I", self.buffer[:4])[0]:
            n = struct.unpack(">I", self.buffer[:4])[0]
            got += [(m.message.address, list(m.message.params)) for m in OscPacket(self.buffer[4:4 + n]).messages]
            self.buffer = self.buffer[4 + n:]
        return got


class Capture:
    """A JACK client recording dawg's master outputs on JACK's frame timeline.

    A Python client can itself be late (the GIL, a busy machine); a cycle it missed, or
    ran after the server moved on, holds nothing it can vouch for. Those samples come
    back masked (and NaN beneath) rather than as gaps or zeros, so a late capture never
    shifts, shortens or silences what dawg played. Compare with `assert_heard`."""

    def __init__(self, server, ports=("dawg:out_L", "dawg:out_R"), seconds=20, name=None, connect=True):
        """`connect` False: the ports are left for dawg (or a patchbay) to connect."""
        self.client = jack.Client(name or f"cap{uuid.uuid4().hex[:6]}", servername=server, no_start_server=True)
        self.inports = [self.client.inports.register(f"in_{i}") for i in range(len(ports))]
        self.data = np.full((len(ports), seconds * self.client.samplerate), np.nan, dtype=np.float32)
        self.heard = np.zeros(self.data.shape[1], dtype=bool)
        self.recording = False
        self.origin = self.previous = None
        self.end = 0
        # Callbacks while recording, and those that could not vouch for their cycle.
        self.calls = self.skipped = 0

        @self.client.set_process_callback
        def process(frames):
            if not self.recording:
                return
            self.calls += 1
            start = self.client.last_frame_time
            if self.origin is None:
                self.origin = start
            at = (start - self.origin) & 0xFFFFFFFF
            # Heard: the cycle right after the one before, copied before the next began.
            # JACK2 runs clients asynchronously: a callback that ran past its cycle may
            # have copied the next cycle's samples, so the cycle's start is read again
            # after the copy. (Not frame_time: on a busy host the dummy driver's clock
            # estimate can run a period ahead of every cycle for seconds.)
            follows = self.previous is None or (start - self.previous[0]) & 0xFFFFFFFF == self.previous[1]
            self.previous = (start, frames)
            if at + frames > self.data.shape[1]:
                return
            heard = False
            if follows:
                block = [p.get_array().copy() for p in self.inports]
                if self.client.last_frame_time == start:
                    for c, b in enumerate(block):
                        self.data[c, at:at + frames] = b
                    self.heard[at:at + frames] = True
                    heard = True
            self.skipped += not heard
            self.end = max(self.end, at + frames)

        self.client.activate()
        for p, src in zip(self.inports, ports):
            if connect:
                self.client.connect(src, p)

    def record(self, seconds):
        self.start()
        time.sleep(seconds)
        return self.stop()

    def start(self):
        self.data.fill(np.nan)
        self.heard.fill(False)
        self.origin = self.previous = None
        self.end = 0
        self.calls = self.skipped = 0
        self.recording = True

    def stop(self):
        """channels × frames from the first recorded cycle, a masked array: masked
        where the client did not hear dawg."""
        self.recording = False
        end = self.end
        mask = np.broadcast_to(~self.heard[:end], (self.data.shape[0], end))
        return np.ma.masked_array(self.data[:, :end].copy(), mask=mask.copy())

    def close(self):
        self.client.deactivate()
        self.client.close()


def assert_heard(captured, expected, atol=1e-6, least=0.9):
    """`captured` (from Capture) equals `expected` (a value or an array as long) on
    every sample the capture client heard, and it heard at least `least` of them. A NaN
    that dawg played is heard, and fails."""
    heard = ~np.ma.getmaskarray(captured)
    assert captured.size and heard.mean() >= least, \
        f"the capture client heard {heard.sum()} of {captured.size} samples"
    expected = np.broadcast_to(np.asarray(expected, dtype=np.float32), captured.shape)
    np.testing.assert_allclose(np.ma.getdata(captured)[heard], expected[heard], rtol=0, atol=atol)


class Source:
    """A JACK client playing a known signal into a dawg capture port.

    `skips` lists the cycles that did not follow the one before, as (the JACK frame
    the cycle was due at, the one it started at): a busy host can make the dummy
    driver jump its clock, and every frame stamp after such a jump moves off the grid
    it was on."""

    def __init__(self, server, signal_fn, target="dawg:in_1"):
        self.client = jack.Client(f"src{uuid.uuid4().hex[:6]}", servername=server, no_start_server=True)
        self.out = self.client.outports.register("out")
        self.frame = 0
        self.signal_fn = signal_fn
        self.skips = []
        self.next_start = None

        @self.client.set_process_callback
        def process(frames):
            start = self.client.last_frame_time
            if self.next_start is not None and start != self.next_start:
                self.skips.append((self.next_start, start))
            self.next_start = (start + frames) & 0xFFFFFFFF
            self.out.get_array()[:] = self.signal_fn(np.arange(self.frame, self.frame + frames))
            self.frame += frames

        self.client.activate()
        self.client.connect(self.out, target)

    def close(self):
        self.client.deactivate()
        self.client.close()


def write_wav(path, channels, rate=RATE):
    """32-bit float WAV (WAVE_FORMAT_IEEE_FLOAT) from a list of equal-length arrays."""
    data = np.stack([np.asarray(c, dtype=np.float32) for c in channels], axis=1).tobytes()
    n = len(channels)
    fmt = struct.pack("<HHIIHH", 3, n, rate, rate * 4 * n, 4 * n, 32)
    with open(path, "wb") as f:
        f.write(b"RIFF" + struct.pack("<I", 4 + 8 + len(fmt) + 8 + len(data)) + b"WAVE")
        f.write(b"fmt " + struct.pack("<I", len(fmt)) + fmt)
        f.write(b"data" + struct.pack("<I", len(data)) + data)


def noise_signal(frames, seed=1):
    """Deterministic, every sample distinct enough to align a capture exactly."""
    rng = np.random.default_rng(seed)
    return (rng.random(frames, dtype=np.float64).astype(np.float32) - 0.5) * 0.8


WRAP = 1 << 20


def counter(n):
    """Frame n of the counter: exact in a float32, never 0."""
    return ((np.asarray(n) % WRAP) + 1).astype(np.float32) / np.float32(1 << 22)


def frames_of(x):
    """The counter's frame numbers back from its samples."""
    return np.rint(np.asarray(x, dtype=np.float64) * (1 << 22)).astype(np.int64) - 1


def db(x):
    return float(10 ** (x / 20))


def store_kill_loop(db, kills, seed=7, most_ms=30):
    """`dawg store-writer` on `db`, killed with SIGKILL `kills` times at random moments
    (up to `most_ms` after it is ready). Returns the lines it printed: each names a
    write that had committed."""
    import random
    rng = random.Random(seed)
    said = []
    for _ in range(kills):
        p = subprocess.Popen([str(DAWG), "store-writer", "--store", str(db)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        ready = p.stdout.readline()
        assert ready == b"ready\n", (ready, p.stderr.read())
        time.sleep(rng.uniform(0, most_ms / 1000))
        p.send_signal(signal.SIGKILL)
        p.wait()
        said += p.stdout.read().decode().splitlines()
        p.stdout.close()
        p.stderr.close()
    return said


def check_committed(db, said):
    """Every write `said` names is in `db`, as it was written; the database is whole.
    Returns how many were checked."""
    import sqlite3
    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        for line in said:
            kind, *rest = line.split()
            if kind == "take":
                state = con.execute("SELECT state FROM takes WHERE id = ?", (int(rest[0]),)).fetchone()
                assert state is not None, line
                assert rest[1] == "recording" or state[0] == "complete", (line, state)
            elif kind == "metrics":
                assert con.execute("SELECT COUNT(*) FROM metric_samples WHERE value = ?", (float(rest[0]),)).fetchone()[0] == 20, line
            elif kind == "audit":
                assert con.execute("SELECT COUNT(*) FROM audit_log WHERE detail = ?", (rest[0],)).fetchone()[0] == 1, line
            elif kind == "version":
                content = con.execute("SELECT content FROM patch_versions WHERE id = ?", (int(rest[0]),)).fetchone()
                assert content and json.loads(content[0]) == {"key": int(rest[1])}, line
            else:
                raise AssertionError(f"unknown line {line!r}")
        return len(said)
    finally:
        con.close()


def pong(port, timeout=0.5):
    """Whether an OSC server on `port` answers /ping with /pong within `timeout`."""
    p = Peer(port)
    try:
        return p.request("/ping", reply="/pong", timeout=timeout) == []
    except Exception:
        return False
    finally:
        p.close()


def wait_for(predicate, timeout, step=0.05):
    """`predicate()`'s first truthy value within `timeout` seconds, else its last."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    return predicate()

