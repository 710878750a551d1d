"""Command line: parses options, wires the stages, prints, and decides the exit code.

Nothing below this module prints or exits.
"""

from __future__ import annotations

import argparse
import difflib
import functools
import os
import re
import sys
import typing
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from datetime import date
from pathlib import Path

from generator import reporters
from generator.diagnostics import Result
from generator.kinds import IMPORTABLE, NAMES
from generator.memory import keep
from generator.validate.engine import Validation, validate

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
DEFAULT_RECORDS = Path("records")


# argparse's own English, as a clerk who mistyped a command reads it.
_USAGE_ERRORS = (
    (re.compile(r"argument (\S+): invalid choice: '([^']*)' \(choose from (.*)\)"), r"参数 \1：没有“\2”这一项，可选：\3"),
    (re.compile(r"argument (\S+): expected one argument"), r"参数 \1 后面需要一个值"),
    (re.compile(r"argument (\S+): invalid \S+ value: '([^']*)'"), r"参数 \1 的值“\2”无效"),
    (re.compile(r"argument (\S+): not allowed with argument (\S+)"), r"参数 \1 不能与 \2 同时使用"),
    (re.compile(r"the following arguments are required: (.*)"), r"缺少必需的参数：\1"),
    (re.compile(r"unrecognized arguments: (.*)"), r"无法识别的参数：\1"),
    (re.compile(r"^argument (\S+): "), r"参数 \1："),
)


class ChineseArgumentParser(argparse.ArgumentParser):
    """Usage errors in Chinese; sub-command parsers are made of the same class."""

    def format_usage(self) -> str:
        formatter = self._get_formatter()
        formatter.add_usage(self.usage, self._actions, self._mutually_exclusive_groups, prefix="用法：")
        return formatter.format_help()

    def parse_known_args(self, args: typing.Sequence[str] | None = None,  # type: ignore[override]
                         namespace: argparse.Namespace | None = None) -> tuple[argparse.Namespace, list[str]]:
        self._given = list(sys.argv[1:] if args is None else args)  # for error(): the options typed here
        return super().parse_known_args(args, namespace)

    def _mistyped(self) -> list[str]:
        """Each option typed that the command does not know, with the nearest one it does (--filld: --filled)."""
        given, parser = getattr(self, "_given", []), self
        for action in self._actions:  # the sub-command typed, whose options these are
            if isinstance(action, argparse._SubParsersAction):
                chosen = next((a for a in given if a in action.choices), None)
                if chosen is None:
                    return []
                parser = action.choices[chosen]
        known = sorted(parser._option_string_actions)
        found = []
        for typed in dict.fromkeys(a.split("=", 1)[0] for a in given if a.startswith("--")):
            if typed not in known:
                near = difflib.get_close_matches(typed, known, n=1, cutoff=0.6)
                found.append(f"{typed}（是不是 {near[0]}？）" if near else typed)
        return found

    def error(self, message: str) -> typing.NoReturn:
        mistyped = self._mistyped()
        choice = re.search(r"invalid choice: '([^']*)' \(choose from (.*)\)", message)
        if choice:  # biuld: build
            near = difflib.get_close_matches(choice[1], re.findall(r"'([^']*)'", choice[2]), n=1, cutoff=0.6)
            message += f"；是不是 {near[0]}？" if near else ""
        if mistyped and message.startswith("unrecognized arguments"):
            message = "无法识别的参数：" + " ".join(mistyped)
        for pattern, chinese in _USAGE_ERRORS:
            message = pattern.sub(chinese, message)
        if mistyped and not message.startswith("无法识别"):  # a mistyped option is often why another seems missing
            message += "；无法识别的参数：" + " ".join(mistyped)
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}：错误：{message}\n")


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期格式应为 YYYY-MM-DD：{value}") from None


def _field_value(value: str) -> str:
    if "=" not in value or not value.split("=", 1)[0].strip():
        raise argparse.ArgumentTypeError(f"应写成 字段=值，如 status=培养中：{value}")
    return value


def _add_records(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--records", type=Path, default=DEFAULT_RECORDS, help="记录目录（默认 records）")
    parser.add_argument("--date", type=_date, default=None, help="按哪一天检查（默认今天），格式 YYYY-MM-DD")


def _cache_dir(args: argparse.Namespace) -> Path | None:
    from generator.validate.cache import default_dir

    # CI starts from a fresh clone and checks everything.
    if args.no_cache or os.environ.get("CI"):
        return None
    return default_dir(Path(args.records), os.environ)


def on_valid_registry(handler: Callable[[argparse.Namespace, Validation], int]) -> Callable[[argparse.Namespace], int]:
    """Commands that read the registry run only when it has no error; the errors are printed instead."""

    @functools.wraps(handler)
    def run_checked(args: argparse.Namespace) -> int:
        validation = _validated(args)
        keep(validation)
        return EXIT_FAILED if validation is None else handler(args, validation)

    return run_checked


def _add_site(parser: argparse.ArgumentParser, docs: str = "build/docs") -> None:
    parser.add_argument("--config", type=Path, default=Path("mkdocs.yml"), help="MkDocs 配置文件（默认 mkdocs.yml）")
    parser.add_argument("--docs-dir", type=Path, default=Path(docs), help=f"生成的页面源文件目录（默认 {docs}）")
    parser.add_argument("--no-cache", action="store_true", help="不使用缓存（记录检查结果；生成网站时还有已印好的表格和分享图）")


def _check(args: argparse.Namespace, only: Sequence[str] = (), defer: ExitStack | None = None) -> Validation:
    return validate(args.records, today=args.date or date.today(), only=only, cache_dir=_cache_dir(args), defer=defer)


def cmd_validate(args: argparse.Namespace) -> int:
    run = _check(args, args.paths)
    sys.stdout.write(reporters.REPORTERS[args.format](run.result))
    return EXIT_FAILED if run.result.failed(strict=args.strict) else EXIT_OK


def cmd_review(args: argparse.Namespace) -> int:
    from generator.load.discover import shown_path
    from generator.load.history import changed_files
    from generator.model.review import changes

    changed = changed_files(args.records, args.base)
    if changed is None:
        sys.stderr.write(f"无法从 git 取得相对 {args.base} 的改动：请在 git 仓库中运行，并取出这个提交及其历史（工作流中 fetch-depth: 0）\n")
        return EXIT_USAGE
    run = _check(args)
    touched = changes(run.registry, [(status, shown_path(path)) for status, path in changed])
    paths = {c.path for c in touched}
    # Annotations only where the pull request changed something: the reviewer's diff view; the
    # verdict line and the exit code count the whole registry.
    annotated = Result([d for d in run.result.diagnostics if d.path in paths], files_checked=run.result.files_checked)
    lines = reporters.REPORTERS[args.format](annotated).splitlines()[:-1]
    lines.append(reporters.verdict_line(run.result))
    sys.stdout.write("\n".join(lines) + "\n")
    target = args.summary or (Path(os.environ["GITHUB_STEP_SUMMARY"]) if os.environ.get("GITHUB_STEP_SUMMARY") else None)
    if target is not None:
        with open(target, "a", encoding="utf-8") as handle:
            handle.write(reporters.review_summary(run.result, touched, args.preview))
    return EXIT_FAILED if run.result.errors else EXIT_OK


def _validated(args: argparse.Namespace, defer: ExitStack | None = None) -> Validation | None:
    """Validate first; print the problems and return None when there is an error. ``defer``: see ``validate``."""
    run = _check(args, defer=defer)
    return None if _refused(run.result) else run


def _refused(result: Result) -> bool:
    """Print the problems when there is an error."""
    if result.errors:
        sys.stdout.write(reporters.text(result))
        sys.stderr.write("记录有错误，未生成网站。请先修正上面列出的问题。\n")
    return bool(result.errors)


class _Refused(Exception):
    """The rules across files, run beside the build, found an error: the build ends, the last site stays."""


def _settle(run: Validation) -> None:
    if run.settled().errors:
        raise _Refused


def cmd_build(args: argparse.Namespace) -> int:
    with ExitStack() as rules:  # the rules across files, run in a child while the site is built (validate's ``defer``)
        run = _validated(args, defer=rules)
        keep(run)
        return EXIT_FAILED if run is None else _build(args, run)


def _build(args: argparse.Namespace, run: Validation) -> int:
    from generator.load.history import last_changed
    from generator.render.site.build import SiteBuildError, artefact_cache, build_site

    _quiet_libraries()
    try:
        result = build_site(run.registry, config_file=args.config, site_dir=args.site_dir, docs_dir=args.docs_dir,
                            strict=args.strict, environ=os.environ, history=last_changed(Path(args.records)), clean=args.clean,
                            cache=None if args.no_cache else artefact_cache(os.environ), gate=lambda: _settle(run))
    except Exception as exc:
        # Records broken across files can break the build before the rules' findings arrive: those are what is told.
        if _refused(run.settled()):
            return EXIT_FAILED
        if not isinstance(exc, SiteBuildError):
            raise
        sys.stderr.write(f"{exc}\n")
        return EXIT_FAILED
    sys.stdout.write(f"网站已生成：{result.pages} 个页面，位于 {result.site_dir}/（页面源文件在 {result.docs_dir}/）\n")
    if result.profiles:
        kept = result.profiles - result.rendered
        sys.stdout.write(f"介绍页 {result.profiles} 个：重新生成 {result.rendered} 个" +
                         (f"，{kept} 个所显示的内容没有变化，沿用上次生成的页面\n" if kept else "\n"))
    if result.search_updated:
        sys.stdout.write(f"搜索索引：只为改动的 {result.search_updated} 个条目更新\n")
    return EXIT_OK


@on_valid_registry
def cmd_serve(args: argparse.Namespace, run: Validation) -> int:
    from generator.load.history import last_changed
    from generator.render.site.build import artefact_cache
    from generator.render.site.serve import serve

    _quiet_libraries()
    return serve(run.registry, records=args.records, config_file=args.config, docs_dir=args.docs_dir, site_dir=args.site_dir,
                 cache=None if args.no_cache else artefact_cache(os.environ), dev_addr=args.dev_addr, revalidate=lambda: _validated(args), environ=os.environ,
                 history=lambda: last_changed(Path(args.records)), cms_port=None if args.no_editor else args.editor_port,
                 say=_say, gate=lambda folder: validate(folder, today=args.date or date.today()).result)


def _say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def _quiet_libraries() -> None:
    # MkDocs' INFO lines are noise for staff.
    import logging

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True


def _site_url() -> str:
    """The site's published address (mkdocs.yml or JIANGPU_SITE_URL), for the forms' QR codes."""
    from generator.render.site.build import read_options

    config = Path("mkdocs.yml")  # forms has no --config: the checkout's configuration
    try:
        return read_options(config, os.environ).site_url if config.is_file() else ""
    except Exception:  # noqa: BLE001 - a broken config only costs the QR codes; build reports it
        return ""


def cmd_forms(args: argparse.Namespace) -> int:
    from generator.load.history import last_changed
    from generator.model.progress import activity_years
    from generator.render.forms.build import FORMATS, write_forms, write_merged
    from generator.render.forms.definitions import (
        blank_forms,
        merged_sets,
        pair_forms,
        programme_forms,
        studio_forms,
        unit_forms,
        with_public_links,
    )
    from generator.render.forms.fonts import FontNotFound

    formats = [f.strip() for f in args.format.split(",") if f.strip()]
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        sys.stderr.write(f"未知格式：{'、'.join(unknown)}（可用：{'、'.join(FORMATS)}）\n")
        return EXIT_USAGE
    if args.year is not None and not (args.programme or args.unit):
        sys.stderr.write("--year 只和 --programme 或 --unit 一起用（哪一年度的报表）\n")
        return EXIT_USAGE
    if args.filled and not (args.pair or args.studio or args.unit or args.programme or args.all):
        sys.stderr.write("--filled 需要 --pair 编号、--studio 编号、--unit 编号、--programme 编号 或 --all\n")
        return EXIT_USAGE
    # Filled forms carry phone numbers and employee numbers: never into the site.
    if args.filled and any(_inside(args.out, folder) for folder in (Path("site"), Path("build/docs"))):
        sys.stderr.write("填好的表格含不公开信息，不能输出到网站目录 site/ 或 build/docs/，请换一个目录\n")
        return EXIT_USAGE
    run = _validated(args)
    if run is None:
        return EXIT_FAILED
    reg = run.registry
    groups: list[tuple[str, list[typing.Any]]] = []
    if args.filled:
        # Ids typed by hand: surrounding spaces dropped, an unknown one answered with the nearest ids.
        for option, kind, known in (("pair", "结对", reg.pairs), ("studio", "工作室", reg.studios),
                                    ("unit", "单位", reg.units), ("programme", "活动", reg.programmes)):
            given = getattr(args, option)
            if given is None:
                continue
            given = given.strip()
            # A clerk types the name as often as the id (桃源高新区 for taoyuan-hi-tech-zone): one record by
            # that name or short name is the one meant.
            named = [k for k, r in known.items() if given in (getattr(r, "name", None), getattr(r, "short_name", None))]
            given = named[0] if given not in known and len(named) == 1 else given
            setattr(args, option, given)
            if given not in known:
                near = sorted(k for k in known if given and given in k)[:3] or difflib.get_close_matches(given, list(known), n=3, cutoff=0.6)
                hint = f"；是不是：{'、'.join(near)}" if near else ""
                sys.stderr.write(f"登记册中没有{kind} {given}{hint}\n")
                return EXIT_FAILED
        today = args.date or date.today()
        year = args.year or today.year
        # A record's last commit tells when a pair since terminated was still in force (a past year's report).
        changed = {Path(k).stem: v for k, v in last_changed(Path(args.records)).items() if k.startswith("pairs/")}
        pairs = sorted(reg.pairs) if args.all else [args.pair] if args.pair else []
        studios = sorted(reg.studios) if args.all else [args.studio] if args.studio else []
        forms = [f for p in pairs for f in pair_forms(reg.pairs[p], reg)]
        forms += [f for s in studios for f in studio_forms(reg.studios[s], reg)]
        if args.unit:
            chosen = unit_forms(args.unit, reg, year, today, changed)
            if not chosen.forms:
                sys.stderr.write(chosen.has + "\n")
                return EXIT_FAILED
            forms += chosen.forms
            pairs = [p.id for p in chosen.pairs]
        if args.programme:
            programme = reg.programmes[args.programme]
            years = activity_years(reg, programme)
            if year not in years:
                sys.stderr.write(f"活动 {programme.id} 的记录只涉及 {years.start}—{years.stop - 1} 年，没有 {year} 年度的报表\n")
                return EXIT_FAILED
            forms += programme_forms(programme, reg, year, today, changed)
        forms = with_public_links(forms, _site_url())
        # For printing in one go: a pair's whole set, or every pair of a unit (of each unit with --all).
        if "pdf" in formats and pairs:
            groups = merged_sets([reg.pairs[p] for p in pairs], reg, by_unit=not args.pair)
    else:
        forms = blank_forms(reg, args.date or date.today())
    try:
        written = write_forms(forms, args.out, os.environ, formats, jobs=os.cpu_count() or 1)
        merged = write_merged(groups, args.out, os.environ, jobs=os.cpu_count() or 1) if groups else []
    except FontNotFound as exc:
        sys.stderr.write(f"{exc}\n")
        return EXIT_FAILED
    files = sum(len(w.files) for w in written)
    kind = "填好的" if args.filled else "空白"
    sys.stdout.write(f"已生成 {len(written)} 份{kind}表格，共 {files} 个文件，位于 {args.out}/\n")
    for path in merged:
        sys.stdout.write(f"合并打印：{path.name}\n")
    return EXIT_OK


def cmd_new(args: argparse.Namespace) -> int:
    from generator.scaffold import ScaffoldError, new_record, write_new

    # A broken registry still gets new files: ids are read from file names.
    run = _check(args)
    try:
        record = new_record(args.kind, args.records, run.registry, args.date or date.today(), args.id, args.programme)
        write_new(record)
    except (ScaffoldError, FileExistsError) as exc:
        sys.stderr.write(f"{exc}\n")
        return EXIT_FAILED
    sys.stdout.write(f"已创建 {record.path}：按注释填写后运行 python -m generator validate 检查\n")
    if record.note:
        sys.stdout.write(f"注意：{record.note}\n")
    return EXIT_OK


@on_valid_registry
def cmd_export(args: argparse.Namespace, run: Validation) -> int:
    from generator.render import export

    # The file's extension says the format (台账.csv is a CSV); --format, when given, must agree with it.
    suffix = args.out.suffix.lower().lstrip(".")
    if suffix not in ("xlsx", "csv", "json"):
        sys.stderr.write(f"台账文件名 {args.out.name} 应以 .xlsx（Excel）、.csv 或 .json 结尾，如 台账.xlsx\n")
        return EXIT_USAGE
    if args.format is None:
        args.format = suffix
    elif suffix != args.format:
        sys.stderr.write(f"--format {args.format} 与文件名 {args.out.name} 的扩展名不一致：请改用 .{args.format} 结尾的文件名，或去掉 --format\n")
        return EXIT_USAGE
    data: dict[str, list[dict[str, object]]] = {}
    for checked in run.checked:
        if checked.data is not None and not checked.data.get("withdrawn"):  # 撤回: in no ledger either
            data.setdefault(checked.file.kind, []).append(checked.data)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    if args.format == "xlsx":
        export.write_xlsx(data, args.out, args.include_private)
        written = [args.out]
    elif args.format == "csv":
        written = export.write_csv(data, args.out, args.include_private)
    else:
        export.write_json(data, args.out, args.include_private)
        written = [args.out]
    note = "（含不公开信息，请妥善保管）" if args.include_private else ""
    sys.stdout.write(f"台账已导出：{'、'.join(str(p) for p in written)}{note}\n")
    return EXIT_OK


@on_valid_registry
def cmd_due(args: argparse.Namespace, run: Validation) -> int:
    from generator.model.due import due

    day = args.date or date.today()
    items = Result(due(run.registry, day), files_checked=run.result.files_checked)
    sys.stdout.write(reporters.REMINDERS[args.format](items, day))
    return EXIT_OK


def cmd_fmt(args: argparse.Namespace) -> int:
    from generator.files import write_atomically
    from generator.load.canonical import format_records

    run = format_records(args.records, [Path(p) for p in args.paths], fix=args.fix, check=args.check)
    out = []
    for entry in run.files:
        verb = "可修正" if args.check else "已修正"
        out += [f"{entry.file.path}:{fix.line}: {verb}：{fix.message}" for fix in entry.fixes]
        if entry.changed and not args.check:
            assert entry.new is not None
            write_atomically(Path(entry.file.file_path), entry.new.encode("utf-8"), root=args.records)
            out.append(f"已整理：{entry.file.path}")
    if out:
        sys.stdout.write("\n".join(out) + "\n")
    if args.check or run.result.diagnostics:
        sys.stdout.write(reporters.REPORTERS[args.format](run.result))
    else:
        changed = sum(e.changed for e in run.files)
        sys.stdout.write(f"整理了 {len(run.files)} 个文件：{changed} 个有改动\n")
    return EXIT_FAILED if run.result.failed() else EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    from generator.importing import check_candidates, read_mapping, summary, write_passing
    from generator.load.ledger import LedgerError, plan_import

    if args.write_mapping:
        return _write_mapping(args)
    # Names are looked up in the registry as it is, even with errors elsewhere (as ``new`` does).
    run = _check(args)
    sys.stderr.write(f"正在读取台账 {args.ledger} ……\n")
    try:
        mapping = read_mapping(args.mapping) if args.mapping else None
        defaults = dict(item.split("=", 1) for item in args.default)
        plan = plan_import(args.ledger, args.kind, run.registry, mapping, args.programme, defaults)
    except (LedgerError, ValueError, OSError) as exc:
        sys.stderr.write(f"{exc}\n")
        return EXIT_FAILED
    if plan.rows > 500:  # a long ledger takes a while: the clerk sees that it is working
        sys.stderr.write(f"已读取 {plan.rows} 行，正在按检查规则逐行核对（约每千行一秒）……\n")
    checked = check_candidates(plan, args.ledger, args.records, args.date or date.today())
    report = Result(plan.diagnostics + checked.diagnostics, files_checked=plan.rows)
    lines = [line for line in reporters.text(report).splitlines()[:-1]]
    lines.append(summary(plan, checked, report.errors))
    if not args.write:
        lines.append("这是预演，没有写入任何文件。确认后加 --write 写入可以导入的行（有问题的行不会写入）。")
        sys.stdout.write("\n".join(lines) + "\n")
        return EXIT_FAILED if report.errors else EXIT_OK
    written = write_passing(checked, args.records)
    lines += [f"已写入：{path}" for path in written]
    sys.stdout.write("\n".join(lines) + "\n")
    after = _check(args)  # the whole gate on the registry as it now is
    sys.stdout.write(reporters.text(after.result))
    return EXIT_FAILED if report.errors or after.result.errors else EXIT_OK


def _write_mapping(args: argparse.Namespace) -> int:
    from generator.files import write_atomically
    from generator.importing import read_mapping
    from generator.load.ledger import LedgerError, draft_mapping

    try:
        mapping = read_mapping(args.mapping) if args.mapping else None
        text = draft_mapping(args.ledger, args.kind, mapping)
        write_atomically(args.write_mapping, text.encode("utf-8"), root=args.write_mapping.resolve().parent)
    except (LedgerError, ValueError, OSError) as exc:
        sys.stderr.write(f"{exc}\n")
        return EXIT_FAILED
    unknown = text.count("# 认不出")
    sys.stdout.write(f"列名对照表已写入 {args.write_mapping}（{unknown} 列认不出）：请核对每一行冒号右边的字段，"
                     f"改好后运行 python -m generator import {args.ledger} --kind {args.kind} --mapping {args.write_mapping}\n")
    return EXIT_OK


def cmd_cms(args: argparse.Namespace) -> int:
    from generator.load.discover import shown_path
    from generator.render.cms import CmsError, decap_package, write_admin
    from generator.render.site.build import SiteBuildError, read_options

    run = _check(args)
    unreadable = [d for d in run.result.diagnostics if d.rule in ("file.records_dir", "file.symlink") and d.path == shown_path(args.records)]
    if unreadable:  # no records at all: an editor without the registry's ids would suggest taken ones
        sys.stderr.write(reporters.REPORTERS["text"](run.result))
        return EXIT_FAILED
    try:
        options = read_options(args.config, os.environ)
        write_admin(args.out, options.cms, decap_package(os.environ), run.registry)
    except (CmsError, SiteBuildError, OSError) as exc:
        sys.stderr.write(f"{exc}\n")
        return EXIT_FAILED
    sys.stdout.write(f"在线编辑页已生成：{args.out}/（index.html、config.yml，保存到 GitHub 仓库 {options.cms.repo} 的 {options.cms.branch} 分支）\n")
    return EXIT_OK


def cmd_setup(args: argparse.Namespace) -> int:
    """What build and forms need beside the Python packages: the editor's npm package and the
    compact Chinese font (a registry that installs the tool runs this once per machine)."""
    import subprocess

    from generator.render.cms import CmsError, decap_package, fetch_decap
    from generator.render.forms.fonts import FontNotFound, find_font, with_compact

    def run(command: list[str], cwd: Path) -> None:
        try:
            subprocess.run(command, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=600)
        except (OSError, subprocess.SubprocessError) as exc:
            raise CmsError("无法用 npm 从 npm 仓库下载在线编辑器 Decap CMS：请先安装 npm（apt-get install npm）并确认能连上 npm 仓库") from exc

    try:
        package = fetch_decap(decap_package(os.environ), run)
    except CmsError as exc:
        sys.stderr.write(f"{exc}\n")
        return EXIT_FAILED
    sys.stdout.write(f"在线编辑器：{package}（已核对校验值）\n")
    try:
        font = with_compact(find_font(os.environ), os.environ)
    except FontNotFound as exc:
        sys.stderr.write(f"{exc}\n")
        return EXIT_FAILED
    sys.stdout.write(f"中文字体：{font.compact or font.source or font.family}\n")
    return EXIT_OK


def cmd_init(args: argparse.Namespace) -> int:
    from generator.starter import Starter, StarterError, write

    starter = Starter(name=args.name, site_url=args.url, kind=args.programme, tool=args.tool, repo=args.repo,
                      year=args.year or date.today().year, programme_id=args.programme_id or "")
    try:
        written = write(args.dir, starter)
    except (StarterError, OSError) as exc:
        sys.stderr.write(f"{exc}\n")
        return EXIT_FAILED
    sys.stdout.write(f"新的登记册仓库已建立：{args.dir}/（{len(written)} 个文件，活动 records/programmes/{starter.programme}.yml）\n"
                     f"下一步：cd {args.dir} && git init && bash scripts/check.sh；然后按 README.md 的“第一步”改写活动记录。\n")
    return EXIT_OK


def cmd_synth(args: argparse.Namespace) -> int:
    from generator.synthetic import generate

    if args.out.exists() and any(args.out.iterdir()):
        sys.stderr.write(f"输出目录 {args.out} 不是空的，请换一个目录\n")
        return EXIT_USAGE
    counts = generate(args.size, args.out, seed=args.seed)
    sys.stdout.write("已生成：" + "，".join(f"{k} {v}" for k, v in counts.items()) + f"（{args.out / 'records'}）\n")
    return EXIT_OK


def _version() -> str:
    from importlib import metadata

    try:
        return metadata.version("jiangpu")
    except metadata.PackageNotFoundError:
        return "0.1.0"


def build_parser() -> argparse.ArgumentParser:
    parser = ChineseArgumentParser(prog="python -m generator", description="匠谱：工作室、名匠与师徒结对登记册的生成器")
    commands = parser.add_subparsers(dest="command", required=True, metavar="命令")

    check = commands.add_parser("validate", help="检查记录（CI 与 pre-commit 使用）")
    _add_records(check)
    check.add_argument("--format", choices=sorted(reporters.REPORTERS), default="text", help="输出格式")
    check.add_argument("--strict", action="store_true", help="有警告也判为不通过")
    check.add_argument("--no-cache", action="store_true", help="不使用缓存，全部重新读取")
    check.add_argument("paths", nargs="*", metavar="PATH", help="只报告这些文件的问题（仍按整个登记册检查）")
    check.set_defaults(handler=cmd_validate)

    start = commands.add_parser("init", help="为另一个工会、人社部门或学校新建一个登记册仓库（只含记录和配置，匠谱作为软件包安装）")
    start.add_argument("dir", type=Path, metavar="目录", help="新仓库的目录（须为空或不存在）")
    start.add_argument("--name", required=True, help="单位名称，如 某某区总工会")
    start.add_argument("--url", required=True, help="网站将发布的地址，如 https://某组织.github.io/某仓库/")
    start.add_argument("--programme", choices=["pairing", "talent", "studio"], default="pairing",
                       help="第一个活动的类型：pairing 师徒结对（默认）、talent 技能人才评选、studio 工作室建设")
    start.add_argument("--programme-id", default=None, help="活动编号（默认 类型-年份，如 pairing-2026）")
    start.add_argument("--year", type=int, default=None, help="活动开始年份（默认今年）")
    start.add_argument("--repo", default="your-org/registry", help="新仓库在 GitHub 上的 owner/name（在线编辑用）")
    start.add_argument("--tool", default=f"jiangpu @ git+https://github.com/your-org/jiangpu@v{_version()}",
                       help="requirements.txt 中安装匠谱的一行（默认指向本版本的标签）")
    start.set_defaults(handler=cmd_init)

    setup = commands.add_parser("setup", help="下载并核对在线编辑器、准备中文字体（作为软件包安装时用；本仓库的 scripts/setup.sh 已包含）")
    setup.set_defaults(handler=cmd_setup)

    review = commands.add_parser("review", help="拉取请求的检查：只在改动的记录上标注问题，并写出中文的检查摘要")
    _add_records(review)
    review.add_argument("--base", default="HEAD^1", help="与哪个提交比较（默认 HEAD^1：拉取请求合并提交的 main 一侧）")
    review.add_argument("--format", choices=["github", "text"], default="github", help="问题的输出格式（默认 github 标注）")
    review.add_argument("--summary", type=Path, default=None,
                        help="检查摘要（Markdown）追加到这个文件（默认 $GITHUB_STEP_SUMMARY，都没有时只输出标注）")
    review.add_argument("--preview", default="", help="摘要最后一行：网站预览在哪里")
    review.add_argument("--no-cache", action="store_true", help="不使用缓存，全部重新读取")
    review.set_defaults(handler=cmd_review)

    build = commands.add_parser("build", help="检查记录并生成网站（主任务）")
    _add_records(build)
    _add_site(build)
    build.add_argument("--site-dir", type=Path, default=Path("site"), help="网站输出目录（默认 site）")
    build.add_argument("--strict", action="store_true", help="MkDocs 有警告也判为失败")
    build.add_argument("--clean", action="store_true", help="不沿用上次生成的页面，全部重新生成")
    build.set_defaults(handler=cmd_build)

    preview = commands.add_parser("serve", help="在本机预览网站，修改记录后自动刷新")
    _add_records(preview)
    # Its own folders: a preview (its editing backend, its address) is not the site build publishes.
    _add_site(preview, docs="build/preview/docs")
    preview.add_argument("--site-dir", type=Path, default=Path("build/preview/site"), help="预览网站的输出目录（默认 build/preview/site）")
    preview.add_argument("--dev-addr", default="127.0.0.1:8000", help="预览地址（默认 127.0.0.1:8000）")
    preview.add_argument("--editor-port", type=int, default=8081, help="在线编辑（/admin/）保存记录所用的本机端口（默认 8081）")
    preview.add_argument("--no-editor", action="store_true", help="不启动在线编辑的本机保存服务")
    preview.set_defaults(handler=cmd_serve)

    forms = commands.add_parser("forms", help="生成可打印的表格（PDF、Word、网页）")
    _add_records(forms)
    forms.add_argument("--out", type=Path, required=True, help="输出目录")
    forms.add_argument("--format", default="html,pdf,docx", help="格式，逗号分隔（默认 html,pdf,docx）")
    forms.add_argument("--filled", action="store_true", help="按记录填好（含电话等不公开信息，只供打印）")
    which = forms.add_mutually_exclusive_group()
    which.add_argument("--pair", help="填写这个结对的协议表、阶段培养计划表和出师鉴定表（另有一个合并打印的 PDF）")
    which.add_argument("--unit", help="填写这个单位所有结对的表格（另有一个合并打印的 PDF）")
    which.add_argument("--programme", help="填写这个活动某一年度的报表：年度报送表和附件4（结对）、公示名单、津贴发放汇总表（人才）")
    forms.add_argument("--year", type=int, help="与 --programme 或 --unit 一起用：哪一年度的报送表和附件4（默认今年）")
    which.add_argument("--studio", help="填写这个工作室的申报表和年度考核表")
    which.add_argument("--all", action="store_true", help="填写所有结对和工作室的表格")
    forms.add_argument("--no-cache", action="store_true", help="不使用检查缓存")
    forms.set_defaults(handler=cmd_forms)

    new = commands.add_parser("new", help="新建一个记录文件（带中文填写说明）")
    new.add_argument("kind", choices=list(NAMES), help="记录类型")
    _add_records(new)
    new.add_argument("--id", help="编号（默认取下一个空闲编号）")
    new.add_argument("--programme", help="所属活动编号（结对、工作室；默认取今天正在进行的那一个）")
    new.add_argument("--no-cache", action="store_true", help="不使用检查缓存")
    new.set_defaults(handler=cmd_new)

    ledger = commands.add_parser("export", help="导出台账（Excel、CSV 或 JSON）")
    _add_records(ledger)
    ledger.add_argument("--format", choices=["xlsx", "csv", "json"], default=None, help="格式（默认按 --out 的扩展名）")
    ledger.add_argument("--include-private", action="store_true", help="包含不公开信息（电话、员工编号、徒弟出生年份）")
    ledger.add_argument("--out", type=Path, required=True, help="输出文件；csv 时按类型写成 名称-pair.csv 等多个文件")
    ledger.add_argument("--no-cache", action="store_true", help="不使用检查缓存")
    ledger.set_defaults(handler=cmd_export)

    remind = commands.add_parser("due", help="列出需要办理的事项（期满鉴定、阶段报告、报送、考核、进度落后）")
    _add_records(remind)
    remind.add_argument("--format", choices=["text", "github", "markdown"], default="text", help="输出格式")
    remind.add_argument("--no-cache", action="store_true", help="不使用检查缓存")
    remind.set_defaults(handler=cmd_due)

    ledger_in = commands.add_parser("import", help="从 Excel 或 CSV 台账导入记录（默认只预演，不写文件）")
    ledger_in.add_argument("ledger", type=Path, metavar="LEDGER", help="台账文件（.xlsx 或 .csv）")
    ledger_in.add_argument("--kind", choices=IMPORTABLE, required=True, help="台账中是哪类记录")
    _add_records(ledger_in)
    ledger_in.add_argument("--mapping", type=Path, help="列名对照表（每行“台账列名: 字段中文名”，如 徒弟名字: 徒弟·姓名），用于认不出或认错的列名")
    ledger_in.add_argument("--write-mapping", type=Path, metavar="FILE",
                           help="按台账的表头写一份列名对照表（每列认成了哪个字段），核对修改后用 --mapping 指定；不导入")
    ledger_in.add_argument("--programme", help="所属活动编号（台账中没有“所属活动”列时使用）")
    ledger_in.add_argument("--default", action="append", default=[], type=_field_value, metavar="字段=值",
                           help="台账中没有的字段，为每一行填上（可重复），如 --default status=培养中")
    ledger_in.add_argument("--write", action="store_true", help="写入没有问题的行（默认只预演并报告问题）")
    ledger_in.add_argument("--no-cache", action="store_true", help="不使用检查缓存")
    ledger_in.set_defaults(handler=cmd_import)

    editor = commands.add_parser("cms", help="按 schemas/ 生成在线编辑页（Decap CMS 的 /admin/；build 也会生成）")
    editor.add_argument("--config", type=Path, default=Path("mkdocs.yml"), help="MkDocs 配置文件（默认 mkdocs.yml，读取其中的 extra.jiangpu.cms）")
    editor.add_argument("--out", type=Path, default=Path("build/admin"), help="输出目录（默认 build/admin）")
    _add_records(editor)
    editor.add_argument("--no-cache", action="store_true", help="不使用检查缓存")
    editor.set_defaults(handler=cmd_cms)

    tidy = commands.add_parser("fmt", help="把记录整理成统一格式（字段顺序、引号、日期），让修改记录一目了然")
    tidy.add_argument("--records", type=Path, default=DEFAULT_RECORDS, help="记录目录（默认 records）")
    tidy.add_argument("--check", action="store_true", help="只检查不改写：有文件需要整理时判为不通过（CI 与 pre-commit 使用）")
    tidy.add_argument("--fix", action="store_true", help="同时修正中文输入法造成的错误（全角冒号、Tab 和全角空格缩进、2020.3.10 式日期、全角数字）")
    tidy.add_argument("--format", choices=sorted(reporters.REPORTERS), default="text", help="问题的输出格式")
    tidy.add_argument("paths", nargs="*", metavar="PATH", help="只整理这些文件（默认整理记录目录下的全部）")
    tidy.set_defaults(handler=cmd_fmt)

    synth = commands.add_parser("synth", help="生成用于性能测试的虚构登记册")
    synth.add_argument("--size", choices=["S", "M", "L"], default="M", help="规模：S 同示例，M 一个区十年，L 为 M 的十倍")
    synth.add_argument("--out", type=Path, required=True, help="输出目录（须为空）")
    synth.add_argument("--seed", type=int, default=2018, help="随机种子（相同种子生成相同内容）")
    synth.set_defaults(handler=cmd_synth)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    handler: Callable[[argparse.Namespace], int] = args.handler
    return handler(args)
