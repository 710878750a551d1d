"""Keys for what a build reuses from the last one: the same key means the same bytes."""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path


def tree_digest(root: Path, suffixes: Iterable[str]) -> str:
    wanted = tuple(suffixes)
    hasher = hashlib.blake2b(digest_size=16)
    for path in sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in wanted and "__pycache__" not in p.parts):
        hasher.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return hasher.hexdigest()


def versions(names: Iterable[str]) -> str:
    """The installed versions of ``names`` and Python's, as one string for a cache key."""
    found = []
    for name in names:
        try:
            found.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            found.append(f"{name}=-")
    return ";".join(found) + f";python={sys.version_info[:3]}"
