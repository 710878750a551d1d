"""Where the schemas and templates are: package data when installed, the checkout's folders otherwise.

The top-level ``schemas/`` and ``site_templates/`` are the one source: the
wheel ships them as the data packages ``jiangpu_schemas`` and
``jiangpu_templates`` (see pyproject.toml), and an editable install maps those
names back to the same folders. A plain checkout that was never installed
falls back to the folders beside this package.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from generator.kinds import PRIVATE_LABELS


def _folder(package: str, checkout_name: str) -> Path:
    try:
        found = resources.files(package)
    except ModuleNotFoundError:
        return Path(__file__).resolve().parents[1] / checkout_name
    # Jinja2 and WeasyPrint read files by path: the wheel is installed unzipped, as pip does.
    return Path(str(found))


SCHEMA_DIR = _folder("jiangpu_schemas", "schemas")
TEMPLATE_DIR = _folder("jiangpu_templates", "site_templates")


@cache
def load_schema(kind: str) -> dict[str, Any]:
    """A record kind's JSON Schema; read by the validate stage, the model (rule defaults) and the exports."""
    with open(SCHEMA_DIR / f"{kind}.schema.json", encoding="utf-8") as handle:
        loaded: dict[str, Any] = json.load(handle)
    return loaded


def enum(kind: str, *path: str) -> list[str]:
    """A vocabulary as its schema lists it (statuses, levels ...): one source for rules and pages."""
    spec = load_schema(kind)
    for part in path:
        spec = spec["items"] if part == "*" else spec["properties"][part]
    return list(spec["enum"])


def field_title(kind: str, path: tuple[str | int, ...] | str) -> str:
    """A field as clerks name it: the schema's Chinese titles joined by ·, never the English key
    (``apprentice.birth_year`` → 徒弟·出生年份; ``stages.1.content`` → 培养计划·第2项·内容)."""
    parts = tuple(path.split(".")) if isinstance(path, str) else path
    spec: Any = load_schema(kind)
    shown: list[str] = []
    for part in parts:
        if isinstance(part, int) or (isinstance(part, str) and part.isdigit()):
            shown.append(f"第{int(part) + 1}项")
            spec = spec.get("items", {}) if isinstance(spec, dict) else {}
            continue
        if part == "*":
            spec = spec.get("items", {}) if isinstance(spec, dict) else {}
            continue
        sub = spec.get("properties", {}).get(part) if isinstance(spec, dict) else None
        if sub is None:
            shown.append(PRIVATE_LABELS.get(part, part)  # private: no schema of its own
            if shown and shown[-1].startswith("不公开") else part)
            spec = {}
            continue
        shown.append(sub.get("title", part))
        spec = sub
    return "·".join(shown)
