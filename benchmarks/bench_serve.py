"""Benchmark of the preview loop: a record saved -> the page reloaded in Chromium.

    .venv/bin/python benchmarks/bench_serve.py [--size M] [--work DIR]

Starts ``python -m generator serve`` on a copy of the registry, opens a master's profile in
Chromium, then three times: changes that master's biography in its YAML file and measures
the time until the browser shows the new text (MkDocs' live reload), as a clerk sees it.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_validate import REPO, ensure_registry, run_sizes


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def bench(size: str, work: Path) -> None:
    from playwright.sync_api import sync_playwright

    out = Path(tempfile.mkdtemp(prefix=f"jiangpu-serve-{size}-"))
    records = out / "records"
    shutil.copytree(ensure_registry(work, size), records)
    record = sorted((records / "masters").glob("*.yml"))[0]
    master = record.stem
    port = _free_port()
    started = time.perf_counter()
    server = subprocess.Popen([sys.executable, "-m", "generator", "serve", "--records", str(records), "--docs-dir", str(out / "docs"),
                               "--dev-addr", f"127.0.0.1:{port}", "--no-editor"], cwd=REPO,
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
                time.sleep(2)
            print(f"{size}: serve ready and the profile shown after {time.perf_counter() - started:.1f} s")
            for attempt in range(3):
                mark = f"基准保存{attempt}"
                text = record.read_text(encoding="utf-8")
                saved = time.perf_counter()
                record.write_text(text.replace("bio: ", f"bio: {mark}", 1), encoding="utf-8")
                page.wait_for_function("mark => !!document.body && document.body.innerText.includes(mark)", arg=mark, timeout=600_000, polling=200)
                print(f"  save {attempt + 1}: record saved -> page shows the change after {time.perf_counter() - saved:.1f} s")
            browser.close()
    finally:
        server.terminate()
        try:
            said = server.communicate(timeout=30)[0]
        except subprocess.TimeoutExpired:
            server.kill()
            said = server.communicate()[0]
        lines = [line for line in said.splitlines() if "重新生成" in line or "没有变化" in line]
        print("  serve said: " + (lines[-1] if lines else "(nothing)"))
        shutil.rmtree(out, ignore_errors=True)


def main() -> int:
    return run_sizes(__doc__ or "", bench)


if __name__ == "__main__":
    sys.exit(main())
