"""The public face of each record: the only data the site and its downloads see.

Fields are listed, never filtered out: a field added to a record later stays
private until someone adds it here on purpose. Nothing under ``private`` and,
of an apprentice, nothing but the masked name is ever listed.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from generator.model.entities import Honour, Master, Pair, Programme, Studio, Unit, mask_name


def _honour(h: Honour) -> dict[str, Any]:
    return {"name": h.name, "level": h.level, "year": h.year, "issuer": h.issuer}


def programme(p: Programme) -> dict[str, Any]:
    return {
        "id": p.id, "kind": p.kind, "name": p.name, "issuer": p.issuer, "document_no": p.document_no,
        "issued": p.issued.isoformat() if p.issued else None, "start_year": p.start_year, "years": p.years,
        "target": p.target, "description": p.description,
        "quotas": [{"unit": q.unit, "years": q.years, "target": q.target} for q in p.quotas],
        "tiers": [asdict(t) for t in p.tiers],
    }


def unit(u: Unit) -> dict[str, Any]:
    return {"id": u.id, "name": u.name, "short_name": u.short_name, "type": u.type, "region": u.region,
            "industry": u.industry, "parent": u.parent, "description": u.description}


def master(m: Master) -> dict[str, Any]:
    return {
        "id": m.id, "name": m.name, "gender": m.gender, "unit": m.unit, "department": m.department, "post": m.post,
        "trade": m.trade, "skill_level": m.skill_level, "title": m.title, "education": m.education,
        "honours": [_honour(h) for h in m.honours],
        "talent": [{"programme": t.programme, "tier": t.tier, "year": t.year} for t in m.talent],
        "bio": m.bio, "photo": m.photo,
    }


def studio(s: Studio) -> dict[str, Any]:
    return {
        "id": s.id, "name": s.name, "type": s.type, "level": s.level, "field": s.field, "programme": s.programme,
        "unit": s.unit, "mode": s.mode, "partner_units": list(s.partner_units), "leader": s.leader,
        "members": list(s.members), "learners": s.learners,
        "established": s.established.isoformat() if s.established else None,
        "named": s.named.isoformat() if s.named else None, "area_m2": s.area_m2, "status": s.status,
        "assessments": [asdict(a) for a in s.assessments], "results": [asdict(r) for r in s.results],
        "honours": [_honour(h) for h in s.honours], "description": s.description, "photo": s.photo,
    }


def pair(p: Pair, *, mask: bool = True) -> dict[str, Any]:
    """A pair as the public sees it: the apprentice is a masked name and nothing more."""
    return {
        "id": p.id, "programme": p.programme, "unit": p.unit, "master": p.master, "studio": p.studio,
        "apprentice": mask_name(p.apprentice.name) if mask else p.apprentice.name,
        "apprentice_master": p.apprentice.master,
        "department": p.department, "start": p.start.isoformat(), "end": p.end.isoformat(),
        "status": p.status,
        "stages_total": len(p.stages), "stages_done": sum(1 for s in p.stages if s.done),
        "evaluation_result": p.evaluation.result if p.evaluation else None,
        "renews": p.renews,
    }
