"""dawg supervise with real processes: a private jackd and a dawg serve under it,
killed with SIGKILL and brought back; a command that always crashes, restarted within
the policy and escalated; the kill switch; a supervisor killed and started again,
adopting its children; its audit log in a file and in a real SQLite store."""
import json
import os
import signal
import sqlite3
import subprocess
import threading
import time
import urllib.request
import uuid

import pytest
from prometheus_client.parser import text_string_to_metric_families

from helpers import DAWG, Peer, free_port, pong, wait_for


class Supervisor:
    """`dawg supervise --config <file>` in the foreground, its output kept."""

    def __init__(self, config_path, check_interval=0.2):
        self.config_path = config_path
        self.proc = subprocess.Popen([str(DAWG), "supervise", "--config", str(config_path), "--check-interval", str(check_interval)],
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.lines = []
        threading.Thread(target=lambda: [self.lines.append(line) for line in self.proc.stdout], daemon=True).start()
        assert wait_for(lambda: any("dawg supervise: running" in line for line in self.lines) or self.proc.poll() is not None, 10)
        assert self.proc.poll() is None, self.log()

    def log(self):
        return "".join(self.lines)

    def cli(self, *args):
        return subprocess.run([str(DAWG), "supervise", *args, "--config", str(self.config_path)], capture_output=True, text=True, timeout=20)

    def status(self):
        run = self.cli("status", "--json")
        return json.loads(run.stdout) if run.returncode in (0, 1) else None

    def service(self, name):
        state = self.status()
        return next(s for s in state["services"] if s["name"] == name) if state else None

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        return self.proc.returncode


@pytest.fixture(autouse=True)
def no_orphans(tmp_path):
    """Whatever a test leaves running (a failed test's supervisor killed, its services
    orphaned) is killed after it, by the pids the state file names."""
    yield
    state = tmp_path / "state" / "state.json"
    if state.exists():
        st = json.loads(state.read_text())
        for pid in [st.get("supervisor_pid")] + [s.get("pid") for s in st.get("services", [])]:
            try:
                cmdline = open(f"/proc/{pid}/cmdline", "rb").read() if pid else b""
                if b"dawg" in cmdline or b"jackd" in cmdline:  # never a pid reused since
                    os.kill(pid, signal.SIGKILL)
            except (FileNotFoundError, ProcessLookupError):
                pass


def write_config(tmp_path, services, **extra):
    config = {
        "allow": ["jackd", "dawg", "false"],
        "state_dir": str(tmp_path / "state"),
        "store": str(tmp_path / "audit.sqlite"),
        "osc_port": free_port(),
        "http_port": free_port(),
        "restart": {"backoff_s": 0.2, "window_s": 60, "cooldown_s": 60, "stable_s": 60},
        "breaker": {"failures": 2, "successes": 1, "open_s": 1},
        "services": services,
    }
    config.update(extra)
    path = tmp_path / "supervise.json"
    path.write_text(json.dumps(config))
    return path


def engine_services(tmp_path, check="osc"):
    """jackd and dawg serve on it; the engine checked by OSC /ping or HTTP GET /health."""
    server = f"dawgsup-{uuid.uuid4().hex[:6]}"
    osc, http = free_port(), free_port()
    (tmp_path / "project").mkdir()
    return server, osc, [
        {"name": "jackd", "argv": ["jackd", "-r", "-n", server, "-d", "dummy", "-r", "48000", "-p", "256"]},
        {"name": "engine", "argv": ["dawg", "serve", "--jack-server", server, "--osc-port", str(osc), "--http-port", str(http),
                                    "--no-lock-memory"],
         "cwd": str(tmp_path / "project"), "after": ["jackd"],
         "health": {"kind": check, "port": osc if check == "osc" else http, "timeout_s": 1}},
    ]


def audit(tmp_path):
    lines = (tmp_path / "state" / "audit.log").read_text().splitlines()
    return [json.loads(line) for line in lines]


def test_a_killed_engine_is_back_and_answering_within_five_seconds(tmp_path):
    server, osc, services = engine_services(tmp_path)
    sup = Supervisor(write_config(tmp_path, services))
    try:
        assert wait_for(lambda: pong(osc), 15), sup.log()
        assert wait_for(lambda: sup.service("engine")["status"] == "healthy", 5)
        engine = sup.service("engine")
        killed = time.time()
        os.kill(engine["pid"], signal.SIGKILL)
        assert wait_for(lambda: not pong(osc), 2)
        assert wait_for(lambda: pong(osc), 5), sup.log()
        back = time.time() - killed
        assert back < 5, f"back after {back:.1f} s"
        again = sup.service("engine")
        assert again["pid"] != engine["pid"] and len(again["restarts"]) == 1
        status = sup.cli("status")
        assert status.returncode == 0 and "engine" in status.stdout and "healthy" in status.stdout, status.stdout
        actions = [(e["service"], e["action"], e["result"]) for e in audit(tmp_path)]
        assert ("engine", "exit", "restart-scheduled") in actions and ("engine", "restart", "ok") in actions
        exit_entry = next(e for e in audit(tmp_path) if e["action"] == "exit")
        assert "killed by signal 9" in exit_entry["detail"]
        # The same entries in the project store, read with Python's own sqlite3.
        con = sqlite3.connect(tmp_path / "audit.sqlite")
        rows = con.execute("SELECT service, action, result FROM audit_log ORDER BY id").fetchall()
        figures = {(n, l) for n, l in con.execute("SELECT name, labels FROM metric_samples")}
        con.close()
        assert rows == actions
        assert ("dawg_service_restarts_total", "service=engine") in figures and ("dawg_service_uptime_seconds", "service=jackd") in figures
        # GET /metrics, read by prometheus_client's own parser; GET /health.
        port = json.loads(sup.config_path.read_text())["http_port"]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as r:
            text = r.read().decode()
        values = {(s.name, s.labels.get("service")): s.value for f in text_string_to_metric_families(text) for s in f.samples}
        assert values[("dawg_service_restarts_total", "engine")] == 1 and values[("dawg_service_restarts_total", "jackd")] == 0
        assert values[("dawg_service_up", "engine")] == 1 and values[("dawg_service_uptime_seconds", "jackd")] > 1
        assert values[("dawg_service_breaker_open", "engine")] == 0 and values[("dawg_supervisor_kill_switch", None)] == 0
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=5) as r:
            assert r.status == 200 and {s["name"] for s in json.loads(r.read())["services"]} == {"jackd", "engine"}
    finally:
        assert sup.stop() == 0, sup.log()
    assert subprocess.run(["pgrep", "-f", f"jackd -r -n {server}"], capture_output=True).returncode != 0, "stopped with the supervisor"


def test_a_command_that_always_crashes_is_restarted_three_times_then_escalated(tmp_path):
    path = write_config(tmp_path, [{"name": "crash", "argv": ["false"]}],
                        restart={"backoff_s": 0.1, "max_restarts": 3, "window_s": 60, "cooldown_s": 60, "escalate_after": 4})
    sup = Supervisor(path)
    alerts = Peer(json.loads(path.read_text())["osc_port"])
    try:
        alerts.request("/alert/subscribe", reply="/alert/subscribed")
        alert = alerts.expect("/alert", 10)
        assert alert[0] == "crash" and "failed 4 times in a row" in alert[1]
        crash = sup.service("crash")
        assert crash["status"] == "escalated" and len(crash["restarts"]) == 3
        time.sleep(1.0)
        assert len(sup.service("crash")["restarts"]) == 3, "no restart after escalation"
        starts = [e for e in audit(tmp_path) if e["service"] == "crash" and e["action"] in ("start", "restart")]
        assert [e["action"] for e in starts] == ["start", "restart", "restart", "restart"]
        assert "failed 4 times" in (tmp_path / "state" / "escalations.log").read_text()
        status = sup.cli("status")
        assert status.returncode == 1 and "escalated" in status.stdout
        # recover: tried again from a clean slate.
        assert sup.cli("recover", "crash").returncode == 0
        assert wait_for(lambda: any(e["action"] == "recover" for e in audit(tmp_path)), 3)
        assert wait_for(lambda: sup.service("crash")["status"] == "escalated" and len(sup.service("crash")["restarts"]) == 3, 10), sup.service("crash")
        assert sup.cli("recover", "nothing").returncode == 1
    finally:
        alerts.close()
        assert sup.stop() == 0, sup.log()


def test_the_kill_switch_stops_every_automatic_action(tmp_path):
    server, osc, services = engine_services(tmp_path, check="http")
    sup = Supervisor(write_config(tmp_path, services))
    try:
        assert wait_for(lambda: pong(osc), 15), sup.log()
        (tmp_path / "state" / "kill-switch").write_text("")
        assert wait_for(lambda: sup.status()["kill_switch"], 3)
        os.kill(sup.service("engine")["pid"], signal.SIGKILL)
        time.sleep(2.0)
        assert not pong(osc), "not restarted while the switch is on"
        assert any(e["action"] == "kill-switch-on" for e in audit(tmp_path))
        (tmp_path / "state" / "kill-switch").unlink()
        assert wait_for(lambda: pong(osc), 8), sup.log()
        # What is asked by hand is still done while the switch is on.
        (tmp_path / "state" / "kill-switch").write_text("")
        assert wait_for(lambda: sup.status()["kill_switch"], 3)
        engine = sup.service("engine")["pid"]
        assert sup.cli("restart", "engine").returncode == 0
        assert wait_for(lambda: sup.service("engine")["pid"] not in (None, engine), 5)
        assert wait_for(lambda: pong(osc), 8)
    finally:
        assert sup.stop() == 0, sup.log()


def test_the_kill_switch_in_the_configuration_starts_nothing(tmp_path):
    sup = Supervisor(write_config(tmp_path, [{"name": "crash", "argv": ["false"]}], kill_switch=True))
    try:
        time.sleep(1.0)
        assert sup.service("crash")["status"] == "waiting" and sup.status()["kill_switch"]
        assert [e["action"] for e in audit(tmp_path)] == ["start", "kill-switch-on"]  # the supervisor's own start
        assert sup.cli("restart", "crash").returncode == 0  # by hand: done
        assert wait_for(lambda: any(e["action"] == "start-asked" for e in audit(tmp_path)), 3)
        time.sleep(0.5)
        assert not any(e["action"] == "restart" for e in audit(tmp_path)), "its exit is left alone"
    finally:
        assert sup.stop() == 0, sup.log()


def test_a_supervisor_killed_and_started_again_adopts_its_children(tmp_path):
    server, osc, services = engine_services(tmp_path)
    path = write_config(tmp_path, services)
    sup = Supervisor(path)
    try:
        assert wait_for(lambda: pong(osc), 15), sup.log()
        pids = {s["name"]: s["pid"] for s in sup.status()["services"]}
        sup.proc.kill()
        sup.proc.wait(5)
        assert pong(osc), "the children outlive their supervisor"
        sup = Supervisor(path)
        assert wait_for(lambda: sup.status() is not None, 5)
        assert {s["name"]: s["pid"] for s in sup.status()["services"]} == pids
        adopted = [e["service"] for e in audit(tmp_path) if e["action"] == "adopt"]
        assert sorted(adopted) == ["engine", "jackd"]
        time.sleep(1.0)
        out = subprocess.run(["jack_lsp", "-s", server], capture_output=True, text=True).stdout
        assert out.count("dawg:out_L") == 1 and "dawg-01" not in out, "no second engine"
        # A second supervisor on the same state is refused.
        second = subprocess.run([str(DAWG), "supervise", "--config", str(path)], capture_output=True, text=True, timeout=20)
        assert second.returncode != 0 and "already runs" in second.stdout + second.stderr
        # Adopted children are still watched.
        os.kill(pids["engine"], signal.SIGKILL)
        assert wait_for(lambda: (sup.service("engine") or {}).get("pid") not in (None, pids["engine"]), 8), sup.log()
        assert wait_for(lambda: pong(osc), 8)
    finally:
        assert sup.stop() == 0, sup.log()


def test_a_configuration_that_runs_what_is_not_allowed_is_refused(tmp_path):
    path = write_config(tmp_path, [{"name": "sh", "argv": ["sh", "-c", "echo hi"]}])
    run = subprocess.run([str(DAWG), "supervise", "--config", str(path)], capture_output=True, text=True, timeout=20)
    assert run.returncode != 0 and "sh is not on the allow-list" in run.stderr
    assert not (tmp_path / "state").exists(), "nothing ran"


def test_a_killed_jackd_is_started_again_and_the_engine_goes_back_onto_it(tmp_path):
    server, osc, services = engine_services(tmp_path)
    sup = Supervisor(write_config(tmp_path, services))
    peer = None
    try:
        assert wait_for(lambda: pong(osc), 15), sup.log()
        assert wait_for(lambda: sup.service("engine")["status"] == "healthy", 5)
        engine, jackd = sup.service("engine")["pid"], sup.service("jackd")["pid"]
        peer = Peer(osc)
        os.kill(jackd, signal.SIGKILL)
        assert wait_for(lambda: peer.request("/status", reply="/status.reply")[-1] == "down", 3)
        assert wait_for(lambda: peer.request("/status", reply="/status.reply")[-1] == "up", 8), sup.log()
        assert sup.service("engine")["pid"] == engine, "the engine lived through it"
        assert sup.service("jackd")["pid"] != jackd and len(sup.service("jackd")["restarts"]) == 1
    finally:
        if peer:
            peer.close()
        assert sup.stop() == 0, sup.log()


def test_restart_and_stop_from_the_command_line(tmp_path):
    server, osc, services = engine_services(tmp_path)
    sup = Supervisor(write_config(tmp_path, services))
    try:
        assert wait_for(lambda: pong(osc), 15), sup.log()
        engine = sup.service("engine")["pid"]
        run = sup.cli("restart", "engine")
        assert run.returncode == 0 and "restart engine" in run.stdout
        assert wait_for(lambda: sup.service("engine")["pid"] not in (None, engine), 5)
        assert wait_for(lambda: pong(osc), 8)
        assert sup.service("engine")["restarts"] == [], "a restart asked for is not the policy's"
        assert sup.cli("restart", "nothing").returncode == 1
        pids = [s["pid"] for s in sup.status()["services"]]
        assert sup.cli("stop").returncode == 0
        sup.proc.wait(30)
        assert sup.proc.returncode == 0
        for pid in pids:
            assert not os.path.exists(f"/proc/{pid}") or "Z" in open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0]
        assert sup.cli("status").returncode == 2
    finally:
        sup.stop()



def test_the_systemd_unit_is_one_systemd_accepts(tmp_path):
    """scripts/dawg-supervise.service, its binary pointed at this build, read by
    systemd's own checker: no unknown key, no bad value, its binary found."""
    import shutil
    from pathlib import Path
    if shutil.which("systemd-analyze") is None:
        pytest.skip("systemd-analyze is not installed")
    unit = (Path(__file__).resolve().parents[2] / "scripts" / "dawg-supervise.service").read_text()
    assert "KillMode=process" in unit and "LimitRTPRIO=" in unit and "LimitMEMLOCK=infinity" in unit
    copy = tmp_path / "dawg-supervise.service"
    copy.write_text(unit.replace("/usr/local/bin/dawg", str(DAWG)))
    run = subprocess.run(["systemd-analyze", "verify", str(copy)], capture_output=True, text=True, timeout=60)
    complaints = [line for line in (run.stdout + run.stderr).splitlines() if "dawg-supervise.service" in line]
    assert run.returncode == 0 and not complaints, run.stdout + run.stderr
