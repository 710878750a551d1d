"""Keys for what a build reuses from the last one: the same key means the same bytes."""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path


def _digest(root: Path, files: Iterable[Path]) -> str:
    """The files' names below ``root`` and their bytes, as one digest."""
    hasher = hashlib.blake2b(digest_size=16)
    for path in sorted(files):
        hasher.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return hasher.hexdigest()


def tree_digest(root: Path, suffixes: Iterable[str]) -> str:
    wanted = tuple(suffixes)
    return _digest(root, (p for p in root.rglob("*") if p.is_file() and p.suffix in wanted and "__pycache__" not in p.parts))


def versions(names: Iterable[str]) -> str:
    """The installed versions of ``names`` and Python's, as one string for a cache key."""
    found = []
    for name in names:
        try:
            found.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            found.append(f"{name}=-")
    return ";".join(found) + f";python={sys.version_info[:3]}"


def folder_digest(folder: Path) -> str:
    """Every file below ``folder``, names and bytes, as one digest ("" when there is no folder)."""
    return _digest(folder, (p for p in folder.rglob("*") if p.is_file())) if folder.is_dir() else ""


def bundle_digest(folder: Path) -> str:
    """A search bundle as one digest: every file's name, and the size and bytes of all but the pages'
    fragments. A fragment is named by a hash of its content, so its name stands for its bytes: reading
    10,000 of them (41 MB at M) for each build's check cost 0.4 s, and a ``stat`` each 0.07 s. Walked
    with ``os.scandir`` (the kind of each file comes with its name), each folder in name order (the order
    of the paths' parts), the names hashed together between the files read: at L, 100,000 fragments
    sorted by their split paths and hashed one at a time took 0.4 s a digest, and a build takes two."""
    if not folder.is_dir():
        return ""
    hasher = hashlib.blake2b(digest_size=16)
    names: list[str] = []  # hashed when a file is read, and at the end

    def walk(path: str, prefix: str) -> None:
        with os.scandir(path) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                walk(entry.path, f"{prefix}{entry.name}/")
            elif entry.is_file() and prefix == "fragment/":  # its name stands for its bytes: size 0, not read
                names.append(f"{prefix}{entry.name}\0" "0\0")
            elif entry.is_file():
                names.append(f"{prefix}{entry.name}\0{entry.stat().st_size}\0")
                with open(entry.path, "rb") as handle:
                    hasher.update("".join(names).encode() + handle.read() + b"\0")
                names.clear()

    walk(str(folder), "")
    hasher.update("".join(names).encode())
    return hasher.hexdigest()


def same_files(folder: Path, last: Path) -> bool:
    """``folder`` holds exactly ``last``'s files, each a hard link to it (this build wrote nothing new)."""
    if not folder.is_dir() or not last.is_dir():
        return False
    # Dot files and folders left out: the search bundle's layouts (searchupdate.LAYOUTS) are written beside the entries
    # after this check.
    return _inodes(folder) == _inodes(last)


def _inodes(folder: Path) -> dict[Path, int]:
    found = (p.relative_to(folder) for p in folder.rglob("*") if p.is_file())
    return {p: (folder / p).stat().st_ino for p in found if not any(part.startswith(".") for part in p.parts)}


PAGE_PACKAGES = ("mkdocs", "mkdocs-material", "pymdown-extensions", "markdown", "jinja2", "pillow")


def build_key(config_file: Path, options: object) -> str:
    """Everything a profile page depends on besides the site's tables: the generator's code, the
    templates and theme overrides, the schemas (their vocabularies are printed), the configuration
    as written and as read, and the libraries that render pages and cards."""
    from generator.resources import SCHEMA_DIR, TEMPLATE_DIR

    parts = [versions(PAGE_PACKAGES), tree_digest(Path(__file__).resolve().parents[2], (".py",)),
             tree_digest(TEMPLATE_DIR, (".j2", ".html", ".css", ".js", ".svg", ".yml", ".lock")), tree_digest(SCHEMA_DIR, (".json",)),
             hashlib.blake2b(config_file.read_bytes(), digest_size=16).hexdigest(), repr(options)]
    return hashlib.blake2b("\n".join(parts).encode("utf-8"), digest_size=16).hexdigest()
