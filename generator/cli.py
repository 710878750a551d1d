"""Command line: parses options, wires the stages, prints, and decides the exit code.

Nothing below this module prints or exits.
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date
from pathlib import Path
from typing import Callable, Sequence

from generator import reporters
from generator.validate.engine import validate

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
DEFAULT_RECORDS = Path("records")


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期格式应为 YYYY-MM-DD：{value}") from None


def _add_records(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--records", type=Path, default=DEFAULT_RECORDS, help="记录目录（默认 records）")
    parser.add_argument("--date", type=_date, default=None, help="按哪一天检查（默认今天），格式 YYYY-MM-DD")


def _cache_dir(args: argparse.Namespace) -> Path | None:
    # CI starts from a fresh clone and must not trust a cache committed to it.
    if args.no_cache or os.environ.get("CI"):
        return None
    return Path(args.records).resolve().parent / ".jiangpu-cache"


def cmd_validate(args: argparse.Namespace) -> int:
    run = validate(args.records, today=args.date or date.today(), only=args.paths, cache_dir=_cache_dir(args))
    sys.stdout.write(reporters.REPORTERS[args.format](run.result))
    return EXIT_FAILED if run.result.failed(strict=args.strict) else EXIT_OK


def cmd_synth(args: argparse.Namespace) -> int:
    from generator.synthetic import generate

    if args.out.exists() and any(args.out.iterdir()):
        sys.stderr.write(f"输出目录 {args.out} 不是空的，请换一个目录\n")
        return EXIT_USAGE
    counts = generate(args.size, args.out, seed=args.seed)
    sys.stdout.write("已生成：" + "，".join(f"{k} {v}" for k, v in counts.items()) + f"（{args.out / 'records'}）\n")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m generator", description="匠谱：工作室、名匠与师徒结对登记册的生成器")
    commands = parser.add_subparsers(dest="command", required=True, metavar="命令")

    check = commands.add_parser("validate", help="检查记录（CI 与 pre-commit 使用）")
    _add_records(check)
    check.add_argument("--format", choices=sorted(reporters.REPORTERS), default="text", help="输出格式")
    check.add_argument("--strict", action="store_true", help="有警告也判为不通过")
    check.add_argument("--no-cache", action="store_true", help="不使用缓存，全部重新读取")
    check.add_argument("paths", nargs="*", metavar="PATH", help="只报告这些文件的问题（仍按整个登记册检查）")
    check.set_defaults(handler=cmd_validate)

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
