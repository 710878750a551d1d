"""What a pull request changes in the registry, as a reviewer reads it (``review``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from generator.kinds import KINDS
from generator.model.entities import Registry, mask_name


@dataclass(frozen=True, slots=True)
class Change:
    """One record file a pull request touches."""

    status: str  # "A" added, "M" modified, "D" deleted
    path: str  # as diagnostics show it
    kind: str  # 名匠, 师徒结对 … ("" for a file that is no record, a photo)
    title: str  # the record's name; its id when it has none or is gone


def _titles(registry: Registry) -> dict[str, str]:
    """Each valid record's file -> what a reviewer calls it (an apprentice's name masked, as on the site)."""
    found: dict[str, str] = {}
    for table in (registry.programmes, registry.units, registry.masters, registry.studios):
        for record in table.values():
            found[record.src.path] = record.name
    for pair in registry.pairs.values():
        master = registry.masters.get(pair.master)
        found[pair.src.path] = f"{master.name if master else pair.master} — {mask_name(pair.apprentice.name)}"
    return found


def changes(registry: Registry, changed: list[tuple[str, str]]) -> list[Change]:
    """``changed``: (git status, shown path) of the files under records/ a pull request touches."""
    titles = _titles(registry)
    labels = {kind.folder: kind.label for kind in KINDS} | {"photos": "照片"}
    out = []
    for status, path in sorted(changed, key=lambda item: item[1]):
        parts = Path(path).parts
        folder = parts[parts.index("records") + 1] if "records" in parts[:-1] else ""
        out.append(Change(status, path, labels.get(folder, ""), titles.get(path, Path(path).stem if folder != "photos" else Path(path).name)))
    return out
