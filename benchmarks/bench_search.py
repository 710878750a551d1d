"""Search again on a kept site, after a change to the search entries or tokens, without building it again.

    ../.venv/bin/python bench_site.py --size L --keep          # once: prints "kept in /tmp/jiangpu-site-L-…"
    ../.venv/bin/python bench_search.py /tmp/jiangpu-site-L-… L # entries and index made again, then the queries

The entries are rendered from the registry as the build renders them (the sharing cards linked from the kept
docs), Pagefind indexes them into the kept site, the kept site gets the current assets/search.js, and the
queries are asked in Chromium as ``bench_site.query_bytes`` asks them (first results, all results, bytes).
"""

from __future__ import annotations

import shutil
import sys
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent


def main() -> int:
    kept, size = Path(sys.argv[1]), sys.argv[2]
    sys.path[:0] = [str(REPO), str(HERE)]
    import bench_site
    from bench_validate import ensure_registry

    from generator.render.site.build import read_options, render_docs
    from generator.render.site.docs import LastBuild
    from generator.render.site.search import index_site
    from generator.validate.engine import validate

    start = time.perf_counter()
    registry = validate(ensure_registry(Path("/tmp/jiangpu-bench"), size), today=date(2026, 11, 22)).registry
    docs, entries = kept / "docs-search", kept / "entries-search"
    for folder in (docs, entries):
        shutil.rmtree(folder, ignore_errors=True)
    previous = kept / "docs2" if (kept / "docs2").is_dir() else None
    render_docs(registry, docs, read_options(REPO / "mkdocs.yml"), entries=entries,
                last=LastBuild(docs=previous) if previous is not None else None)
    rendered = time.perf_counter()
    shutil.rmtree(kept / "site" / "pagefind", ignore_errors=True)
    index_site(entries, kept / "site" / "pagefind")
    indexed = time.perf_counter()
    shutil.copy(REPO / "site_templates" / "assets" / "search.js", kept / "site" / "assets" / "search.js")
    print(f"{size}: entries {rendered - start:.0f} s (validation and docs included), index {indexed - rendered:.0f} s", flush=True)
    bench_site.query_bytes(kept / "site")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
