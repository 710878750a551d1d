"""Benchmark of the site build and its search: prints the figures in BENCHMARKS.md.

    .venv/bin/python benchmarks/bench_site.py [--size M] [--size L] [--work DIR] [--zensical PATH] [--keep]

For each registry size, each step in a fresh process as a user runs it:
- the full ``python -m generator build`` (validate, docs, blank forms, MkDocs, search index, swap),
  wall time and peak memory of the process tree;
- Pagefind alone over the pages' search entries (the index step, as the build runs it);
- the size of the search bundle and of the lists' JSON files;
- in Chromium, for a few queries on the search page: every byte the visitor downloads
  (the page's own assets excluded, then included), and the first results;
- Zensical building the same docs folder, when a zensical executable is given or on PATH.
"""

from __future__ import annotations

import argparse
import functools
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote

from bench_validate import REPO, ensure_registry, run

DAY = "2026-11-22"
QUERIES = ["王强", "国强", "维修电工", "南浔工匠", "技术能手", "示例单位0012", "火星车"]


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        return


def _folder_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6


def query_bytes(site: Path) -> None:
    """Serve the site and search as a visitor does, counting the bytes of every response."""
    from playwright.sync_api import sync_playwright

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium", args=["--no-sandbox"])
            for query in QUERIES:
                page = browser.new_page()  # a new page: nothing cached between queries
                responses: list = []
                page.on("response", lambda r, seen=responses: seen.append(r))  # bound now: a page a query
                start = time.perf_counter()
                page.goto(base + "search/?q=" + quote(query))
                page.wait_for_function("""() => { const s = document.getElementById('jp-search-status').textContent;
                                                  return s && !s.startsWith('正在') &&
                                                         (s.startsWith('没有') || document.querySelector('#jp-search-results li')); }""",
                                       timeout=300_000)
                seconds = time.perf_counter() - start
                # A query matching thousands shows whole names first, then every pair's matches (assets/search.js).
                page.wait_for_function("() => !document.getElementById('jp-search-status').textContent.includes('正在')",
                                       timeout=300_000)
                complete = time.perf_counter() - start
                page.wait_for_load_state("networkidle")
                sizes = {r.url: len(r.body()) for r in responses if r.ok}
                search = sum(v for k, v in sizes.items() if "/pagefind/" in k)
                titles = page.locator("#jp-search-results li > a").all_inner_texts()[:3]
                status = page.inner_text("#jp-search-status")
                print(f"  query {query!r}: {status}; first {titles}; search bytes {search / 1e3:.0f} kB "
                      f"(page and theme included {sum(sizes.values()) / 1e3:.0f} kB, {len(sizes)} requests), "
                      f"first results {seconds:.1f} s, all {complete:.1f} s")
                page.close()
            browser.close()
    finally:
        server.shutdown()


def bench(size: str, work: Path, zensical: str | None, keep: bool) -> None:
    records = ensure_registry(work, size)
    out = Path(tempfile.mkdtemp(prefix=f"jiangpu-site-{size}-"))
    try:
        build = [sys.executable, "-m", "generator", "build", "--no-cache", "--date", DAY, "--records", str(records),
                 "--site-dir", str(out / "site"), "--docs-dir", str(out / "docs")]
        wall, mib, code = run(build)
        pages = sum(1 for _ in (out / "site").rglob("index.html"))
        print(f"{size}: full build {wall:.1f} s wall, peak {mib} MiB (process tree), {pages} pages, exit {code}")
        if code:
            return
        # The index step alone, as the build runs it: Pagefind over the pages' search entries.
        entries = out / "entries"
        script = ("import sys; from pathlib import Path; from generator.render.site.build import read_options, render_docs; "
                  "from generator.validate.engine import validate; from datetime import date; "
                  "r = validate(Path(sys.argv[1]), today=date(2026, 11, 22)).registry; "
                  "render_docs(r, Path(sys.argv[2]), read_options(Path('mkdocs.yml')), entries=Path(sys.argv[3]))")
        subprocess.run([sys.executable, "-c", script, str(records), str(out / "docs2"), str(entries)], cwd=REPO, check=True)
        sys.path.insert(0, str(REPO))
        from generator.render.site.search import index_site

        start = time.perf_counter()
        index_site(entries, out / "bundle")
        print(f"  search index (Pagefind over {sum(1 for _ in entries.rglob('*.html'))} entries): "
              f"{time.perf_counter() - start:.1f} s; bundle {_folder_mb(out / 'site' / 'pagefind'):.1f} MB on disk")
        lists = out / "site" / "lists"
        print("  lists' JSON: " + ", ".join(f"{p.stem} {p.stat().st_size / 1e6:.2f} MB" for p in sorted(lists.glob("*.json"))))
        biggest = max((out / "site" / name / "index.html" for name in ("masters", "studios", "pairs", "honours", "units")),
                      key=lambda p: p.stat().st_size)
        print(f"  largest list page: {biggest.parent.name}/index.html {biggest.stat().st_size / 1e3:.0f} kB")
        query_bytes(out / "site")
        if zensical:
            config = out / "zensical.yml"
            config.write_text((REPO / "mkdocs.yml").read_text(encoding="utf-8")
                              .replace("docs_dir: build/docs", "docs_dir: docs").replace("site_dir: site", "site_dir: zensical-site")
                              .replace("custom_dir: site_templates/overrides", f"custom_dir: {REPO / 'site_templates' / 'overrides'}"),
                              encoding="utf-8")
            start = time.perf_counter()
            proc = subprocess.run([zensical, "build", "--config-file", str(config)], cwd=out, capture_output=True, text=True)
            built = sum(1 for _ in (out / "zensical-site").rglob("index.html")) if (out / "zensical-site").exists() else 0
            print(f"  zensical build of the same docs folder: {time.perf_counter() - start:.1f} s, {built} pages, exit {proc.returncode}")
    finally:
        if keep:
            print(f"  kept in {out}")
        else:
            shutil.rmtree(out, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", action="append", choices=["S", "M", "L"], help="registry size (repeatable; default M and L)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/jiangpu-bench"))
    parser.add_argument("--zensical", default=shutil.which("zensical"), help="path of a zensical executable")
    parser.add_argument("--keep", action="store_true", help="keep the built sites")
    args = parser.parse_args()
    for size in args.size or ["M", "L"]:
        bench(size, args.work, args.zensical, args.keep)
    return 0


if __name__ == "__main__":
    sys.exit(main())
