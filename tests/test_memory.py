from __future__ import annotations

import gc

import pytest

from generator import memory
from generator.memory import collector_paused, collector_settled


def test_what_a_paused_collector_saw_made_is_not_left_for_the_young_generation() -> None:
    """A registry loaded with the collector paused (millions of objects at L) must not all be walked by the
    next collection of the youngest generation: it is handed to the oldest one, and nothing stays frozen."""
    was = gc.isenabled()
    gc.enable()
    try:
        with collector_paused():
            assert not gc.isenabled()
            made = [[i] for i in range(50_000)]  # lists: tracked by the collector, as the records are
        # In the oldest generation at once; left young, the next collection would have walked all 50,000.
        assert any(o is made for o in gc.get_objects(generation=2))
        assert gc.isenabled() and gc.get_freeze_count() == 0 and len(made) == 50_000
    finally:
        gc.enable() if was else gc.disable()


def test_inside_a_settled_build_what_was_made_stays_frozen_until_it_ends() -> None:
    with collector_settled():
        frozen = gc.get_freeze_count()
        with collector_paused():
            made = [[i] for i in range(10_000)]
        assert gc.get_freeze_count() >= frozen + 10_000 and len(made) == 10_000
    assert gc.get_freeze_count() == 0


def test_a_settled_build_makes_no_full_collection_and_restores_the_collector(monkeypatch: pytest.MonkeyPatch) -> None:
    """A full collection walks every object not frozen (at L, 2.4 s of a one-record build in five): none during a build.
    (The youngest generation's threshold scaled down, so that a test's allocations would reach full collections.)"""
    monkeypatch.setattr(memory, "YOUNG", 100)
    before = gc.get_threshold()
    full: list[int] = []

    def seen(phase: str, info: dict[str, int]) -> None:
        if phase == "start" and info["generation"] == 2:
            full.append(1)

    gc.callbacks.append(seen)
    try:
        with memory.collector_settled() as settle:
            settle()
            kept = [[[i]] for i in range(300_000)]  # at Python's defaults, several full collections
        assert not full and len(kept) == 300_000
    finally:
        gc.callbacks.remove(seen)
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0
