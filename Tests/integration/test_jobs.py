"""Slow work is kept in the project store's `jobs`: file loads, patch saves and loads,
done or failed with the reason; listed over OSC (`/jobs`) and by `dawg project jobs`;
a job an engine was killed in is marked interrupted when the next one starts."""
import sqlite3
import subprocess

import numpy as np

from helpers import DAWG, Dawg, Peer, write_wav


def rows(project):
    con = sqlite3.connect(project / "dawg.sqlite")
    try:
        return con.execute("SELECT kind, arguments, state, result FROM jobs ORDER BY id").fetchall()
    finally:
        con.close()


def test_slow_work_is_kept_as_jobs_with_how_it_went(dawg, peer, project):
    write_wav(project / "tone.wav", [np.zeros(4800, dtype=np.float32)])
    (project / "broken.wav").write_bytes(b"RIFF\x10\x00\x00\x00WAVEjunk")
    t, _ = peer.request("/track/add", "vox", reply="/track/added")
    peer.send(f"/track/{t}/load", "tone.wav")
    assert peer.expect("/done", 10) == [f"/track/{t}/load"]
    peer.send(f"/track/{t}/load", "broken.wav")
    fail = peer.expect("/fail", 10)
    peer.send("/patch/save", "a.json")
    assert peer.expect("/done", 10) == ["/patch/save"]
    peer.sync()
    kept = rows(project)
    assert [(k, s) for k, _, s, _ in kept] == [("load", "done"), ("load", "failed"), ("patch/save", "done")]
    assert kept[0][1] == f"track {t}: tone.wav at 0.0 s" and kept[1][3] == fail[1] and "broken.wav" in kept[1][3]
    peer.send("/jobs")
    listed = [peer.expect("/job") for _ in range(3)]
    assert peer.expect("/jobs.end") == [3]
    assert [j[1:4] for j in listed] == [[k, a, s] for k, a, s, _ in kept]
    peer.send("/jobs", 0)
    assert peer.expect("/error")[0] == "/jobs"
    cli = subprocess.run([str(DAWG), "project", "jobs", "--project-dir", str(project)], capture_output=True, text=True, timeout=30)
    assert cli.returncode == 0 and len(cli.stdout.splitlines()) == 3 and "\tfailed\t" in cli.stdout


def test_a_job_left_running_by_a_killed_engine_is_marked_interrupted(jackd, project):
    d = Dawg(jackd.name, project)
    assert d.stop() == 0
    con = sqlite3.connect(project / "dawg.sqlite")
    con.execute("INSERT INTO jobs (project_id, kind, arguments, state) VALUES (1, 'load', 'track 1: long.wav', 'running')")
    con.commit()
    con.close()
    d = Dawg(jackd.name, project)
    try:
        assert rows(project)[-1][2] == "interrupted"
        assert "1 jobs were left unfinished" in d.log()
    finally:
        assert d.stop() == 0
