"""Work run in a forked child process beside the build, its result (or its exception) sent back.

Forked, not spawned: the child starts with the parent's objects (the whole registry and the site's
tables) and nothing is pickled but the result. Used for the rules across files (validate/engine.py, while
``build`` goes on), the search index (render/site/build.py) and the files written from the site's tables
alone, the open data and the editor's data (docs.py): each takes a core the main process would leave idle.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from multiprocessing import get_context
from multiprocessing.connection import Connection
from typing import Any, Self


class ChildLost(Exception):
    """The child ended without a result (killed, out of memory), or its exception does not pickle; the message is Chinese."""


class Forked:
    """``work(*args)`` in a child process; ``result()`` waits for it and returns what it returned, or raises
    what it raised (an exception that does not pickle, as ``lost(message)``). Leaving the block waits for the
    child, or ends it when the block ends in an error, so that nothing writes into the build's folders after.
    With ``early``, the work is called as ``work(hand, *args)``: what it hands over (once) before it returns is
    what ``early_result()`` waits for, so that the parent goes on while the child finishes the rest."""

    def __init__(self, work: Callable[..., Any], *args: Any, lost: Callable[[str], Exception] = ChildLost,
                 early: bool = False) -> None:
        self.work, self.args, self.lost, self.early = work, args, lost, early

    def __enter__(self) -> Self:
        context = get_context("fork")
        self.reader, writer = context.Pipe(duplex=False)
        self.process = context.Process(target=self._run, args=(writer,))
        self.process.start()
        writer.close()
        return self

    def _run(self, writer: Connection) -> None:
        # The parent's objects (all the site's data) are left out of the collector: walking them would
        # touch, and so copy, every page of the parent's memory. This short-lived process frees its own at exit.
        gc.freeze()
        gc.disable()
        try:
            args = ((lambda value: writer.send(("early", value))), *self.args) if self.early else self.args
            writer.send(("ok", self.work(*args)))
        except BaseException as exc:  # noqa: BLE001 - sent to the parent, which raises it
            try:
                writer.send(("error", exc))
            except Exception:  # noqa: BLE001 - an exception that does not pickle: its message
                writer.send(("error", self.lost(str(exc))))

    def early_result(self) -> Any:
        """What the work handed over before it returned (``early``); raises what the child raised before that."""
        kind, value = self._receive()
        if kind != "early":
            raise self.lost("子进程没有交回中间结果")
        return value

    def result(self) -> Any:
        kind, value = self._receive()
        while kind == "early":  # handed over, and not asked for: what it returned follows
            kind, value = self._receive()
        return value

    def _receive(self) -> tuple[str, Any]:
        try:
            kind, value = self.reader.recv()
        except EOFError:
            self.process.join()
            raise self.lost(f"子进程意外退出（退出码 {self.process.exitcode}）") from None
        if kind == "error":
            raise value
        return kind, value

    def __exit__(self, *exc: object) -> None:
        if exc[0] is not None and self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.reader.close()
