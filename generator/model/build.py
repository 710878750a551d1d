"""Turn schema-valid record data into the typed registry."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from generator.kinds import BY_NAME, NAMES
from generator.model.entities import (
    Apprentice,
    Approvals,
    Assessment,
    Evaluation,
    Honour,
    Master,
    Office,
    Pair,
    Programme,
    Quota,
    Range,
    Registry,
    Rules,
    Source,
    Stage,
    Studio,
    TalentEntry,
    Termination,
    Tier,
    Unit,
    YearResult,
)
from generator.resources import load_schema


@dataclass(slots=True)
class RecordData:
    """One record file after loading: its data when the schema accepted it."""

    kind: str
    id: str
    src: Source
    data: dict[str, Any] | None


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


@cache
def rule_defaults() -> dict[str, Any]:
    """The seeds' values, kept once: as ``default`` in the programme schema."""
    props = load_schema("programme")["properties"]["rules"]["properties"]
    return {name: spec["default"] for name, spec in props.items() if "default" in spec}


def rules_from(data: dict[str, Any] | None) -> Rules:
    merged = {**rule_defaults(), **(data or {})}

    def rng(name: str) -> Range:
        value = merged[name]
        return Range(value.get("min"), value.get("max"))

    return Rules(
        max_apprentices_per_master=merged["max_apprentices_per_master"],
        term_years=rng("term_years"),
        same_unit=merged["same_unit"],
        report_due=merged.get("report_due"),
        master_skill_levels=tuple(merged["master_skill_levels"]),
        team_size=rng("team_size"),
        leader_max_age=dict(merged["leader_max_age"]),
        leader_max_age_special=dict(merged["leader_max_age_special"]),
        member_max_age=merged["member_max_age"],
        min_area_m2=merged["min_area_m2"],
        max_named_per_year=merged["max_named_per_year"],
        cycle_years=merged["cycle_years"],
        assessment_results=tuple(merged["assessment_results"]),
        yearly_targets=dict(merged["yearly_targets"]),
        yearly_tasks=dict(merged.get("yearly_tasks", {})),
        name_format=merged.get("name_format"),
        public_notice_days=merged.get("public_notice_days"),
    )


def _honours(items: Iterable[dict[str, Any]]) -> list[Honour]:
    return [Honour(**h) for h in items]


def programme_from(d: dict[str, Any], src: Source) -> Programme:
    return Programme(
        id=d["id"], kind=d["kind"], name=d["name"], issuer=d["issuer"],
        start_year=d["start_year"], years=d["years"], target=d["target"],
        rules=rules_from(d.get("rules")), src=src,
        document_no=d.get("document_no"), issued=_date(d.get("issued")),
        issuer_unit=d.get("issuer_unit"), description=d.get("description"),
        quotas=[Quota(**q) for q in d.get("quotas", [])],
        tiers=[Tier(**t) for t in d.get("tiers", [])], application_form=d.get("application_form"),
        offices=[Office(**o) for o in d.get("offices", [])],
    )


def unit_from(d: dict[str, Any], src: Source) -> Unit:
    fields = {k: v for k, v in d.items() if k != "private"}
    return Unit(**fields, src=src)


def master_from(d: dict[str, Any], src: Source) -> Master:
    fields = {k: v for k, v in d.items() if k not in ("honours", "talent", "retired")}
    return Master(
        **fields, src=src, retired=_date(d.get("retired")),
        honours=_honours(d.get("honours", [])),
        talent=[TalentEntry(**t) for t in d.get("talent", [])],
    )


def studio_from(d: dict[str, Any], src: Source) -> Studio:
    special = ("assessments", "results", "honours", "established", "named")
    fields = {k: v for k, v in d.items() if k not in special}
    return Studio(
        **fields, src=src,
        established=_date(d.get("established")), named=_date(d.get("named")),
        assessments=[Assessment(**{**a, "rectify_by": _date(a.get("rectify_by"))}) for a in d.get("assessments", [])],
        results=[YearResult(**r) for r in d.get("results", [])],
        honours=_honours(d.get("honours", [])),
    )


def _stage(d: dict[str, Any]) -> Stage:
    dates = {k: _date(d.get(k)) for k in ("start", "end", "reported")}
    return Stage(**{**d, **dates})


def pair_from(d: dict[str, Any], src: Source) -> Pair:
    special = ("apprentice", "stages", "approvals", "evaluation", "signed", "start", "end", "terminated")
    fields = {k: v for k, v in d.items() if k not in special}
    evaluation, terminated = d.get("evaluation"), d.get("terminated")
    return Pair(
        **fields, src=src,
        apprentice=Apprentice(**d["apprentice"]),
        signed=_date(d.get("signed")), start=date.fromisoformat(d["start"]), end=date.fromisoformat(d["end"]),
        stages=[_stage(s) for s in d.get("stages", [])],
        approvals=Approvals(**{k: _date(v) for k, v in d.get("approvals", {}).items()}),
        evaluation=Evaluation(**{**evaluation, "date": _date(evaluation.get("date"))}) if evaluation else None,
        terminated=Termination(date.fromisoformat(terminated["date"]), terminated.get("reason")) if terminated else None,
    )


# The model's own part of each kind: how its data becomes a dataclass. The registry's
# table for a kind is named like its folder (generator.kinds).
_BUILDERS: dict[str, Callable[[dict[str, Any], Source], Any]] = {
    "programme": programme_from,
    "unit": unit_from,
    "master": master_from,
    "studio": studio_from,
    "pair": pair_from,
}


def build_registry(records: Iterable[RecordData]) -> Registry:
    """The registry of the records whose data passed the schema.

    When two files claim one id, the first (in path order) is kept; the
    duplicate is reported by the ``id.unique`` rule.
    """
    registry = Registry(ids={kind: set() for kind in NAMES})
    for record in sorted(records, key=lambda r: r.src.path):
        registry.ids[record.kind].add(record.id)
        if record.data is None:
            continue
        registry.ids[record.kind].add(record.data["id"])
        withdrawn = record.data.get("withdrawn")
        if withdrawn:  # its id stays taken; the record itself is in no table (site, forms, counts)
            registry.withdrawn.setdefault(record.kind, {})[record.data["id"]] = f"{withdrawn['date']} 撤回：{withdrawn['reason']}"
            continue
        table: dict[str, Any] = getattr(registry, BY_NAME[record.kind].folder)
        table.setdefault(record.data["id"], _BUILDERS[record.kind](record.data, record.src))
    return registry
