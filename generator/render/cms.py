"""The web editor at /admin/: Decap CMS, configured from the schemas.

Clerks edit records in a form instead of YAML. Decap CMS saves through
GitHub: with ``publish_mode: editorial_workflow`` every save is a branch and a
pull request, which the same CI gate checks as any other change. Its
configuration is generated here from ``schemas/`` (one folder collection per
kind, a widget per property, Chinese labels and hints from each property's
``title`` and ``description``), so that a field added to a schema appears in
the form without anyone editing the CMS configuration.

The Decap script is a pinned npm package fetched by ``scripts/setup.sh`` into
``.cache/`` and copied next to the configuration: the site never loads it
from a CDN (it must work in China and offline).
"""

from __future__ import annotations

import base64
import functools
import hashlib
import io
import re
import shutil
import tarfile
import tempfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from generator.kinds import BY_NAME, KINDS, PRIVATE_LABELS, Kind
from generator.resources import TEMPLATE_DIR, load_schema

# The Decap CMS release the site ships (pinned with its checksum in decap-cms.lock, which
# scripts/setup.sh reads too), and where the set-up keeps the npm package as downloaded.
_, DECAP_VERSION, DECAP_INTEGRITY = (TEMPLATE_DIR / "admin" / "decap-cms.lock").read_text(encoding="utf-8").split()
# In a checkout of the tool, scripts/setup.sh keeps it in .cache/; a registry that installs the tool
# as a package gets it in the user's cache from `python -m generator setup` (fetch_decap below).
DECAP_PACKAGE = Path(__file__).resolve().parents[2] / ".cache" / f"decap-cms-{DECAP_VERSION}.tgz"


def user_decap_package(environ: Mapping[str, str]) -> Path:
    base = Path(environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "jiangpu" / f"decap-cms-{DECAP_VERSION}.tgz"


def decap_package(environ: Mapping[str, str]) -> Path:
    """Where the editor's npm package is: $JIANGPU_DECAP, the checkout's .cache/, the user's cache."""
    named = environ.get("JIANGPU_DECAP")
    if named:
        return Path(named)
    return DECAP_PACKAGE if DECAP_PACKAGE.is_file() else user_decap_package(environ)


def _integrity(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode("ascii")


def fetch_decap(target: Path, run: Callable[[list[str], Path], None]) -> Path:
    """The pinned release from the npm registry (``npm pack`` through ``run``), checked against
    decap-cms.lock and kept at ``target``; a package already there and whole is kept."""
    if target.is_file() and _integrity(target.read_bytes()) == DECAP_INTEGRITY:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="jiangpu-decap-") as work:
        run(["npm", "pack", "--silent", f"decap-cms@{DECAP_VERSION}"], Path(work))
        packed = Path(work) / f"decap-cms-{DECAP_VERSION}.tgz"
        if not packed.is_file() or _integrity(packed.read_bytes()) != DECAP_INTEGRITY:
            raise CmsError(f"下载的 Decap CMS {DECAP_VERSION} 与 decap-cms.lock 记录的校验值不符，已停止")
        shutil.move(str(packed), target)
    return target
# Text fields written in paragraphs: a text box, not a one-line field.
LONG_TEXT = {"description", "bio", "goal", "plan", "summary", "master_comment", "group_comment",
             "leader_age_exception", "evaluation.master", "evaluation.group", "note"}
# What each kind's relation list shows of the records it offers.
SHOWN_FIELDS = {"unit": ["name"], "master": ["name", "trade"], "studio": ["name"], "programme": ["name"],
                "pair": ["apprentice.name", "start"]}
SEARCH_FIELDS = {"unit": ["name", "short_name", "id"], "master": ["name", "id"], "studio": ["name", "id"],
                 "programme": ["name", "id"], "pair": ["apprentice.name", "id"]}
PRIVATE_MARK = "（不公开）"


@dataclass(frozen=True, slots=True)
class CmsOptions:
    repo: str  # "owner/name" on GitHub
    branch: str = "main"
    base_url: str | None = None  # the OAuth proxy Decap's GitHub backend signs in through
    site_url: str | None = None
    local_backend: str | None = None  # the local editing API (python -m generator serve), e.g. http://127.0.0.1:8081/api/v1


def _relation(target: str, multiple: bool = False) -> dict[str, Any]:
    folder = BY_NAME[target].folder
    field: dict[str, Any] = {"widget": "relation", "collection": folder, "value_field": "id",
                             "search_fields": SEARCH_FIELDS[target], "display_fields": SHOWN_FIELDS[target]}
    if multiple:
        field["multiple"] = True
    return field


def _private_fields() -> list[dict[str, Any]]:
    return [{"name": key, "label": label + PRIVATE_MARK, "widget": "string", "required": False}
            for key, label in PRIVATE_LABELS.items() if key != "id_card"]  # never an ID-card number (CONTRIBUTING)


def _widget(kind: Kind, dotted: str, spec: Mapping[str, Any]) -> dict[str, Any]:
    reference = kind.references.get(dotted)
    if reference:
        return _relation(reference)
    if "enum" in spec:
        return {"widget": "select", "options": [str(v) for v in spec["enum"]]}
    kind_of = spec.get("type")
    if spec.get("format") == "date":
        return {"widget": "datetime", "format": "YYYY-MM-DD", "date_format": "YYYY-MM-DD", "time_format": False}
    if kind_of in ("integer", "number"):
        field: dict[str, Any] = {"widget": "number", "value_type": "int" if kind_of == "integer" else "float"}
        for key in ("minimum", "maximum"):
            if key in spec:
                field[key[:3]] = spec[key]
        return field
    if kind_of == "boolean":
        return {"widget": "boolean"}
    if kind_of == "array":
        return _list(kind, dotted, spec)
    if kind_of == "object":
        if "properties" not in spec:  # private: free-form in YAML, its known keys in the form
            return {"widget": "object", "collapsed": True, "fields": _private_fields()}
        return {"widget": "object", "fields": list(_fields(kind, spec, dotted + "."))}
    field = {"widget": "text" if dotted in LONG_TEXT or dotted.rsplit(".", 1)[-1] in LONG_TEXT else "string"}
    if "pattern" in spec:
        field["pattern"] = [spec["pattern"], f"格式不对：{spec.get('description', '')}"]
    elif "maxLength" in spec:  # the gate's limit, said in the form before the save
        field["pattern"] = [f"^[\\s\\S]{{0,{spec['maxLength']}}}$", f"太长：最多 {spec['maxLength']} 个字"]
    return field


def _list(kind: Kind, dotted: str, spec: Mapping[str, Any]) -> dict[str, Any]:
    items = spec.get("items", {})
    reference = kind.references.get(dotted + ".*")
    if reference:
        return _relation(reference, multiple=True)
    if items.get("type") == "object":
        summary = next((f"{{{{fields.{k}}}}}" for k in ("name", "title", "year", "unit", "programme") if k in items.get("properties", {})), None)
        field: dict[str, Any] = {"widget": "list", "fields": list(_fields(kind, items, dotted + ".*.")),
                                 "label_singular": items.get("title", spec.get("title", ""))}
        if summary:
            field["summary"] = summary
        if "maxItems" in spec:
            field["max"] = spec["maxItems"]
        return field
    if "enum" in items:
        return {"widget": "select", "multiple": True, "options": [str(v) for v in items["enum"]]}
    field = {"widget": "list", "field": {"name": "item", "label": items.get("title", "项"), "widget": "string"}}
    if "maxItems" in spec:
        field["max"] = spec["maxItems"]
    return field


def _fields(kind: Kind, schema: Mapping[str, Any], prefix: str = "") -> Iterator[dict[str, Any]]:
    required = set(schema.get("required", []))
    for name, spec in schema.get("properties", {}).items():
        dotted = prefix + name
        field = {"name": name, "label": spec.get("title", name), **_widget(kind, dotted, spec)}
        if name == "private":
            field["label"] = spec.get("title", "不公开信息") + PRIVATE_MARK
        if spec.get("description"):
            field["hint"] = spec["description"]
            if field["widget"] == "relation":  # chosen from a list, not typed as a file name
                field["hint"] = re.sub(r"（填写 records/.*?）", "", field["hint"]) + "（在列表中选择，可输入名称查找）"
        field["required"] = name in required
        yield field


def collection(kind: Kind) -> dict[str, Any]:
    schema = load_schema(kind.name)
    name_field = kind.name_field or "id"
    summary = "{{fields.id}}" + (f"　{{{{fields.{name_field}}}}}" if kind.name_field else "　{{fields.apprentice.name}}")
    return {
        "name": kind.folder,
        "label": kind.label,
        "label_singular": kind.label,
        "description": schema.get("description", ""),
        "folder": f"records/{kind.folder}",
        "extension": "yml",
        "format": "yml",
        "create": True,
        "delete": False,  # removing a record is a decision for a reviewer, in a pull request
        "identifier_field": "id",
        "slug": "{{fields.id}}",  # the file name is the id
        "summary": summary,
        "sortable_fields": ["id", name_field] if kind.name_field else ["id"],
        "fields": list(_fields(kind, schema)),
    }


def config(options: CmsOptions) -> dict[str, Any]:
    backend: dict[str, Any] = {"name": "github", "repo": options.repo, "branch": options.branch,
                               "commit_messages": {"create": "新建{{collection}}：{{slug}}", "update": "修改{{collection}}：{{slug}}",
                                                   "delete": "删除{{collection}}：{{slug}}",
                                                   "uploadMedia": "上传照片：{{path}}", "deleteMedia": "删除照片：{{path}}"}}
    if options.base_url:
        backend["base_url"] = options.base_url
    out: dict[str, Any] = {
        "backend": backend,
        "publish_mode": "editorial_workflow",
        "editor": {"preview": False},  # a record has no page preview here: the form gets the width
        "locale": "zh_Hans",
        "media_folder": "records/photos",
        "public_folder": "",
        "collections": [collection(kind) for kind in KINDS],
    }
    if options.site_url:
        out["site_url"] = out["display_url"] = options.site_url
    if options.local_backend:
        out["local_backend"] = {"url": options.local_backend, "allowed_hosts": ["localhost", "127.0.0.1"]}
    else:
        out["local_backend"] = True
    return out


class CmsError(Exception):
    """The editor cannot be written; the message is for the user (Chinese)."""


def write_admin(out: Path, options: CmsOptions, package: Path = DECAP_PACKAGE) -> None:
    """``out``/index.html, config.yml and the Decap script, taken from the npm package the set-up
    downloaded after checking it again here against the recorded checksum: what is published is
    the pinned release, whatever happened to the cache folder since."""
    files = decap_files(package)
    out.mkdir(parents=True, exist_ok=True)
    text = yaml.safe_dump(config(options), allow_unicode=True, sort_keys=False, width=1_000_000)
    (out / "config.yml").write_text("# 由 python -m generator cms 按 schemas/ 生成，不要手工修改。\n" + text, encoding="utf-8")
    shutil.copyfile(TEMPLATE_DIR / "admin" / "index.html", out / "index.html")
    for name, data in sorted(files.items()):
        (out / name).write_bytes(data)


@functools.lru_cache(maxsize=2)
def _package_files(package: Path, stamp: tuple[int, int]) -> dict[str, bytes]:
    data = package.read_bytes()
    if _integrity(data) != DECAP_INTEGRITY:
        raise CmsError(f"Decap CMS 安装包（{package}）与 decap-cms.lock 记录的校验值不符，没有发布在线编辑页："
                       "请删除它后重新运行 bash scripts/setup.sh")
    found = {}
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        for member in archive.getmembers():
            folder, _, name = member.name.rpartition("/")
            if member.isfile() and folder == "package/dist" and is_decap_file(name):
                extracted = archive.extractfile(member)
                assert extracted is not None
                found[name] = extracted.read()
    if "decap-cms.js" not in found:
        raise CmsError(f"Decap CMS 安装包（{package}）中没有 decap-cms.js")
    return found


def decap_files(package: Path = DECAP_PACKAGE) -> dict[str, bytes]:
    """The editor's files by name, from the checked package (read once per process)."""
    try:
        info = package.stat()
    except OSError:
        raise CmsError(f"找不到 Decap CMS（{package}）：请先运行 bash scripts/setup.sh（或 python -m generator setup）") from None
    return _package_files(package, (info.st_size, info.st_mtime_ns))


def is_decap_file(name: str) -> bool:
    """The files of Decap's "decap-cms" build: the script, the parts it loads later, its licences."""
    return name == "decap-cms.js" or name.endswith((".decap-cms.js", ".wasm", "decap-cms.js.LICENSE.txt"))
