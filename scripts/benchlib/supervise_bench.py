"""dawg supervise, measured: a private jackd and dawg serve under the supervisor; the
engine killed with SIGKILL --trials times, each time timed until it answers /ping
again; then the supervisor's own CPU and memory over --idle seconds of watching
(health checks every second).

    .venv/bin/python scripts/benchlib/supervise_bench.py [--trials 10] [--idle 60]
"""
import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "Tests" / "integration"))
if "DAWG_BIN" not in os.environ:
    os.environ["DAWG_BIN"] = str(HERE.parents[1] / ".build/release/dawg")
from helpers import DAWG, free_port, pong  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def rss_kb(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--trials", type=int, default=10)
    ap.add_argument("--idle", type=float, default=60)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="dawg-supbench-"))
    server, osc, http, control = f"dawgsb-{uuid.uuid4().hex[:6]}", free_port(), free_port(), free_port()
    config = {
        "allow": ["jackd", "dawg"], "state_dir": str(work / "state"), "osc_port": control,
        # Back-to-back trials: every crash is a first failure (stable after 1 s), as a
        # single crash in production would be; the default backoff (1 s) applies.
        "restart": {"max_restarts": 1000, "escalate_after": 1000, "stable_s": 1},
        "services": [
            {"name": "jackd", "argv": ["jackd", "-r", "-n", server, "-d", "dummy", "-r", "48000", "-p", "256"]},
            {"name": "engine", "argv": ["dawg", "serve", "--jack-server", server, "--osc-port", str(osc), "--http-port", str(http)],
             "cwd": str(work / "project"), "after": ["jackd"], "health": {"kind": "osc", "port": osc, "timeout_s": 1}},
        ],
    }
    path = work / "supervise.json"
    path.write_text(json.dumps(config))
    sup = subprocess.Popen([str(DAWG), "supervise", "--config", str(path), "--check-interval", "1"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 20
        while not pong(osc) and time.time() < deadline:
            time.sleep(0.05)
        back = []
        for i in range(args.trials):
            time.sleep(1.5)  # past stable_s
            state = json.loads((work / "state" / "state.json").read_text())
            pid = next(s["pid"] for s in state["services"] if s["name"] == "engine")
            killed = time.monotonic()
            os.kill(pid, signal.SIGKILL)
            while pong(osc, timeout=0.05):
                time.sleep(0.005)
            while not pong(osc, timeout=0.05):
                time.sleep(0.01)
            back.append(time.monotonic() - killed)
            print(f"  trial {i + 1}: engine killed → answering /ping again after {back[-1] * 1000:.0f} ms", flush=True)
        print(f"engine killed with SIGKILL → answering /ping again: p50 {statistics.median(back) * 1000:.0f} ms, "
              f"max {max(back) * 1000:.0f} ms over {len(back)} trials (1 s of it is the restart backoff)")
        before, t0 = cpu_seconds(sup.pid), time.monotonic()
        time.sleep(args.idle)
        used = cpu_seconds(sup.pid) - before
        print(f"supervisor at rest, health checks every second: {used / (time.monotonic() - t0) * 100:.2f} % of a core, "
              f"{rss_kb(sup.pid) / 1024:.1f} MB resident")
    finally:
        sup.send_signal(signal.SIGTERM)
        sup.wait(30)


if __name__ == "__main__":
    main()
