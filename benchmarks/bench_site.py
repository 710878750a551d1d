"""Benchmark of the site build on the M registry: prints the figures in BENCHMARKS.md.

    .venv/bin/python benchmarks/bench_site.py [--work DIR] [--zensical PATH]

Measures, each in a fresh process as a user runs it:
- generating the docs folder alone (validate + render Markdown, no MkDocs);
- the full ``python -m generator build`` (validate, docs, MkDocs, swap);
- the search index size, raw and gzipped;
- peak memory of the process tree;
- Zensical building the same docs folder, when a zensical executable is given or on PATH.
"""

from __future__ import annotations

import argparse
import gzip
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_validate import REPO, ensure_registry, run

DAY = "2026-11-22"
DOCS_ONLY = """
import sys
from datetime import date
from pathlib import Path
from generator.render.site.build import read_options, render_docs
from generator.validate.engine import validate
records, out = Path(sys.argv[1]), Path(sys.argv[2])
run = validate(records, today=date(2026, 11, 22))
import time
start = time.perf_counter()
render_docs(run.registry, out, read_options(Path("mkdocs.yml")))
print(f"{time.perf_counter() - start:.2f}")
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=Path("/tmp/jiangpu-bench"))
    parser.add_argument("--zensical", default=shutil.which("zensical"), help="path of a zensical executable")
    args = parser.parse_args()
    records = ensure_registry(args.work, "M")
    out = Path(tempfile.mkdtemp(prefix="jiangpu-site-"))
    try:
        wall, mib, code = run([sys.executable, "-c", DOCS_ONLY, str(records), str(out / "docs-only")])
        pages = sum(1 for _ in (out / "docs-only").rglob("*.md"))
        print(f"validate + docs folder for M ({pages} pages): {wall:.2f} s wall, peak {mib} MiB, exit {code}")
        proc = subprocess.run([sys.executable, "-c", DOCS_ONLY, str(records), str(out / "docs-only-2")], cwd=REPO,
                              capture_output=True, text=True, check=True)
        print(f"docs folder alone (render_docs, timed inside the process): {proc.stdout.strip()} s")
        build = [sys.executable, "-m", "generator", "build", "--no-cache", "--date", DAY, "--records", str(records),
                 "--site-dir", str(out / "site"), "--docs-dir", str(out / "docs")]
        wall, mib, code = run(build)
        print(f"full build of M: {wall:.2f} s wall, peak {mib} MiB (process tree), exit {code}")
        index = (out / "site" / "search" / "search_index.json").read_bytes()
        print(f"search index: {len(index) / 1e6:.1f} MB raw, {len(gzip.compress(index)) / 1e6:.2f} MB gzipped")
        if args.zensical:
            start = time.perf_counter()
            config = out / "zensical.yml"
            config.write_text((REPO / "mkdocs.yml").read_text(encoding="utf-8")
                              .replace("docs_dir: build/docs", "docs_dir: docs")  # Zensical wants it under the config's folder
                              .replace("site_dir: site", "site_dir: zensical-site"), encoding="utf-8")
            proc = subprocess.run([args.zensical, "build", "--config-file", str(config)], cwd=out, capture_output=True, text=True)
            wall = time.perf_counter() - start
            built = sum(1 for _ in (out / "zensical-site").rglob("index.html")) if (out / "zensical-site").exists() else 0
            print(f"zensical build of the same docs folder: {wall:.2f} s wall, {built} pages, exit {proc.returncode}")
            if proc.returncode:
                print("  " + (proc.stderr or proc.stdout).strip().splitlines()[-1][:300])
        else:
            print("zensical: not installed here (pass --zensical PATH)")
    finally:
        shutil.rmtree(out, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
