"""Incremental builds: re-render only the profile pages whose Markdown changed.

A build writes a manifest beside the docs folder: a key for everything that shapes
every page (the generator's code, the templates and theme overrides, the installed
MkDocs and Material, the configuration as read, the navigation pages' front matter),
and a hash of every file the docs folder held. The next build renders the docs again
(cheap: our own templates), and when the key is the same it hands MkDocs every page
except the profiles whose Markdown is unchanged; their HTML is taken from the previous
site, and their sitemap entries too. Profiles are out of the navigation and link to
each other only through plain HTML (see ``parallel.py``), so a profile's HTML depends on
its Markdown and on the key alone: the result is the clean build's, byte for byte (a
test compares them after edits, additions, deletions and renames of every kind).

Any doubt means a clean build: no manifest, another key, a manifest of another format,
a previous page missing, or a previous page (or the sitemap) that is not the one this tool
wrote: the manifest holds a hash of each profile's output folder and of the sitemap, checked
before anything is carried over, so a page tampered with in ``site/`` (or a file added to its
folder) never reaches the next build. The search index is rebuilt from the entries every time (it
runs beside MkDocs, see ``build.py``).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from generator.render.site.parallel import PROFILE_FOLDERS, page_url, profile_pages
from generator.resources import SCHEMA_DIR, TEMPLATE_DIR

MANIFEST = "jiangpu-manifest.json"
FORMAT = 2
SITEMAP = "sitemap.xml"
PACKAGES = ("mkdocs", "mkdocs-material", "pymdown-extensions", "markdown", "jinja2", "pagefind-bin-extended")
GENERATOR_DIR = Path(__file__).resolve().parents[2]  # generator/


@dataclass(frozen=True, slots=True)
class Manifest:
    key: str
    files: dict[str, str]  # docs-relative path -> BLAKE2b of the file
    outputs: dict[str, str] = field(default_factory=dict)  # profile page (and the sitemap) -> digest of what was written

    def to_json(self) -> str:
        return json.dumps({"format": FORMAT, "key": self.key, "files": self.files, "outputs": self.outputs},
                          ensure_ascii=False, sort_keys=True)


@dataclass(frozen=True, slots=True)
class Plan:
    """What a build does: ``reuse`` profiles come from the previous site; ``clean`` says why not."""

    reuse: frozenset[str]
    rebuilt: tuple[str, ...]  # profiles rendered by MkDocs this time
    clean: str = ""  # the reason for a clean build ("" when incremental)


def _digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def tree_digest(root: Path, suffixes: Iterable[str]) -> str:
    wanted = tuple(suffixes)
    hasher = hashlib.blake2b(digest_size=16)
    for path in sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in wanted and "__pycache__" not in p.parts):
        hasher.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return hasher.hexdigest()


def versions(names: Iterable[str] = PACKAGES) -> str:
    """The installed versions of ``names`` and Python's, as one string for a cache key."""
    found = []
    for name in names:
        try:
            found.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            found.append(f"{name}=-")
    return ";".join(found) + f";python={sys.version_info[:3]}"


def _front_matter(text: str) -> str:
    if not text.startswith("---\n"):
        return ""
    end = text.find("\n---", 4)
    return text[: end + 4] if end != -1 else ""


def build_key(config_file: Path, options: object, docs: Path) -> str:
    """Everything a profile's HTML depends on besides its own Markdown (the schemas too: the issue's
    rule is that any change to them means a clean build, even where no page would differ)."""
    parts = [
        f"format={FORMAT}", versions(),
        tree_digest(GENERATOR_DIR, (".py",)), tree_digest(TEMPLATE_DIR, (".j2", ".html", ".css", ".js", ".svg", ".yml", ".lock")),
        tree_digest(SCHEMA_DIR, (".json",)),
        _digest(config_file.read_bytes()), repr(options),
    ]
    # The navigation (tabs, titles) is in every page: the front matter of every page that is not a profile.
    profiles = set(profile_pages(docs))
    for page in sorted(docs.rglob("*.md")):
        rel = page.relative_to(docs).as_posix()
        if rel not in profiles:
            parts.append(rel + "\0" + _front_matter(page.read_text(encoding="utf-8")))
    return _digest("\n".join(parts).encode())


def file_hashes(docs: Path) -> dict[str, str]:
    return {p.relative_to(docs).as_posix(): _digest(p.read_bytes()) for p in sorted(docs.rglob("*")) if p.is_file()}


def read_manifest(path: Path) -> Manifest | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("files"), dict) \
            or not isinstance(data.get("outputs"), dict):
        return None
    return Manifest(str(data.get("key")), {str(k): str(v) for k, v in data["files"].items()},
                    {str(k): str(v) for k, v in data["outputs"].items()})


def folder_digest(folder: Path) -> str:
    """Every file below ``folder`` (names and bytes), as one digest: an edited page and an added
    file both change it. "" when the folder is not there."""
    if not folder.is_dir():
        return ""
    hasher = hashlib.blake2b(digest_size=16)
    for path in sorted(p for p in folder.rglob("*") if p.is_file() or p.is_symlink()):
        hasher.update(path.relative_to(folder).as_posix().encode() + b"\0")
        hasher.update(b"link\0" if path.is_symlink() else path.read_bytes())
        hasher.update(b"\0")
    return hasher.hexdigest()


def output_hashes(site: Path, docs: Path) -> dict[str, str]:
    """What this build wrote for each profile, and its sitemap: checked by the next build."""
    found = {page: folder_digest(site / page_url(page)) for page in profile_pages(docs)}
    sitemap = site / SITEMAP
    found[SITEMAP] = _digest(sitemap.read_bytes()) if sitemap.is_file() else ""
    return found


def write_manifest(path: Path, manifest: Manifest) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.new-{os.getpid()}")
    temporary.write_text(manifest.to_json(), encoding="utf-8")
    os.replace(temporary, path)


def plan(previous: Manifest | None, current: Manifest, docs: Path, site: Path, clean: bool = False) -> Plan:
    profiles = profile_pages(docs)
    reason = ("按要求（--clean）" if clean else "没有上次生成的记录" if previous is None else
              "程序、模板、主题、记录结构或配置有变化" if previous.key != current.key else "上次生成的网站不在" if not site.is_dir() else "")
    if reason:
        return Plan(frozenset(), tuple(profiles), reason)
    assert previous is not None
    reuse = frozenset(p for p in profiles if previous.files.get(p) == current.files.get(p) and (site / page_url(p) / "index.html").is_file())
    tampered = _tampered(previous, site, reuse)
    if tampered:
        return Plan(frozenset(), tuple(profiles), f"上次生成的网站中 {tampered} 与记录的不一致，可能被改动过")
    return Plan(reuse, tuple(p for p in profiles if p not in reuse))


def _tampered(previous: Manifest, site: Path, reuse: Iterable[str]) -> str:
    """The first output the next build would carry over that is not what the manifest says was written."""
    sitemap = site / SITEMAP
    if previous.outputs.get(SITEMAP) != (_digest(sitemap.read_bytes()) if sitemap.is_file() else ""):
        return SITEMAP
    return next((page_url(p) for p in sorted(reuse) if previous.outputs.get(p) != folder_digest(site / page_url(p))), "")


def _link_tree(source: Path, target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for path in source.iterdir():
        dest = target / path.name
        if path.is_dir():
            _link_tree(path, dest)
        else:
            try:
                os.link(path, dest)  # MkDocs writes new files, never into old ones: a link is a copy here
            except OSError:
                shutil.copy2(path, dest)


def carry_over(previous_site: Path, site: Path, reuse: Iterable[str]) -> None:
    """The reused profiles' pages, from the previous site into the new one."""
    for page in sorted(reuse):
        _link_tree(previous_site / page_url(page), site / page_url(page))


def changed_summary(plan_: Plan, previous: Manifest | None, current: Manifest) -> Mapping[str, int]:
    """How many profiles were rendered, kept and dropped (for ``build`` and ``serve`` to say)."""
    dropped = 0
    if previous is not None and not plan_.clean:
        dropped = sum(1 for p in previous.files if p.endswith(".md") and p.split("/")[0] in PROFILE_FOLDERS
                      and p not in current.files and not p.endswith("index.md"))
    return {"rebuilt": len(plan_.rebuilt), "reused": len(plan_.reuse), "removed": dropped}
