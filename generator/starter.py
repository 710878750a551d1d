"""``init``: a new registry repository for another union, bureau or school.

The new repository holds records and configuration only; the tool is installed as a package
at the version its requirements.txt names (one line), so an upgrade is a one-line change
reviewed like any other. What it gets: mkdocs.yml with its name and address, one programme
of the chosen kind and no sample people, the set-up script and two commands of its README,
the workflows (the pull-request check runs the registry checks only: the tool's own tests
belong to the tool), the pre-commit hooks and a CONTRIBUTING for its clerks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from generator.files import ID_RE
from generator.load.ledger import record_text
from generator.resources import TEMPLATE_DIR

TEMPLATES = TEMPLATE_DIR / "registry"
# Where each template goes in the new repository ("" for the same path less .j2).
PLACES = {"gitignore.j2": ".gitignore", "pre-commit-config.yaml.j2": ".pre-commit-config.yaml",
          "workflows/pages.yml": ".github/workflows/pages.yml", "workflows/pull-request.yml": ".github/workflows/pull-request.yml",
          "workflows/reminders.yml": ".github/workflows/reminders.yml"}
KIND_WORDS = {"pairing": "师徒结对活动", "talent": "技能人才评选活动", "studio": "工作室建设活动"}


class StarterError(Exception):
    """The registry cannot be made; the message is for the user (Chinese)."""


@dataclass(frozen=True, slots=True)
class Starter:
    name: str  # the union's, bureau's or school's name: 某某区总工会
    site_url: str  # where the site will be published, ending in "/"
    kind: str  # pairing, talent or studio: the first programme's
    tool: str  # the requirement line that installs the tool, e.g. "jiangpu @ git+https://…@v0.1.0"
    repo: str = "your-org/registry"  # owner/name on GitHub, for the web editor
    year: int = date.today().year
    programme_id: str = ""

    @property
    def programme(self) -> str:
        return self.programme_id or f"{self.kind}-{self.year}"


def programme_record(starter: Starter) -> dict[str, object]:
    """The first programme: valid as it is, every figure to be replaced by the programme's document's."""
    record: dict[str, object] = {
        "id": starter.programme, "kind": starter.kind, "name": f"{starter.name}{KIND_WORDS[starter.kind]}",
        "issuer": starter.name, "start_year": starter.year, "years": 5,
        "target": {"pairing": 100, "talent": 500, "studio": 10}[starter.kind],
        "description": "（请按活动文件改写：名称、发文单位、文号、年限、总目标和规则。）",
    }
    if starter.kind == "talent":
        record["tiers"] = [{"name": "首席技工", "per_year": 20}, {"name": "技术标兵", "per_year": 80}]
    return record


def files(starter: Starter) -> dict[str, str]:
    """Path in the new repository -> its text."""
    if starter.kind not in KIND_WORDS:
        raise StarterError(f"活动类型应为 pairing（师徒结对）、talent（技能人才评选）或 studio（工作室建设），而不是“{starter.kind}”")
    if not ID_RE.match(starter.programme):
        raise StarterError(f"活动编号“{starter.programme}”不合规：只能用小写字母、数字和连字符")
    if not starter.site_url.startswith(("https://", "http://")):
        raise StarterError(f"网站地址应以 https:// 开头：{starter.site_url}")
    site_url = starter.site_url if starter.site_url.endswith("/") else starter.site_url + "/"
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), undefined=StrictUndefined, keep_trailing_newline=True)
    values = {"name": starter.name, "site_url": site_url, "tool": starter.tool, "repo": starter.repo,
              "programme": starter.programme, "kind_word": KIND_WORDS[starter.kind]}
    out: dict[str, str] = {}
    for path in sorted(p for p in TEMPLATES.rglob("*") if p.is_file() and p.parent.name != "__pycache__"):
        relative = path.relative_to(TEMPLATES).as_posix()
        target = PLACES.get(relative, relative.removesuffix(".j2"))
        out[target] = env.get_template(relative).render(values) if relative.endswith(".j2") else path.read_text(encoding="utf-8")
    out[f"records/programmes/{starter.programme}.yml"] = record_text("programme", programme_record(starter))
    return out


def write(target: Path, starter: Starter) -> list[Path]:
    """Write the new repository into ``target``, which must be empty or absent."""
    made = files(starter)
    if target.exists() and any(target.iterdir()):
        raise StarterError(f"目录 {target} 不是空的：请换一个新目录")
    written = []
    for relative, text in made.items():
        path = target / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        if path.suffix == ".sh":
            path.chmod(0o755)
        written.append(path)
    for folder in ("masters", "studios", "pairs", "units", "photos"):
        (target / "records" / folder).mkdir(parents=True, exist_ok=True)
        (target / "records" / folder / ".gitkeep").write_text("", encoding="utf-8")
    return written
