"""Shared helpers: building a registry folder from the base and a case overlay."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.rehearsal import Machine

CASES = Path(__file__).parent / "cases"
BASE = CASES / "_base" / "records"
REPO = Path(__file__).resolve().parents[1]


def make_registry(target: Path, *overlays: Path) -> Path:
    """Copy the base registry, then each overlay's records/ on top of it."""
    records = target / "records"
    shutil.copytree(BASE, records)
    for overlay in overlays:
        shutil.copytree(overlay / "records", records, dirs_exist_ok=True)
    return records


# The slowest files, slowest first (pytest --durations=60, December 2026). With ``--dist loadfile`` a file
# runs whole in one process; collected in name order, test_package.py and test_rehearsal.py (six minutes
# between them) came last and left the other process idle for minutes. pyproject.toml turns off
# xdist's own order (by the number of tests in a file), so the order here is the order they start in.
SLOWEST_FIRST = ("test_rehearsal.py", "render/test_incremental.py", "test_package.py", "render/test_cms.py",
                 "render/test_forms.py", "render/test_site.py", "render/test_serve.py", "render/test_browser.py")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        path = item.path.relative_to(Path(__file__).parent).as_posix()
        return SLOWEST_FIRST.index(path) if path in SLOWEST_FIRST else len(SLOWEST_FIRST)

    items.sort(key=rank)  # stable: within a file, and among the others, the order stays


@pytest.fixture(scope="session")
def _font_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The forms' compact font takes ~12 s to make: once for the whole run, not once a test."""
    return tmp_path_factory.mktemp("font-cache")


@pytest.fixture(autouse=True)
def _user_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch, _font_cache: Path) -> Path:
    """The validate cache lives in the user's cache folder: a test's own, never the real one."""
    folder = tmp_path_factory.mktemp("xdg-cache")
    monkeypatch.setenv("XDG_CACHE_HOME", str(folder))
    monkeypatch.setenv("JIANGPU_FONT_CACHE", str(_font_cache))
    return folder


@pytest.fixture
def registry_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the base registry; the working folder is its parent, as in a checkout."""
    monkeypatch.chdir(tmp_path)
    return make_registry(tmp_path)


def build_sample_site(target: Path, records: Path | None = None) -> Path:
    """Validate and build a registry (the sample by default) into ``target/site``."""
    from datetime import date

    from generator.render.site.build import build_site
    from generator.validate.engine import validate

    run = validate(records or REPO / "records", today=date(2026, 11, 22), jobs=1)
    assert not run.result.errors, run.result.errors
    build_site(run.registry, config_file=REPO / "mkdocs.yml", site_dir=target / "site", docs_dir=target / "docs")
    return target / "site"


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_sample_site(tmp_path_factory.mktemp("sample"))


@pytest.fixture(scope="session")
def machine(tmp_path_factory: pytest.TempPathFactory, _font_cache: Path) -> Machine:
    """The runner the workflow rehearsals share: its Python, pip's cache of the locked wheels, the font."""
    return Machine.prepare(tmp_path_factory.mktemp("runner-machine"), REPO, _font_cache)
