"""The search bundle's digest: what a build trusts the last bundle by."""

from __future__ import annotations

import shutil
from pathlib import Path

from generator.render.site.keys import bundle_digest

FILES = {"pagefind.js": b"js", "pagefind-entry.json": b"{}", "index/en_1.pf_index": b"idx", "filter/zh_1.pf_filter": b"f",
         "fragment/zh_aa.pf_fragment": b"one", "fragment/zh_bb.pf_fragment": b"two", "a/x": b"1", "a.b": b"22"}


def _bundle(root: Path, files: dict[str, bytes] = FILES) -> Path:
    for rel, data in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    return root


def test_the_same_files_give_the_same_digest_wherever_they_are(tmp_path: Path) -> None:
    first = bundle_digest(_bundle(tmp_path / "one"))
    assert first and bundle_digest(_bundle(tmp_path / "two", dict(reversed(FILES.items())))) == first
    assert bundle_digest(tmp_path / "missing") == ""


def test_any_change_but_a_fragments_bytes_changes_the_digest(tmp_path: Path) -> None:
    """A fragment is named by a hash of its content: its name stands for its bytes, which are not read."""
    first = bundle_digest(_bundle(tmp_path / "b"))
    changes = {
        "index/en_1.pf_index": lambda p: p.write_bytes(b"idy"),  # same size, other bytes
        "pagefind.js": lambda p: p.write_bytes(b"js!"),
        "fragment/zh_aa.pf_fragment": lambda p: p.rename(p.with_name("zh_ab.pf_fragment")),
        "a/x": lambda p: p.unlink(),
    }
    for rel, change in changes.items():
        shutil.rmtree(tmp_path / "b")
        _bundle(tmp_path / "b")
        change(tmp_path / "b" / rel)
        assert bundle_digest(tmp_path / "b") != first, rel
    shutil.rmtree(tmp_path / "b")
    _bundle(tmp_path / "b")
    (tmp_path / "b" / "fragment" / "zh_aa.pf_fragment").write_bytes(b"ONE")
    assert bundle_digest(tmp_path / "b") == first
