"""Open data: the public records as JSON and CSV, from the same public views as the pages."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from generator.kinds import KINDS
from generator.render.export import csv_cell
from generator.render.site.data import SiteData

# (file stem, attribute of SiteData, Chinese label): one download per kind.
DOWNLOADS = [(kind.folder, kind.folder, kind.label) for kind in KINDS]


def to_csv(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return ""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: csv_cell(v) for k, v in row.items()})
    return buffer.getvalue()


def write(site: SiteData, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for stem, attribute, _label in DOWNLOADS:
        rows = list(getattr(site, attribute).values())
        (folder / f"{stem}.json").write_text(json.dumps(rows, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        # A BOM so that Excel opens the Chinese text correctly.
        (folder / f"{stem}.csv").write_text("\ufeff" + to_csv(rows), encoding="utf-8")
