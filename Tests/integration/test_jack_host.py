"""The JACK side: ports, pretty names, latency, transport, xruns, lifecycle, memory
locking."""
import os
import signal
import subprocess
import time

import jack
import pytest

from helpers import Dawg, Jackd, Peer


def test_ports_are_visible_to_jack_lsp(jackd, dawg):
    ports = jackd.lsp().split()
    for p in ("dawg:in_1", "dawg:in_2", "dawg:out_L", "dawg:out_R"):
        assert p in ports
    props = jackd.lsp("-p")
    assert "dawg:in_1\n\tproperties: input," in props and "dawg:out_L\n\tproperties: output," in props


def test_inputs_flag_sets_the_number_of_capture_ports(jackd, project):
    d = Dawg(jackd.name, project, inputs=5, extra=("--client-name", "five"))
    try:
        ports = jackd.lsp().split()
        assert [p for p in ports if p.startswith("five:in_")] == [f"five:in_{i}" for i in range(1, 6)]
    finally:
        assert d.stop() == 0


def test_ports_have_pretty_names(jackd, dawg):
    env = dict(os.environ, JACK_DEFAULT_SERVER=jackd.name)
    for port, pretty in (("dawg:out_L", "dawg Master L"), ("dawg:in_2", "dawg Input 2")):
        out = subprocess.run(["jack_property", "-p", "-l", port], capture_output=True, text=True, env=env).stdout
        assert f"pretty-name value: {pretty} type: text/plain" in out, out


def test_latency_ranges_pass_through(jackd, dawg):
    subprocess.run(["jack_connect", "-s", jackd.name, "system:capture_1", "dawg:in_1"], check=True)
    subprocess.run(["jack_connect", "-s", jackd.name, "dawg:out_L", "system:playback_1"], check=True)
    time.sleep(0.3)
    out = jackd.lsp("-l")

    def latency(port, kind):
        block = out.split(port + "\n", 1)[1]
        return block.split(f"port {kind} latency = ", 1)[1].split(" frames", 1)[0]
    # The engine adds no latency: out_L carries the capture latency of what feeds in_1
    # (dummy backend: one period, 256), in_1 the playback latency of what out_L feeds
    # (512); the unconnected ports bring the minimum to 0.
    assert latency("dawg:out_L", "capture") == "[ 0 256 ]"
    assert latency("dawg:in_1", "playback") == "[ 0 512 ]"
    subprocess.run(["jack_disconnect", "-s", jackd.name, "system:capture_1", "dawg:in_1"], check=True)
    subprocess.run(["jack_disconnect", "-s", jackd.name, "dawg:out_L", "system:playback_1"], check=True)


def test_jack_transport_is_driven_and_followed(jackd, dawg, peer):
    other = jack.Client("daw", servername=jackd.name, no_start_server=True)
    other.activate()
    try:
        peer.send("/transport/stop")
        time.sleep(0.2)
        # dawg drives: a DAW on the server sees JACK transport roll.
        peer.send("/transport/play")
        time.sleep(0.3)
        assert other.transport_state == jack.ROLLING
        # dawg follows: the DAW stops and relocates it.
        other.transport_stop()
        other.transport_frame = 96000
        time.sleep(0.3)
        playing, seconds = peer.request("/transport", reply="/transport/state")
        assert playing == 0 and seconds == pytest.approx(2.0, abs=1e-3)
        other.transport_start()
        time.sleep(0.3)
        assert peer.request("/transport", reply="/transport/state")[0] == 1
    finally:
        other.transport_stop()
        other.deactivate()
        other.close()


def test_sigint_and_sigterm_shut_down_cleanly(jackd, project):
    for sig in (signal.SIGINT, signal.SIGTERM):
        d = Dawg(jackd.name, project)
        assert d.stop(sig) == 0
        assert "stopped" in d.log()
        assert "dawg:out_L" not in jackd.lsp()


def test_starts_a_dummy_jackd_when_none_runs_and_stops_it(project):
    name = f"dawgauto-{time.time_ns() % 10**8}"
    d = Dawg(name, project)
    try:
        assert subprocess.run(["jack_lsp", "-s", name], capture_output=True).returncode == 0
        assert "starting one with the dummy backend" in d.log()
    finally:
        assert d.stop() == 0
    time.sleep(0.5)
    assert subprocess.run(["pgrep", "-f", f"jackd -n {name}"], capture_output=True).returncode != 0


def stack_is_locked(pid):
    """The main stack's mapping carries VM_LOCKED ("lo" in smaps' VmFlags)."""
    smaps = open(f"/proc/{pid}/smaps").read()
    stack = smaps[smaps.index("[stack]"):]
    flags = stack[stack.index("VmFlags:"):].split("\n", 1)[0].split()
    return "lo" in flags


def locking_is_unbounded(pid):
    caps = next(l for l in open(f"/proc/{pid}/status") if l.startswith("CapEff:")).split()[1]
    limit = next(l for l in open(f"/proc/{pid}/limits") if l.startswith("Max locked memory"))
    return bool(int(caps, 16) & (1 << 14)) or limit.split()[3] == "unlimited"


def test_memory_is_locked_when_locking_is_unbounded(jackd, project):
    d = Dawg(jackd.name, project)
    try:
        if locking_is_unbounded(d.proc.pid):
            assert stack_is_locked(d.proc.pid)
            assert "memory locked" in d.log()
        else:
            assert not stack_is_locked(d.proc.pid)
            assert "memory is not locked: RLIMIT_MEMLOCK is" in d.log()
    finally:
        assert d.stop() == 0


def test_memory_is_left_unlocked_under_a_finite_limit_or_when_told(jackd, project):
    # With a 64 kB limit, MCL_FUTURE would make allocations fail past it.
    drop_capability = ["setpriv", "--bounding-set", "-ipc_lock", "--inh-caps", "-ipc_lock"] if os.geteuid() == 0 else []
    bounded = Dawg(jackd.name, project, wrapper=[*drop_capability, "prlimit", "--memlock=65536"])
    try:
        assert not locking_is_unbounded(bounded.proc.pid)
        assert not stack_is_locked(bounded.proc.pid)
        assert "memory is not locked: RLIMIT_MEMLOCK is 64 kB" in bounded.log()
        peer = Peer(bounded.osc_port)
        assert peer.request("/ping", reply="/pong") == []
        peer.close()
    finally:
        assert bounded.stop() == 0
    told = Dawg(jackd.name, project, extra=("--no-lock-memory",))
    try:
        assert not stack_is_locked(told.proc.pid)
        assert "memory locked" not in told.log() and "memory is not locked" not in told.log()
    finally:
        assert told.stop() == 0


def test_health_endpoint(dawg):
    import json
    import urllib.request
    with urllib.request.urlopen(f"http://127.0.0.1:{dawg.http_port}/health", timeout=5) as r:
        body = json.loads(r.read())
    assert r.status == 200 and body["status"] == "ok" and body["sample_rate"] == 48000


def test_osc_and_http_listen_on_loopback_only(dawg):
    out = subprocess.run(["ss", "-lnut"], capture_output=True, text=True).stdout
    for port in (dawg.osc_port, dawg.http_port):
        lines = [l for l in out.splitlines() if f":{port} " in l]
        assert lines and all("127.0.0.1:" in l for l in lines), lines


def test_stats_report_cycle_timing(dawg, peer):
    peer.request("/stats/reset", reply="/stats/reset.done")
    time.sleep(1)
    count, p50, p99, worst, xruns, load, wake99, wake_max, finish_max, late, record_overruns, stream_underruns = peer.request("/stats", reply="/stats.reply")
    # 48 kHz / 256 frames: 187.5 cycles a second.
    assert 150 <= count <= 260
    assert 0 < p50 <= p99 <= worst
    assert 0 < wake99 <= wake_max
    # Each cycle finishes its wake delay plus its run time after the cycle start.
    assert finish_max >= 0.99 * worst - 1 and finish_max >= 0.99 * wake_max - 1
    assert xruns >= 0 and late >= 0 and 0 <= load < 100
    assert record_overruns == 0 and stream_underruns == 0, "nothing records or streams, nothing is lost"


def test_a_stalled_engine_is_counted_late_and_as_an_xrun(dawg, peer):
    peer.request("/stats/reset", reply="/stats/reset.done")
    xruns_before = peer.request("/status", reply="/status.reply")[3]
    # Stop the whole process for 20 periods: its cycles cannot finish in time.
    dawg.proc.send_signal(signal.SIGSTOP)
    time.sleep(0.1)
    dawg.proc.send_signal(signal.SIGCONT)
    time.sleep(0.3)
    stats = peer.request("/stats", reply="/stats.reply")
    xruns, late = stats[4], stats[9]
    # 100 ms is 18.75 periods the server ran without the engine.
    assert xruns >= 1 and 17 <= late <= 40, stats
    assert peer.request("/status", reply="/status.reply")[3] >= xruns_before + 1


def test_two_hundred_and_fifty_six_inputs(jackd, project):
    d = Dawg(jackd.name, project, inputs=256, extra=("--client-name", "wide"))
    try:
        ports = [p for p in jackd.lsp().split() if p.startswith("wide:in_")]
        assert len(ports) == 256 and "wide:in_256" in ports, (len(ports), d.log()[-2000:])
    finally:
        assert d.stop() == 0
