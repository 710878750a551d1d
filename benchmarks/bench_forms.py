"""Benchmark of the forms: prints the figures in BENCHMARKS.md.

    .venv/bin/python benchmarks/bench_forms.py [--work DIR]

- every blank form in every format, as ``python -m generator forms --out DIR`` on the sample;
- the same with an empty font cache: the first run on a machine cuts the compact font;
- one unit's filled forms (桃源示例电机, 13 pairs: every pair's forms, its studio's, the merged print) and
  every filled form of the sample (``--all``), in all formats, as ``python -m generator forms --filled``;
- 500 pre-filled agreements (附件1) in HTML, PDF and DOCX, in one command (its two worker
  processes each load the fonts once), from the M registry's pairs, and the size of their PDFs.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bench_validate import REPO, ensure_registry, run

AGREEMENTS = """
import os, sys, time
from datetime import date
from pathlib import Path
from generator.render.forms.build import write_forms
from generator.render.forms.definitions import pair_forms
from generator.validate.engine import validate
registry = validate(Path(sys.argv[1]), today=date(2026, 11, 22)).registry
pairs = sorted(registry.pairs)[:500]
start = time.perf_counter()
written = write_forms([pair_forms(registry.pairs[p], registry)[0] for p in pairs], Path(sys.argv[2]), os.environ,
                      jobs=os.cpu_count() or 1)
print(f"{len(written)} {sum(len(w.files) for w in written)} {time.perf_counter() - start:.2f}")
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=Path("/tmp/jiangpu-bench"))
    args = parser.parse_args()
    out = Path(tempfile.mkdtemp(prefix="jiangpu-forms-"))
    try:
        cold = out / "font-cache"
        os.environ["JIANGPU_FONT_CACHE"] = str(cold)  # an empty cache: the compact font is cut first
        wall, mib, code = run([sys.executable, "-m", "generator", "forms", "--no-cache", "--out", str(out / "cold")])
        print(f"blank forms, first run on a machine (compact font cut, then all formats): {wall:.2f} s wall, peak {mib} MiB, exit {code}")
        wall, mib, code = run([sys.executable, "-m", "generator", "forms", "--no-cache", "--out", str(out / "blank")])
        files = sum(1 for _ in (out / "blank").iterdir())
        print(f"blank forms, all formats ({files} files, validation of the sample included): {wall:.2f} s wall, peak {mib} MiB, exit {code}")
        for what, option in (("one unit of 13 pairs (taoyuan-demo-motor)", ["--unit", "taoyuan-demo-motor"]),
                             ("every filled form of the sample (--all)", ["--all"])):
            target = out / option[-1].strip("-")
            wall, mib, code = run([sys.executable, "-m", "generator", "forms", "--no-cache", "--filled", *option, "--out", str(target)])
            files = sum(1 for _ in target.iterdir())
            print(f"filled forms, {what}: {files} files, {wall:.2f} s wall, peak {mib} MiB, exit {code}")
        records = ensure_registry(args.work, "M")
        wall, mib, code = run([sys.executable, "-c", AGREEMENTS, str(records), str(out / "filled")])
        proc = subprocess.run([sys.executable, "-c", AGREEMENTS, str(records), str(out / "filled-2")], cwd=REPO,
                              capture_output=True, text=True, check=True)
        count, files, seconds = proc.stdout.split()
        print(f"{count} pre-filled agreements ({files} files: html, pdf, docx): {wall:.2f} s wall for the whole command "
              f"(loading M included), {seconds} s writing the forms; peak {mib} MiB, exit {code}")
        sizes = sorted(p.stat().st_size for p in (out / "filled").glob("*.pdf"))
        print(f"filled agreement PDFs: smallest {sizes[0] / 1000:.0f} kB, median {statistics.median(sizes) / 1000:.0f} kB, "
              f"largest {sizes[-1] / 1000:.0f} kB, all {sum(sizes) / 1e6:.1f} MB")
    finally:
        shutil.rmtree(out, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
