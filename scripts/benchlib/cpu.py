"""A process's CPU time from the scheduler's nanosecond accounting, thread by thread
(/proc/<pid>/task/*/schedstat), not the 10 ms ticks of /proc/<pid>/stat: a tick is
0.1 % of a 10 s run, as large as the differences the benchmarks look for."""
import time
from pathlib import Path


def thread_times(pid):
    """Thread id → on-CPU seconds, for the threads alive now."""
    times = {}
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            times[task.name] = int((task / "schedstat").read_text().split()[0]) / 1e9
        except (FileNotFoundError, ProcessLookupError):
            pass  # a thread that ended between the listing and the read
    return times


class Window:
    """CPU used by a process between `__init__` and `percent()`, as % of one core.
    A thread that ends inside the window takes its time with it (it is not counted
    twice or negatively); the engines' threads live for the whole run."""

    def __init__(self, pid):
        self.pid, self.start, self.t0 = pid, thread_times(pid), time.time()

    def percent(self, last=None):
        end = last if last is not None else thread_times(self.pid)
        used = sum(t - self.start.get(tid, 0.0) for tid, t in end.items())
        return 100 * used / (time.time() - self.t0)


def cpu_over(pid, seconds):
    w = Window(pid)
    time.sleep(seconds)
    return w.percent()
