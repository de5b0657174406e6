"""GET /metrics, read by an independent Prometheus parser (prometheus_client): the
families are there with the right types, and the counters match what happened — OSC
messages and refusals per address pattern, and an xrun caused on purpose (SIGSTOP of
the engine) is counted."""
import os
import signal
import time
import urllib.request

from prometheus_client.parser import text_string_to_metric_families


def scrape(dawg):
    with urllib.request.urlopen(f"http://127.0.0.1:{dawg.http_port}/metrics", timeout=5) as r:
        assert r.status == 200
        assert r.headers["Content-Type"].startswith("text/plain")
        families = {f.name: f for f in text_string_to_metric_families(r.read().decode())}
    samples = {}
    for f in families.values():
        for s in f.samples:
            samples[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return families, samples


def value(samples, name, **labels):
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_the_metrics_are_there_and_typed(dawg, peer):
    peer.request("/ping", reply="/pong")
    time.sleep(0.3)
    families, samples = scrape(dawg)
    types = {n: f.type for n, f in families.items()}
    assert types["dawg_xruns"] == "counter"
    assert types["dawg_late_cycles"] == "counter"
    assert types["dawg_commands_dropped"] == "counter"
    assert types["dawg_process_callback_seconds"] == "histogram"
    assert types["dawg_cycle_wake_seconds"] == "histogram"
    assert types["dawg_dsp_load_percent"] == "gauge"
    assert types["dawg_uptime_seconds"] == "gauge"
    assert value(samples, "dawg_process_callback_seconds_count") > 10, "every cycle is timed"
    assert value(samples, "dawg_sample_rate_hertz") == 48000
    assert value(samples, "dawg_period_frames") == 256
    assert value(samples, "dawg_commands_dropped_total", ring="command") == 0


def test_osc_messages_and_refusals_are_counted_per_address(dawg, peer):
    t, _ = peer.request("/track/add", "vox", reply="/track/added")
    _, before = scrape(dawg)
    for _ in range(5):
        peer.request("/ping", reply="/pong")
    for _ in range(3):
        peer.request("/nope", 1, reply="/error")
    for gain in (-6.0, -3.0):
        peer.send(f"/strip/{t}/gain", gain)
    peer.request(f"/strip/{t}/gain", float("nan"), reply="/error")
    peer.sync()
    _, after = scrape(dawg)

    def grew(name, **labels):
        return value(after, name, **labels) - value(before, name, **labels)

    assert grew("dawg_osc_messages_total", address="/ping") == 5
    assert grew("dawg_osc_errors_total", address="/ping") == 0
    assert grew("dawg_osc_messages_total", address="unknown") == 3
    assert grew("dawg_osc_errors_total", address="unknown") == 3
    assert grew("dawg_osc_messages_total", address="/strip/<id>/gain") == 3, "ids become <id>"
    assert grew("dawg_osc_errors_total", address="/strip/<id>/gain") == 1
    assert not any(n == "dawg_osc_messages_total" and "/nope" in str(l) for n, l in after), "no label per unknown address"


def test_an_xrun_caused_on_purpose_is_counted(dawg, peer):
    time.sleep(0.5)
    _, before = scrape(dawg)
    os.kill(dawg.proc.pid, signal.SIGSTOP)
    time.sleep(0.15)
    os.kill(dawg.proc.pid, signal.SIGCONT)
    peer.request("/ping", reply="/pong", timeout=5)
    time.sleep(0.5)
    _, after = scrape(dawg)
    assert value(after, "dawg_xruns_total") > value(before, "dawg_xruns_total")
    assert value(after, "dawg_late_cycles_total") > value(before, "dawg_late_cycles_total")
    assert value(after, "dawg_uptime_seconds") > value(before, "dawg_uptime_seconds")


def test_pitch_feedback_latency_is_recorded(jackd, dawg, peer):
    from helpers import Source
    from test_pitch_feedback import tone
    t, _ = peer.request("/track/add", "vox", reply="/track/added")
    peer.send(f"/track/{t}/input", 1)
    peer.send("/pitch/enable", t, 1)
    _, before = scrape(dawg)
    src = Source(jackd.name, tone(220))
    try:
        time.sleep(0.6)
    finally:
        src.close()
    _, after = scrape(dawg)
    readings = value(after, "dawg_pitch_feedback_latency_seconds_count") - value(before, "dawg_pitch_feedback_latency_seconds_count")
    assert readings > 60, "one per voiced reading, every 5 ms"
    assert value(after, "dawg_pitch_readings_dropped_total", track=str(t)) == 0


def test_a_storm_that_overfills_the_engine_shows_in_the_dropped_counter(dawg, peer):
    from helpers import ntp
    t, _ = peer.request("/track/add", "vox", reply="/track/added")
    _, before = scrape(dawg)
    # 2000 gain changes all due at one instant: more than the engine's table of pending
    # timed commands (1024) holds; the rest are applied at once and counted.
    when = ntp(time.time() + 0.5)
    peer.bundle(when, [(f"/strip/{t}/gain", [-6.0 - (i % 10) * 0.1]) for i in range(2000)])
    time.sleep(1.0)
    peer.sync()
    _, after = scrape(dawg)
    dropped = value(after, "dawg_commands_dropped_total", ring="pending") - value(before, "dawg_commands_dropped_total", ring="pending")
    assert dropped > 0, "the overflow is counted"
    assert value(after, "dawg_osc_messages_total", address="/strip/<id>/gain") - value(before, "dawg_osc_messages_total", address="/strip/<id>/gain") == 2000


def test_dawg_status_summarises_health_and_names_problems(dawg, peer):
    import json
    import subprocess
    from helpers import DAWG, free_port, ntp
    run = subprocess.run([str(DAWG), "status", "--http-port", str(dawg.http_port)], capture_output=True, text=True, timeout=20)
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("dawg ok") and "48000 Hz, 256 frames" in run.stdout
    raw = subprocess.run([str(DAWG), "status", "--json", "--http-port", str(dawg.http_port)], capture_output=True, text=True, timeout=20)
    body = json.loads(raw.stdout)
    assert body["status"] == "ok" and body["problems"] == [] and body["sample_rate"] == 48000
    # Overfill the pending table: /health names the problem, and dawg status exits 1.
    t, _ = peer.request("/track/add", "vox", reply="/track/added")
    peer.bundle(ntp(time.time() + 0.3), [(f"/strip/{t}/gain", [-6.0]) for _ in range(2000)])
    time.sleep(0.8)
    run = subprocess.run([str(DAWG), "status", "--http-port", str(dawg.http_port)], capture_output=True, text=True, timeout=20)
    assert run.returncode == 1 and "problem:" in run.stdout and "commands were dropped" in run.stdout, run.stdout
    nobody = subprocess.run([str(DAWG), "status", "--http-port", str(free_port())], capture_output=True, text=True, timeout=20)
    assert nobody.returncode == 2 and "no engine answers" in nobody.stderr


def test_figures_are_kept_in_the_store_and_dawg_metrics_reads_them(jackd, project):
    import json
    import sqlite3
    import subprocess
    from helpers import DAWG, Dawg
    d = Dawg(jackd.name, project, extra=["--metrics-interval", "0.2", "--metrics-retention", "0.0005"])  # 1.8 s
    try:
        time.sleep(1.0)
        os.kill(d.proc.pid, signal.SIGSTOP)
        time.sleep(0.15)
        os.kill(d.proc.pid, signal.SIGCONT)
        time.sleep(3.0)
        run = subprocess.run([str(DAWG), "metrics", "--since", "1h", "--project-dir", str(project)], capture_output=True, text=True, timeout=20)
        assert run.returncode == 0, run.stderr
        xruns = next(l for l in run.stdout.splitlines() if l.strip().startswith("dawg_xruns_total"))
        assert "now" in xruns and float(xruns.split("now")[1]) >= 1, run.stdout
        assert "dawg_dsp_load_percent" in run.stdout and "dawg_commands_dropped_total{ring=command}" in run.stdout
        rows = json.loads(subprocess.run([str(DAWG), "metrics", "--since", "10m", "--name", "dawg_tracks", "--json",
                                          "--project-dir", str(project)], capture_output=True, text=True, timeout=20).stdout)
        assert rows and {r["name"] for r in rows} == {"dawg_tracks"}
        # Retention: nothing older than 1.8 s (and the interval) is left.
        db = sqlite3.connect(project / "dawg.sqlite")
        oldest, newest = db.execute("SELECT MIN(taken_at), MAX(taken_at) FROM metric_samples").fetchone()
        assert newest - oldest <= 1.8 + 0.3, (oldest, newest)
        assert newest > time.time() - 2
    finally:
        assert d.stop() == 0
    bad = subprocess.run([str(DAWG), "metrics", "--since", "yesterday", "--project-dir", str(project)], capture_output=True, text=True)
    assert bad.returncode != 0 and "--since" in bad.stderr
