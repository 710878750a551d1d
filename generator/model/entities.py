"""The registry as typed values: what rules, pages and forms read.

Records reach this layer only after their schema check passed, so the
builders below may index required keys directly.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as _field  # a studio has a data field named "field"
from datetime import date
from typing import Any

from generator.load.yamlfile import Document, Key, Mark, load_located


@dataclass(slots=True, eq=False)
class Source:
    """Where a record came from, able to point at any of its values.

    ``document`` is absent when the record came from the cache; the file is
    then parsed again only if a diagnostic needs a line number.
    """

    path: str
    file_path: str
    document: Document | None = None

    def locate(self, key: Key = (), *, at_key: bool = False) -> Mark:
        if self.document is None:
            self.document = load_located(self.file_path, self.path)
            if self.document is None:
                return (1, 1)
        return self.document.locate(key, at_key=at_key)


@dataclass(frozen=True, slots=True)
class Range:
    min: int | None
    max: int | None

    def text(self, unit: str) -> str:
        if self.min is not None and self.max is not None:
            return f"{self.min}至{self.max}{unit}"
        if self.min is not None:
            return f"至少{self.min}{unit}"
        return f"至多{self.max}{unit}"


@dataclass(frozen=True, slots=True)
class Rules:
    """A programme's parameters; absent keys take the schema's defaults (the seeds' values)."""

    max_apprentices_per_master: int
    term_years: Range
    same_unit: bool
    report_due: str | None  # MM-DD; None where the programme's document sets no date
    master_skill_levels: tuple[str, ...]
    team_size: Range
    leader_max_age: dict[str, int]
    leader_max_age_special: dict[str, int]
    member_max_age: int
    min_area_m2: float
    max_named_per_year: int
    cycle_years: int
    assessment_results: tuple[str, ...]
    yearly_targets: dict[str, int]
    name_format: str | None
    public_notice_days: int | None = None  # 公示期, where the programme's document sets one
    yearly_tasks: dict[str, str] = _field(default_factory=dict)  # a task the document words without a number


@dataclass(frozen=True, slots=True)
class Honour:
    name: str
    level: str
    year: int
    issuer: str | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Quota:
    unit: str
    target: int
    years: int | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Tier:
    name: str
    per_year: int
    allowance_yuan_per_year: int | None = None


BUREAU, ASSESSOR, APPROVER = "行业主管部门", "考核单位", "审定单位"


@dataclass(frozen=True, slots=True)
class Office:
    """An office the programme's forms name (行业主管部门 of a 领域, 考核单位 or 审定单位 of a level)."""

    role: str
    applies_to: str
    name: str


@dataclass(slots=True, eq=False)
class Programme:
    id: str
    kind: str
    name: str
    issuer: str
    start_year: int
    years: int
    target: int
    rules: Rules
    src: Source
    document_no: str | None = None
    issued: date | None = None
    issuer_unit: str | None = None
    description: str | None = None
    quotas: list[Quota] = _field(default_factory=list)
    tiers: list[Tier] = _field(default_factory=list)
    application_form: str | None = None  # which studio application form the programme uses
    offices: list[Office] = _field(default_factory=list)

    @property
    def end_year(self) -> int:
        return self.start_year + self.years - 1

    def tier(self, name: str) -> Tier | None:
        return next((t for t in self.tiers if t.name == name), None)

    def office(self, role: str, applies_to: str | None) -> str:
        """The office the programme's document names, or "" (the form leaves a blank for the clerk)."""
        return next((o.name for o in self.offices if o.role == role and o.applies_to == applies_to), "")

    def field_offices(self) -> dict[str, str]:
        return {o.applies_to: o.name for o in self.offices if o.role == BUREAU}

    def assessor(self, level: str | None, field: str | None) -> str:
        """Who assesses a studio: the office named for its level, else its field's 行业主管部门
        (武昌 第十五、十九条: 区人力资源局 the 区级 studios, each industry bureau its 系统内 ones)."""
        return self.office(ASSESSOR, level) or self.office(BUREAU, field)


@dataclass(slots=True, eq=False)
class Unit:
    id: str
    name: str
    type: str
    src: Source
    short_name: str | None = None
    region: str | None = None
    industry: str | None = None
    parent: str | None = None
    description: str | None = None


@dataclass(frozen=True, slots=True)
class TalentEntry:
    programme: str
    tier: str
    year: int


@dataclass(slots=True, eq=False)
class Master:
    id: str
    name: str
    gender: str
    birth_year: int
    unit: str
    trade: str
    skill_level: str
    src: Source
    department: str | None = None
    post: str | None = None
    title: str | None = None
    education: str | None = None
    enterprise_experience: str | None = None  # 企业工作经历 (the Chongqing school's condition)
    honours: list[Honour] = _field(default_factory=list)
    talent: list[TalentEntry] = _field(default_factory=list)
    bio: str | None = None
    photo: str | None = None
    retired: date | None = None  # 退休日期: a talent's allowance runs to retirement (Nanxun)
    private: dict[str, Any] = _field(default_factory=dict)

    def age_in(self, year: int) -> int:
        return year - self.birth_year


@dataclass(frozen=True, slots=True)
class Assessment:
    year: int
    kind: str
    result: str
    note: str | None = None
    rectify_by: date | None = None  # 整改期限, set when a rectification notice is issued


# A studio's yearly measures and how staff name them (results, targets, forms, pages).
MEASURE_LABELS = {"lectures": "示范讲座", "training_person_times": "培训人次", "research_topics": "研究课题",
                  "academic_events": "学术活动", "papers": "论文著作", "innovations": "创新成果", "patents": "专利"}


@dataclass(frozen=True, slots=True)
class YearResult:
    year: int
    lectures: int | None = None
    training_person_times: int | None = None
    research_topics: int | None = None
    academic_events: int | None = None
    papers: int | None = None
    innovations: int | None = None
    patents: int | None = None

    def get(self, measure: str) -> int | None:
        value = getattr(self, measure, None)
        return value if isinstance(value, int) else None


@dataclass(slots=True, eq=False)
class Studio:
    id: str
    name: str
    type: str
    level: str
    field: str
    unit: str
    leader: str
    status: str
    src: Source
    programme: str | None = None
    mode: str | None = None
    partner_units: list[str] = _field(default_factory=list)
    leader_age_exception: str | None = None
    members: list[str] = _field(default_factory=list)
    learners: int | None = None
    established: date | None = None
    named: date | None = None
    area_m2: float | None = None
    assessments: list[Assessment] = _field(default_factory=list)
    results: list[YearResult] = _field(default_factory=list)
    honours: list[Honour] = _field(default_factory=list)
    photo: str | None = None
    description: str | None = None
    private: dict[str, Any] = _field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Apprentice:
    name: str
    gender: str
    birth_year: int | None = None
    education: str | None = None
    trade: str | None = None
    skill_level: str | None = None
    title: str | None = None
    department: str | None = None
    post: str | None = None
    migrant_worker: bool | None = None
    master: str | None = None  # the apprentice's own profile, once a master
    private: dict[str, Any] = _field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Stage:
    title: str
    start: date
    end: date
    plan: str | None = None
    summary: str | None = None
    master_comment: str | None = None
    group_comment: str | None = None
    reported: date | None = None

    @property
    def done(self) -> bool:
        return bool(self.summary)


@dataclass(frozen=True, slots=True)
class Approvals:
    administration: date | None = None
    union: date | None = None
    hr: date | None = None

    @property
    def complete(self) -> bool:
        return None not in (self.administration, self.union, self.hr)

    def dated(self) -> dict[str, date]:
        seals = {"administration": self.administration, "union": self.union, "hr": self.hr}
        return {k: v for k, v in seals.items() if v is not None}


@dataclass(frozen=True, slots=True)
class Evaluation:
    master: str | None = None
    group: str | None = None
    result: str | None = None
    date: date | None = None


@dataclass(frozen=True, slots=True)
class Termination:
    date: date
    reason: str | None = None


# A pair counts against its master's limit while its term runs, once sealed.
IN_FORCE_STATUSES = ("培养中", "已出师", "已延期")


@dataclass(slots=True, eq=False)
class Pair:
    id: str
    programme: str
    unit: str
    master: str
    apprentice: Apprentice
    start: date
    end: date
    status: str
    src: Source
    studio: str | None = None
    department: str | None = None
    signed: date | None = None
    goal: str | None = None
    stages: list[Stage] = _field(default_factory=list)
    approvals: Approvals = _field(default_factory=Approvals)
    evaluation: Evaluation | None = None
    terminated: Termination | None = None  # ended before its term: from that day it counts no more
    renews: str | None = None
    private: dict[str, Any] = _field(default_factory=dict)

    @property
    def in_force(self) -> bool:
        return self.status in IN_FORCE_STATUSES


@dataclass(slots=True)
class Registry:
    """Every schema-valid record, by kind and id.

    ``ids`` holds the id of every record file found, valid or not, so that a
    reference to a broken record is not reported a second time as dangling.
    """

    programmes: dict[str, Programme] = _field(default_factory=dict)
    units: dict[str, Unit] = _field(default_factory=dict)
    masters: dict[str, Master] = _field(default_factory=dict)
    studios: dict[str, Studio] = _field(default_factory=dict)
    pairs: dict[str, Pair] = _field(default_factory=dict)
    ids: dict[str, set[str]] = _field(default_factory=dict)
    # Records withdrawn (撤回) by kind and id, with why: kept in git, counted and shown nowhere.
    withdrawn: dict[str, dict[str, str]] = _field(default_factory=dict)


def mask_name(name: str) -> str:
    """王小军 -> 王*军, 王军 -> 王*: the family name and, for longer names, the last character (an
    apprentice as the public site, its data and the public reminder issue show them)."""
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]
