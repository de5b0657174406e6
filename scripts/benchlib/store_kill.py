"""The project store under kill -9, long version of Tests/integration/test_store_kill.py:
a writer doing what the engine and the supervisor do is killed with SIGKILL --kills
times at random moments; every write it said was committed must be there, and
SQLite's integrity check must pass.

    .venv/bin/python scripts/benchlib/store_kill.py [--kills 1000]
"""
import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "Tests" / "integration"))
if "DAWG_BIN" not in os.environ:
    os.environ["DAWG_BIN"] = str(HERE.parents[1] / ".build/release/dawg")
from helpers import check_committed, store_kill_loop  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kills", type=int, default=1000)
    args = ap.parse_args()
    db = Path(tempfile.mkdtemp(prefix="dawg-storekill-")) / "dawg.sqlite"
    started = time.monotonic()
    said = store_kill_loop(db, args.kills)
    seconds = time.monotonic() - started
    checked = check_committed(db, said)
    open_takes = sum(line.endswith("recording") for line in said) - sum(line.endswith("complete") for line in said)
    print(f"store under kill -9: {args.kills} kills in {seconds:.0f} s; {checked} committed writes all found as written "
          f"({open_takes} takes killed while open), PRAGMA integrity_check ok, {db.stat().st_size // 1024} kB")


if __name__ == "__main__":
    main()
