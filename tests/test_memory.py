from __future__ import annotations

import gc

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
