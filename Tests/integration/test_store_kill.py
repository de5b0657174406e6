"""The project store under kill -9: a writer doing what the engine and the supervisor
do (takes, metric samples, audit entries, patch versions) is killed with SIGKILL two
hundred times at random moments; every write it had said was committed is there, as
written, and SQLite's own integrity check passes. The benchmark runs a thousand."""
from helpers import check_committed, store_kill_loop


def test_hundreds_of_kills_during_writes_lose_no_committed_row(tmp_path):
    db = tmp_path / "dawg.sqlite"
    said = store_kill_loop(db, kills=200)
    assert len(said) > 200, "the writer got some way each time"
    assert check_committed(db, said) == len(said)
    assert sum(line.endswith("recording") for line in said) > 50
