"""Every record kind described once: its folder, labels, references and ledger fields.

Other modules read these tables instead of keeping their own copies, so a
kind's folder or a reference between kinds is written down in one place.

``ledger`` is an allow-list: the ledger shared without ``--include-private``
carries these fields and no others, so a field added to a schema later stays
out of it until someone lists it here on purpose (as the public views in
``generator.render.public`` do for the site).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

# What may stand under ``private:`` (free-form, never published): the ledger's labels,
# in the order fmt writes the keys.
PRIVATE_LABELS = {"phone": "电话", "employee_no": "员工编号", "note": "备注", "id_card": "身份证号"}
# An empty list in the ledger (said to be none, which an empty cell, not filled in, would not say).
NONE = "无"
# The kinds an office keeps ledgers of (python -m generator import).
IMPORTABLE = ("pair", "master", "studio", "unit")


@dataclass(frozen=True, slots=True)
class Kind:
    name: str  # the schema's name, e.g. "pair"
    folder: str  # under records/, e.g. "pairs"
    label: str  # what staff call it, e.g. "师徒结对"
    # Dotted field path ("*" for each item of a list) -> the kind of record it names by id.
    references: Mapping[str, str]
    # Dotted paths the default ledger exports; an object's path exports all its properties as one text.
    ledger: tuple[str, ...]
    # Lists of objects that get a sheet of their own in the ledger (one row per item).
    ledger_lists: tuple[str, ...] = ()
    # The field that names a record, shown beside its id wherever it is referred to.
    name_field: str | None = "name"
    # The kind of programme a record of this kind belongs to (what ``new`` pre-fills), if any.
    programme_kind: str | None = None


KINDS: tuple[Kind, ...] = (
    Kind(
        "programme", "programmes", "活动",
        references={"issuer_unit": "unit", "quotas.*.unit": "unit"},
        ledger=("id", "kind", "name", "issuer", "issuer_unit", "document_no", "issued", "start_year", "years", "target",
                "description", "rules", "quotas", "tiers"),
        ledger_lists=("quotas", "tiers"),
    ),
    Kind(
        "unit", "units", "单位",
        references={"parent": "unit"},
        ledger=("id", "name", "short_name", "type", "region", "industry", "parent", "description"),
    ),
    Kind(
        "master", "masters", "名匠",
        references={"unit": "unit", "talent.*.programme": "programme"},
        ledger=("id", "name", "gender", "birth_year", "unit", "department", "post", "trade", "skill_level", "title",
                "education", "honours", "talent", "retired", "bio", "photo"),
        ledger_lists=("honours", "talent"),
    ),
    Kind(
        "studio", "studios", "工作室",
        references={"programme": "programme", "unit": "unit", "partner_units.*": "unit", "leader": "master",
                    "members.*": "master"},
        ledger=("id", "name", "type", "level", "field", "programme", "unit", "mode", "partner_units", "leader",
                "leader_age_exception", "members", "learners", "established", "named", "area_m2", "status",
                "assessments", "results", "honours", "description"),
        ledger_lists=("assessments", "results", "honours"),
        programme_kind="studio",
    ),
    Kind(
        "pair", "pairs", "师徒结对",
        references={"programme": "programme", "unit": "unit", "master": "master", "studio": "studio",
                    "apprentice.master": "master", "renews": "pair"},
        # Of the apprentice, everything but the birth year (a personal detail, private-only).
        ledger=("id", "programme", "unit", "master", "studio", "apprentice.name", "apprentice.gender",
                "apprentice.education", "apprentice.trade", "apprentice.skill_level", "apprentice.title",
                "apprentice.department", "apprentice.post", "apprentice.migrant_worker", "apprentice.master",
                "department", "signed", "start", "end", "goal", "stages", "approvals.administration", "approvals.union",
                "approvals.hr", "status", "terminated.date", "terminated.reason", "evaluation.master", "evaluation.group", "evaluation.result", "evaluation.date",
                "renews"),
        ledger_lists=("stages",),
        name_field=None,
        programme_kind="pairing",
    ),
)

# A programme's kind (the schema's enum) as staff call it.
PROGRAMME_KINDS: dict[str, str] = {"pairing": "师徒结对", "talent": "技能人才评选", "studio": "工作室建设"}

BY_NAME: dict[str, Kind] = {k.name: k for k in KINDS}
NAMES: tuple[str, ...] = tuple(k.name for k in KINDS)
