"""Folding for search: traditional characters and variants found as simplified (陸明華 → 陆明华)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from generator.render.site import hanzi


def test_every_character_the_table_knows_is_folded() -> None:
    """fold skips what cannot fold; every key of OpenCC's table, among markup and letters, still folds."""
    table = hanzi.fold_table()
    text = "".join(f"<b>{key}</b>aa{key}{key} " for key in table)
    assert hanzi.fold(text) == "".join(f"<b>{value}</b>aa{value}{value} " for value in table.values())


def test_a_name_in_traditional_characters_is_folded() -> None:
    assert hanzi.fold('<p data-pagefind-meta="title">陸明華 · 髮型師 Li</p>') == '<p data-pagefind-meta="title">陆明华 · 发型师 Li</p>'


@given(st.text(alphabet=st.sampled_from([*"abc <>=\"·、，", *"陸明華髮型師陆明华", chr(0x346E), chr(0x346F), "𠀀"])))
def test_fold_is_the_tables_translation(text: str) -> None:
    assert hanzi.fold(text) == text.translate(str.maketrans(hanzi.fold_table()))
