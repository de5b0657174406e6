import glob
import os
import subprocess
import time

import pytest
from _pytest.runner import runtestprotocol

from helpers import Dawg, Jackd, Peer, REPO, noise_signal, write_wav, RATE


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_protocol(item, nextitem):
    """A test that fails while a JACK server of the run reported an xrun (its timer
    woken late, or a client not done in its cycle: this shared host held a thread past
    a period, and sample-exact audio was not there to check) runs again, up to twice
    (on a bad hour an idle server here reports an xrun every second or two), and the log
    says so. A failure without an xrun stands, and so does a third one."""
    item.ihook.pytest_runtest_logstart(nodeid=item.nodeid, location=item.location)
    for attempt in range(1, 4):
        marks = Jackd.marks()
        reports = runtestprotocol(item, nextitem=nextitem, log=False)
        xruns = Jackd.xruns_since(marks)
        failure = next((r for r in reports if r.failed), None)
        if failure is None or not xruns or attempt == 3:
            break
        said = getattr(getattr(failure.longrepr, "reprcrash", None), "message", "") or failure.longreprtext
        item.config.pluginmanager.get_plugin("terminalreporter").write_line(
            f"\n{item.nodeid}: failed with {xruns} xrun(s) reported by jackd, run again. "
            f"Run {attempt}: {' '.join(said.split())[:300]}")
        item._initrequest()
    for r in reports:
        item.ihook.pytest_runtest_logreport(report=r)
    item.ihook.pytest_runtest_logfinish(nodeid=item.nodeid, location=item.location)
    return True


@pytest.fixture(scope="session", autouse=True)
def no_stale_jack_files():
    """A jackd killed with SIGKILL (some tests do it on purpose) leaves its semaphores
    and shared-memory registry in /dev/shm, and enough of them stop new servers from
    starting. Before the run, when no jackd runs on the machine, they go."""
    if subprocess.run(["pgrep", "-x", "jackd"], capture_output=True).returncode != 0:
        for f in glob.glob("/dev/shm/jack_sem.*") + glob.glob("/dev/shm/jack-shm-registry") + glob.glob("/dev/shm/jack_db*"):
            try:
                os.remove(f)
            except OSError:
                pass
    yield


@pytest.fixture(scope="module")
def jackd():
    server = Jackd()
    yield server
    server.stop()


@pytest.fixture
def project(tmp_path):
    """A project directory with labelled test audio."""
    write_wav(tmp_path / "noise.wav", [noise_signal(RATE * 4)])
    write_wav(tmp_path / "dc.wav", [[0.5] * (RATE * 4)])
    write_wav(tmp_path / "stereo.wav", [[0.25] * RATE, [-0.5] * RATE])
    write_wav(tmp_path / "noise44k.wav", [noise_signal(44100 * 2)], rate=44100)
    (tmp_path / "sub").mkdir()
    return tmp_path


@pytest.fixture
def dawg(jackd, project):
    d = Dawg(jackd.name, project)
    # JACK transport outlives each dawg on the module's server: start every test
    # from a stopped transport at zero.
    p = Peer(d.osc_port)
    p.send("/transport/stop")
    p.send("/transport/locate", 0.0)
    deadline = time.time() + 5
    while p.request("/transport", reply="/transport/state") != [0, 0.0]:
        assert time.time() < deadline, "transport did not stop"
        time.sleep(0.02)
    p.close()
    yield d
    code = d.stop()
    assert code == 0, d.log()


@pytest.fixture
def peer(dawg):
    p = Peer(dawg.osc_port)
    yield p
    p.close()


def pytest_terminal_summary(terminalreporter):
    """Where the run's pictures are (the page's screenshots), for a person to look at."""
    artifacts = REPO / ".build" / "artifacts"
    pictures = sorted(artifacts.glob("*.png")) if artifacts.exists() else []
    if pictures:
        terminalreporter.write_sep("-", "artefacts")
        for p in pictures:
            terminalreporter.write_line(str(p))
