"""Work forked beside the build: its result, its failure, and its end when the build fails first."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable
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


def _handing(hand: Callable[[str], None], folder: Path) -> str:
    hand("名单")
    while not (folder / "go").exists():  # the rest waits for the parent, which has the handed value by then
        time.sleep(0.01)
    return "文件"


def test_what_is_handed_over_early_comes_before_the_work_ends(tmp_path: Path) -> None:
    with Forked(_handing, tmp_path, early=True) as child:
        assert child.early_result() == "名单"  # the child is still working
        assert child.process.is_alive()
        (tmp_path / "go").touch()
        assert child.result() == "文件"


def test_the_result_alone_when_what_was_handed_over_is_not_asked_for(tmp_path: Path) -> None:
    (tmp_path / "go").touch()
    with Forked(_handing, tmp_path, early=True) as child:
        assert child.result() == "文件"


def test_a_failure_before_the_hand_over_is_raised_where_it_is_awaited() -> None:
    with Forked(lambda _hand: _raise(ValueError("名单坏了")), early=True) as child, pytest.raises(ValueError, match="名单坏了"):
        child.early_result()


def test_work_that_ends_without_handing_over_is_told() -> None:
    with Forked(lambda _hand: "只有结果", early=True) as child, pytest.raises(ChildLost, match="子进程没有交回中间结果"):
        child.early_result()


def test_a_child_killed_before_the_hand_over_is_told() -> None:
    with Forked(lambda _hand: os.kill(os.getpid(), signal.SIGKILL), early=True) as child, \
            pytest.raises(ChildLost, match=r"子进程意外退出（退出码 -9）"):
        child.early_result()
