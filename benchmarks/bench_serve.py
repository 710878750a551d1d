"""Benchmark of the preview loop: a record saved -> the page reloaded in Chromium.

    .venv/bin/python benchmarks/bench_serve.py [--size M] [--work DIR]

Starts ``python -m generator serve`` on a copy of the registry (an empty user cache), opens a
master's profile in Chromium, then three times in a row: changes that master's biography in its
YAML file and measures the time until the browser shows the new text (live reload), as a clerk
sees it; then once more after a pause (the whole build and the search index behind the last save
done by then). Then stops it and starts it again over the preview it left, and saves once more.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_validate import REPO, ensure_registry, run_sizes

PAUSED_SAVE = 3  # the fourth save of the first session comes after a pause (three in a row before it)
PAUSE_SECONDS = 60


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _session(size: str, out: Path, records: Path, master: str, saves: int, label: str) -> None:
    """One ``serve`` run: start-up until the profile shows, then ``saves`` saves of its biography."""
    from playwright.sync_api import sync_playwright

    record = records / "masters" / f"{master}.yml"
    port = _free_port()
    started = time.perf_counter()
    server = subprocess.Popen([sys.executable, "-m", "generator", "serve", "--records", str(records), "--docs-dir", str(out / "docs"),
                               "--site-dir", str(out / "site"), "--dev-addr", f"127.0.0.1:{port}", "--no-editor"], cwd=REPO,
                              env={**os.environ, "XDG_CACHE_HOME": str(out / "cache")},
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium", args=["--no-sandbox"])
            page = browser.new_page()
            while True:
                try:
                    page.goto(f"http://127.0.0.1:{port}/masters/{master}/", timeout=5000)
                    if page.locator("h1").count():
                        break
                except Exception:  # noqa: BLE001 - the server is still starting
                    pass
                if server.poll() is not None or time.perf_counter() - started > 1800:
                    print(f"{size}: serve did not start")
                    return
                time.sleep(0.5)
            print(f"{size}, {label}: serve ready and the profile shown after {time.perf_counter() - started:.1f} s")
            for attempt in range(saves):
                pause = attempt == PAUSED_SAVE and saves > PAUSED_SAVE
                if pause:  # a clerk who reads the page first: the whole build and the index behind the last save are done
                    time.sleep(PAUSE_SECONDS)
                mark = f"基准保存{label[:2]}{attempt}"
                text = record.read_text(encoding="utf-8")
                saved = time.perf_counter()
                record.write_text(text.replace("bio: ", f"bio: {mark}", 1), encoding="utf-8")
                page.wait_for_function("mark => !!document.body && document.body.innerText.includes(mark)", arg=mark, timeout=600_000, polling=100)
                after = f" (after a {PAUSE_SECONDS} s pause)" if pause else ""
                print(f"  save {attempt + 1}{after}: record saved -> page shows the change after {time.perf_counter() - saved:.1f} s")
            browser.close()
    finally:
        server.terminate()
        try:
            said = server.communicate(timeout=30)[0]
        except subprocess.TimeoutExpired:
            server.kill()
            said = server.communicate()[0]
        lines = [line for line in said.splitlines() if "重新生成" in line or "没有变化" in line]
        print("  serve said: " + (" | ".join(lines[-2:]) if lines else "(nothing)"))


def bench(size: str, work: Path) -> None:
    out = Path(tempfile.mkdtemp(prefix=f"jiangpu-serve-{size}-"))
    records = out / "records"
    shutil.copytree(ensure_registry(work, size), records)
    master = sorted((records / "masters").glob("*.yml"))[0].stem
    try:
        # The first start renders every page (an empty user cache: forms printed, cards drawn);
        # the second starts over the preview the first left.
        _session(size, out, records, master, PAUSED_SAVE + 1, "first start")
        _session(size, out, records, master, 1, "second start")
    finally:
        shutil.rmtree(out, ignore_errors=True)


def main() -> int:
    return run_sizes(__doc__ or "", bench)


if __name__ == "__main__":
    sys.exit(main())
