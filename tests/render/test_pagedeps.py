"""A page's dependencies: every key its template asks for, misses and whole tables included."""

from __future__ import annotations

import json
from dataclasses import replace

from jinja2 import Environment

from generator.render.site import pagedeps
from generator.render.site.data import SiteData
from generator.render.site.pagedeps import Digests, Recording, Tracked


def _render(source: str, tables: dict[str, Tracked]) -> set[tuple[str, str]]:
    with Recording([("masters", "li-jun")]) as seen:
        Environment().from_string(source).render(**tables)
    return seen


def test_the_keys_a_template_reads_are_its_dependencies() -> None:
    masters = Tracked("masters", {"li-jun": {"name": "李军"}, "wang-qiang": {"name": "王强"}})
    units = Tracked("units", {"u1": {"name": "一厂"}})
    seen = _render("{{ masters['wang-qiang'].name }}{{ units.get('u2') }}{% if 'u9' in units %}x{% endif %}",
                   {"masters": masters, "units": units})
    assert seen == {("masters", "li-jun"), ("masters", "wang-qiang"), ("units", "u2"), ("units", "u9")}
    assert _render("{% for m in masters.values() %}{{ m.name }}{% endfor %}", {"masters": masters}) >= {("masters", pagedeps.WHOLE)}
    assert _render("{{ masters | length }}", {"masters": masters}) >= {("masters", pagedeps.WHOLE)}
    with Recording([]) as seen:
        pass
    masters.get("zhou-min")  # after the page: not its dependency
    assert seen == set()


def test_a_page_printing_the_sites_date_depends_on_it_and_the_others_do_not() -> None:
    """数据截至 moves with every newer record: only the pages that print it are to be rendered again."""
    site = SiteData(programmes={}, units={}, masters={"li-jun": {"name": "李军"}}, studios={}, pairs={}, facts={"as_of": "2026-12-03"})
    tables = pagedeps.track(site)
    env = Environment()
    env.globals["site"] = site
    with Recording([]) as dated:
        assert env.from_string("{% if site.as_of %}数据截至 {{ site.as_of }}{% endif %}").render() == "数据截至 2026-12-03"
    with Recording([]) as undated:
        env.from_string("{{ site.masters['li-jun'].name }}").render()
    assert ("facts", "as_of") in dated and ("facts", "as_of") not in undated
    before = Digests(tables).page("k", "progress.md", sorted(dated))
    site.facts["as_of"] = "2026-12-05"
    assert Digests(tables).page("k", "progress.md", sorted(dated)) != before


def test_a_page_digest_changes_exactly_when_a_dependency_does() -> None:
    masters = Tracked("masters", {"li-jun": {"name": "李军"}, "wang-qiang": {"name": "王强"}})
    deps = [("masters", "li-jun"), ("units", "u2")]
    before = Digests({"masters": masters, "units": Tracked("units", {})}).page("k", "masters/li-jun.md", deps)
    masters["wang-qiang"] = {"name": "王刚"}  # not a dependency
    assert Digests({"masters": masters, "units": Tracked("units", {})}).page("k", "masters/li-jun.md", deps) == before
    assert Digests({"masters": masters, "units": Tracked("units", {"u2": {}})}).page("k", "masters/li-jun.md", deps) != before
    masters["li-jun"] = {"name": "李俊"}
    assert Digests({"masters": masters, "units": Tracked("units", {})}).page("k", "masters/li-jun.md", deps) != before
    assert Digests({"masters": masters, "units": Tracked("units", {})}).page("other key", "masters/li-jun.md", deps) != \
        Digests({"masters": masters, "units": Tracked("units", {})}).page("k", "masters/li-jun.md", deps)


def test_records_survive_the_file_and_a_broken_file_means_none() -> None:
    record = pagedeps.PageRecord.made("d", (("masters", "li-jun"), ("by.masters_of_unit", "u1")), "h", ("og/x.png", ("匠谱", "李军", "电工")))
    kept = pagedeps.Records({"masters/li-jun.md": record, "masters/wang.md": record.with_stamp((1, 2, 3, 4, 5, 6))}, "b",
                            pagedeps.Made("k", {"index.html": "d1", "assets/x.css": "d2"}, "<urlset/>", "H4sI"),
                            pagedeps.Tables("k", {"masters": {"li-jun": "d3", pagedeps.WHOLE: "d4"}}))
    assert pagedeps.load(pagedeps.dump(kept)) == kept
    assert pagedeps.load(pagedeps.dump(replace(kept, tables=None))).tables is None
    assert pagedeps.load(pagedeps.dump(kept)).pages["masters/li-jun.md"].deps == (("masters", "li-jun"), ("by.masters_of_unit", "u1"))
    # A damaged dependency line is a dependency no table has: the page's digest differs, and it is rendered again.
    damaged = pagedeps.PageRecord(record.digest, "masters\tli-jun\nno tab here", record.html, record.card)
    assert damaged.deps == (("masters", "li-jun"), ("no tab here", ""))
    assert record.reads(pagedeps.as_lines([("units", "u9"), ("by.masters_of_unit", "u1")]))
    assert not record.reads(pagedeps.as_lines([("masters", "li"), ("masters_of_unit", "u1"), ("by.masters_of_unit", "u")]))
    none = pagedeps.Records({})
    assert pagedeps.load("{") == none and pagedeps.load('{"format": 99, "pages": {}}') == none
    assert pagedeps.load(json.dumps({"format": pagedeps.FORMAT, "pages": {"a": [1]}})) == none
    for damaged_record in (["d", "l", "h", ["og/x.png", "匠谱"], None], ["d", "l", "h", None, "1 2 3"], ["d", 5, "h", None, None]):
        assert pagedeps.load(json.dumps({"format": pagedeps.FORMAT, "pages": {"a": damaged_record}})) == none


def _tables(key: str, masters: dict[str, object], units: dict[str, object]) -> pagedeps.Tables:
    return pagedeps.Tables(key, Digests({"masters": Tracked("masters", masters), "units": Tracked("units", units)}).every())


def test_only_the_pages_reading_a_key_whose_digest_changed_are_checked() -> None:
    """The next build computes the digests of the profiles that read something changed since the last, and of
    no other: their digests are the ones recorded."""
    before = _tables("k", {"li-jun": {"name": "李军"}, "wang-qiang": {"name": "王强"}}, {"u1": {"name": "一厂"}})
    renamed = _tables("k", {"li-jun": {"name": "李俊"}, "wang-qiang": {"name": "王强"}}, {"u1": {"name": "一厂"}})
    added = _tables("k", {"li-jun": {"name": "李军"}, "wang-qiang": {"name": "王强"}}, {"u1": {"name": "一厂"}, "u2": {}})
    whole = pagedeps.WHOLE
    assert pagedeps.changed_between(before, renamed) == {("masters", "li-jun"), ("masters", whole)}
    assert pagedeps.changed_between(before, added) == {("units", "u2"), ("units", whole)}
    assert pagedeps.changed_between(before, before) == set()
    assert pagedeps.changed_between(before, replace(before, key="another")) is None
    gone = pagedeps.Tables("k", {"masters": before.digests["masters"]})  # a table dropped: each of its keys and the whole of it
    assert pagedeps.changed_between(before, gone) == {("units", "u1"), ("units", whole)}
    pages = {"masters/li-jun.md": pagedeps.PageRecord.made("d", [("masters", "li-jun"), ("units", "u1")], "h", None),
             "masters/wang-qiang.md": pagedeps.PageRecord.made("d", [("masters", "wang-qiang"), ("units", "u2")], "h", None),
             "units/u1.md": pagedeps.PageRecord.made("d", [("masters", whole), ("units", "u1")], "h", None)}
    assert pagedeps.to_check(pages, before, renamed) == {"masters/li-jun.md", "units/u1.md"}
    # A unit that appears: the page that looked it up and missed, and none other.
    assert pagedeps.to_check(pages, before, added) == {"masters/wang-qiang.md"}
    assert pagedeps.to_check(pages, before, before) == frozenset()
    # No tables recorded (a build by an older version, or serve's pages in place), or another key: every page.
    assert pagedeps.to_check(pages, None, before) is None
    assert pagedeps.to_check(pages, replace(before, key="another"), before) is None


def test_every_digest_is_the_one_a_page_takes() -> None:
    """The tables recorded hold, under each key and the whole of each table, the digest a page's digest takes."""
    tables = {"masters": Tracked("masters", {"li-jun": {"name": "李军"}}), "units": Tracked("units", {})}
    every = Digests(tables).every()
    fresh = Digests(tables)
    assert every == {"masters": {"li-jun": fresh.of("masters", "li-jun"), pagedeps.WHOLE: fresh.of("masters", pagedeps.WHOLE)},
                     "units": {pagedeps.WHOLE: fresh.of("units", pagedeps.WHOLE)}}


def test_a_table_with_keys_of_several_types_has_a_digest_and_a_string_keyed_one_keeps_its_own() -> None:
    mixed = {"units": Tracked("units", {"b": 1, 2: "two", "a": 3, None: 4})}
    whole = Digests(mixed).every()["units"][pagedeps.WHOLE]
    assert whole == Digests(mixed).of("units", pagedeps.WHOLE)
    assert whole == Digests({"units": Tracked("units", {None: 4, "a": 3, 2: "two", "b": 1})}).every()["units"][pagedeps.WHOLE]
    plain = {"units": Tracked("units", {"b": 1, "a": 3})}
    digest = pagedeps.hashlib.blake2b(pagedeps._canonical([("a", Digests(plain).of("units", "a")), ("b", Digests(plain).of("units", "b"))]),
                                      digest_size=12).hexdigest()
    assert Digests(plain).every()["units"][pagedeps.WHOLE] == digest, "string keys in their order, as recorded before"


def test_a_page_listing_honours_depends_on_every_master_and_studio_each_time_it_asks() -> None:
    """SiteData.honours is made once a build (five parts ask for it); a page asking after it was made still
    depends on every master and studio, as the first asker does, and gets the same list (its own copy)."""
    honour = {"name": "技术能手", "level": "市级", "year": 2024, "issuer": ""}
    site = SiteData(programmes={}, units={}, masters={"li-jun": {"id": "li-jun", "name": "李军", "honours": [honour]}},
                    studios={"s1": {"id": "s1", "name": "李军工作室", "honours": [{**honour, "year": 2025}]}}, pairs={})
    pagedeps.track(site)
    with Recording([]) as first:
        made = site.honours()
    with Recording([]) as again:
        asked = site.honours()
    assert first == again == {("masters", pagedeps.WHOLE), ("studios", pagedeps.WHOLE)}
    assert asked == made and asked is not made and [h["holder"] for h in made] == ["s1", "li-jun"]  # the newer first
    site.masters["li-jun"]["honours"] = []  # a table replaced (track) makes it again; the same tables do not
    pagedeps.track(site)
    assert [h["holder"] for h in site.honours()] == ["s1"]
