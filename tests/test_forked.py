"""Work forked beside the build: its result, its failure, and its end when the build fails first."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from generator.forked import ChildLost, Forked


class _Unpicklable(Exception):
    def __reduce__(self) -> tuple[object, ...]:
        raise TypeError("not picklable")


def _raise(exc: BaseException) -> None:
    raise exc


def test_the_result_comes_back_and_its_side_effects_stay(tmp_path: Path) -> None:
    def work(folder: Path) -> dict[str, list[int]]:
        (folder / "written").write_text("子进程写的", encoding="utf-8")
        return {"lines": [1, 2, 3]}

    with Forked(work, tmp_path) as child:
        assert child.result() == {"lines": [1, 2, 3]}
    assert (tmp_path / "written").read_text(encoding="utf-8") == "子进程写的"


def test_the_childs_exception_is_raised_here() -> None:
    with Forked(_raise, ValueError("坏了")) as child, pytest.raises(ValueError, match="坏了"):
        child.result()


def test_an_exception_that_does_not_pickle_comes_as_its_message() -> None:
    with Forked(_raise, _Unpicklable("无法传回")) as child, pytest.raises(ChildLost, match="无法传回"):
        child.result()


def test_a_child_killed_is_told_with_its_exit_code() -> None:
    with Forked(lambda: os.kill(os.getpid(), signal.SIGKILL), lost=lambda m: RuntimeError(f"索引：{m}")) as child, \
            pytest.raises(RuntimeError, match=r"索引：子进程意外退出（退出码 -9）"):
        child.result()


def test_a_failure_here_ends_the_child_before_the_block_is_left(tmp_path: Path) -> None:
    """Nothing may write into the build's folders once the build has failed and put the last site back."""
    started = tmp_path / "started"

    def slow() -> None:
        started.touch()
        time.sleep(30)
        (tmp_path / "late").touch()

    began = time.monotonic()
    with pytest.raises(KeyError), Forked(slow) as child:
        while not started.exists():
            time.sleep(0.01)
        raise KeyError("这里先失败")
    assert not child.process.is_alive()
    assert time.monotonic() - began < 20
    assert not (tmp_path / "late").exists()
