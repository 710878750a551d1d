"""Pausing Python's cyclic garbage collector around work that allocates and keeps many objects."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Loading a registry, or the site's tables built from it, allocates millions of small acyclic
    objects; the cyclic collector would walk them again and again (a third of the time, and
    pauses of a quarter of a second at random points in ``serve``'s saves)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        # What was made meanwhile goes to the oldest generation, unwalked (freezing, then unfreezing, moves
        # every object there): left young, the next collection of the youngest generation walked all of it at
        # once, 0.9 s after loading an L registry. Inside ``collector_settled`` (objects frozen already) it
        # stays frozen with them, until that ends.
        settled = gc.get_freeze_count() > 0
        gc.freeze()
        if not settled:
            gc.unfreeze()
        if was_enabled:
            gc.enable()


YOUNG = 10_000  # objects allocated between two collections of the youngest generation (Python's default: 700)
OLDEST = 1_000_000  # collections of the middle generation before one of the oldest (default 10): none in a build


@contextmanager
def collector_settled() -> Iterator[Callable[[], None]]:
    """For a build: what exists on entry (the registry), and whatever the caller settles with the
    function yielded (the site's tables once built), is left out of every collection; the youngest
    generation is collected less often, and the oldest not at all (a full collection walks everything not
    frozen: five of them were 2.4 s of a one-record build at L; cycles left meanwhile wait for the end of the
    build). At M the collector took 1.5 s of a one-record build, walking the same millions of long-lived
    objects again; this leaves 0.1 s. Everything is as before on exit."""
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(YOUNG, thresholds[1], OLDEST)
    try:
        yield gc.freeze
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


# What is left for the end of the process, when that end frees nothing (``leave_unfreed``).
_KEPT: list[object] = []
_LEAVING_UNFREED = False


def leave_unfreed() -> None:
    """Said by ``python -m generator``, which ends the process without freeing what is left (``os._exit``)."""
    global _LEAVING_UNFREED
    _LEAVING_UNFREED = True


def keep(value: object) -> None:
    """Hold ``value`` until the process ends, when the end frees nothing: a command's registry, freed object by
    object as the command returns, took 0.4 s of a one-record build at L. Otherwise (a library call, the tests),
    nothing is held."""
    if _LEAVING_UNFREED:
        _KEPT.append(value)
