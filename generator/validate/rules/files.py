"""Rules about files and ids."""

from __future__ import annotations

from collections.abc import Iterator

from generator.validate.rules import Context, Finding, rule


@rule("file.id")
def id_matches_file_name(ctx: Context) -> Iterator[Finding]:
    for record in ctx.records:
        if record.data is not None and record.data["id"] != record.id:
            yield Finding(record.src, f"编号“{record.data['id']}”与文件名“{record.id}.yml”不一致：编号必须与文件名（不含 .yml）相同", ("id",))


@rule("id.unique")
def ids_unique_per_kind(ctx: Context) -> Iterator[Finding]:
    first: dict[tuple[str, str], str] = {}
    for record in sorted(ctx.records, key=lambda r: r.src.path):
        record_id = record.data["id"] if record.data is not None else record.id
        seen = first.setdefault((record.kind, record_id), record.src.path)
        if seen != record.src.path:
            yield Finding(record.src, f"编号“{record_id}”已被 {seen} 使用：同一类记录的编号不能重复", ("id",))
