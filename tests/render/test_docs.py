"""The docs stage's workers: a stale build ends them at once."""

from __future__ import annotations

import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import pytest

from generator.render.site.docs import Cancelled, _results


def test_a_stopped_build_ends_its_workers_at_once() -> None:
    """serve: a newer save stops the whole build of the last one; its workers must not go on
    rendering (both cores) while the newer save is being shown."""
    with ProcessPoolExecutor(max_workers=2, mp_context=get_context("fork")) as pool:
        running = [pool.submit(time.sleep, 120) for _ in range(2)]
        while len(getattr(pool, "_processes", {})) < 2:
            time.sleep(0.05)
        workers = list(pool._processes.values())  # type: ignore[union-attr]
        started = time.monotonic()
        with pytest.raises(Cancelled):
            _results(pool, running, lambda: time.monotonic() - started > 0.3)
    # Asked of the kernel, not of Process.is_alive(): the executor's own thread reaps its workers
    # too, and two threads reaping one child can leave is_alive() saying True of a dead process.
    deadline = time.monotonic() + 20
    while not all(_ended(worker.pid) for worker in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert all(_ended(worker.pid) for worker in workers), [(w.pid, _state(w.pid)) for w in workers]
    assert time.monotonic() - started < 60  # not the two minutes the tasks would have taken


def _state(pid: int | None) -> str:
    """The process's state letter in /proc ("R", "S", "Z"…), "" once it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):  # gone, or going while it was read
        return ""
    return stat.rsplit(")", 1)[1].split()[0]


def _ended(pid: int | None) -> bool:
    return _state(pid) in ("", "Z", "X")  # reaped, or dead and waiting to be reaped


def test_results_come_in_order_when_nothing_stops() -> None:
    with ProcessPoolExecutor(max_workers=2, mp_context=get_context("fork")) as pool:
        running = [pool.submit(pow, 2, n) for n in range(5)]
        assert _results(pool, running, lambda: False) == [1, 2, 4, 8, 16]
        assert _results(pool, [pool.submit(pow, 3, 2)], None) == [9]
