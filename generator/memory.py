"""Pausing Python's cyclic garbage collector around work that allocates and keeps many objects."""

from __future__ import annotations

import gc
from collections.abc import Iterator
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
        if was_enabled:
            gc.enable()
