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
import os
import re
import shutil
import tarfile
import tempfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import orjson
import yaml

from generator.kinds import BY_NAME, KINDS, PRIVATE_LABELS, PROGRAMME_KINDS, Kind
from generator.model.entities import Registry
from generator.render.cms_checks import date_check, text_check, year_check
from generator.render.cms_data import editor_data
from generator.resources import TEMPLATE_DIR, load_schema

# The Decap CMS release the site ships (pinned with its checksum in decap-cms.lock, which
# scripts/setup.sh reads too), and where the set-up keeps the npm package as downloaded.
# Its second line is the digest of the files the site takes from it (``dist_digest``): a build checks the
# last build's copies against it instead of unpacking 68 MB again (a third of a second).
_LOCK = (TEMPLATE_DIR / "admin" / "decap-cms.lock").read_text(encoding="utf-8").splitlines()
_, DECAP_VERSION, DECAP_INTEGRITY = _LOCK[0].split()
DECAP_DIST = _LOCK[1].split()[1] if len(_LOCK) > 1 and _LOCK[1].startswith("dist ") else ""
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


GITHUB_API = "https://api.github.com"
TOKEN_PAGE = "https://github.com/settings/personal-access-tokens/new"
PREVIEW_CONTEXT = "匠谱检查"  # .github/workflows/pull-request.yml writes a commit status of this name
ADMIN_FILES = ("index.html", "jiangpu-admin.js", "jiangpu-admin.css")


@dataclass(frozen=True, slots=True)
class CmsOptions:
    repo: str  # "owner/name" on GitHub
    branch: str = "main"
    base_url: str | None = None  # the OAuth proxy Decap's GitHub backend signs in through
    site_url: str | None = None
    local_backend: str | None = None  # the local editing API (python -m generator serve), e.g. http://127.0.0.1:8081/api/v1
    api_root: str = GITHUB_API  # GitHub's API (another address only in tests, or GitHub Enterprise)


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


# Fields with a widget of their own (site_templates/admin/jiangpu-admin.js).
OWN_WIDGETS = {"id": "jiangpu-id", "withdrawn": "jiangpu-withdraw"}
PHOTO_BYTES = 5 * 1024 * 1024  # the photo rule's limit, said before the upload (photo.file)


def _checked(field: dict[str, Any], check: tuple[str, str] | None) -> dict[str, Any]:
    if check is not None:
        field["pattern"] = list(check)
    return field


def _widget(kind: Kind, dotted: str, spec: Mapping[str, Any], today: date) -> dict[str, Any]:
    reference = kind.references.get(dotted)
    if reference:
        return _relation(reference)
    if dotted in OWN_WIDGETS:
        return _checked({"widget": OWN_WIDGETS[dotted]}, text_check(kind.name, dotted, spec) if dotted == "id" else None)
    if dotted == "photo":  # uploaded into records/photos/, the file name stored
        return {"widget": "image", "choose_url": False, "media_library": {"config": {"max_file_size": PHOTO_BYTES}}}
    if kind.name == "master" and dotted == "talent.*.tier":  # the tiers the talent programmes define
        return {"widget": "relation", "collection": "programmes", "value_field": "tiers.*.name",
                "search_fields": ["tiers.*.name"], "display_fields": ["tiers.*.name"],
                "filters": [{"field": "kind", "values": ["talent"]}]}
    if "enum" in spec:
        labels = PROGRAMME_KINDS if (kind.name, dotted) == ("programme", "kind") else {}
        return {"widget": "select", "options": [{"label": labels.get(str(v), str(v)), "value": str(v)} for v in spec["enum"]]}
    kind_of = spec.get("type")
    if spec.get("format") == "date":
        return _checked({"widget": "datetime", "format": "YYYY-MM-DD", "date_format": "YYYY-MM-DD", "time_format": False},
                        date_check(kind.name, dotted, today))
    if kind_of in ("integer", "number"):
        field: dict[str, Any] = {"widget": "number", "value_type": "int" if kind_of == "integer" else "float"}
        for key in ("minimum", "maximum"):
            if key in spec:
                field[key[:3]] = spec[key]
        return _checked(field, year_check(kind.name, dotted, today))
    if kind_of == "boolean":
        return {"widget": "boolean"}
    if kind_of == "array":
        return _list(kind, dotted, spec, today)
    if kind_of == "object":
        if "properties" not in spec:  # private: free-form in YAML, its known keys in the form
            return {"widget": "object", "collapsed": True, "fields": _private_fields()}
        return {"widget": "object", "fields": list(_fields(kind, spec, today, dotted + "."))}
    field = {"widget": "text" if dotted in LONG_TEXT or dotted.rsplit(".", 1)[-1] in LONG_TEXT else "string"}
    return _checked(field, text_check(kind.name, dotted, spec))  # the gate's one-field rules, before the save


def _list(kind: Kind, dotted: str, spec: Mapping[str, Any], today: date) -> dict[str, Any]:
    items = spec.get("items", {})
    reference = kind.references.get(dotted + ".*")
    if reference:
        return _relation(reference, multiple=True)
    if items.get("type") == "object":
        summary = next((f"{{{{fields.{k}}}}}" for k in ("name", "title", "year", "unit", "programme") if k in items.get("properties", {})), None)
        field: dict[str, Any] = {"widget": "list", "fields": list(_fields(kind, items, today, dotted + ".*.")),
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


def _hint(spec: Mapping[str, Any], widget: str) -> str:
    """A property's description as a hint for the form: what a YAML editor needs to be told
    (the date format, true/false, the file a reference names) is the form's own business."""
    text = str(spec.get("description", ""))
    text = re.sub(r"（格式 YYYY-MM-DD，如 2020-03-10）|（填写 records/.*?）|，?是填 true，否填 false", "", text)
    text = re.sub(r"[，；]?(pairing|talent|studio)=[^，；：]*", "", text).split("：pairing")[0]
    if widget == "select":  # the options are in the list itself
        text = re.sub(r"：[^：]*( \| [^：|]*)+$", "", text)
    if widget == "relation":
        text += "（在列表中选择，可输入名称查找）"
    if widget == "jiangpu-id":
        text = "新建时按姓名拼音或下一个序号建议，可以修改；只能用小写字母、数字和连字符。保存后不能再改"
    if widget == "image":
        text = "上传 JPG、PNG 或 WebP 照片，不超过 5 MB；会公开显示"
    return text.strip("，；： ")


def _drop_echo(field: dict[str, Any]) -> dict[str, Any]:
    if field.get("hint") == field["label"]:  # 性别 under 性别 says nothing
        del field["hint"]
    return field


def _fields(kind: Kind, schema: Mapping[str, Any], today: date, prefix: str = "") -> Iterator[dict[str, Any]]:
    required = set(schema.get("required", []))
    for name, spec in schema.get("properties", {}).items():
        dotted = prefix + name
        field = {"name": name, "label": spec.get("title", name), **_widget(kind, dotted, spec, today)}
        if name == "private":
            field["label"] = spec.get("title", "不公开信息") + PRIVATE_MARK
        hint = _hint(spec, field["widget"])
        if hint:
            field["hint"] = hint
        _drop_echo(field)
        field["required"] = name in required
        if not field["required"]:
            _nothing_required(field)
        yield field


def _nothing_required(field: dict[str, Any]) -> None:
    """An optional group (提前终止) left empty must not stop a save: Decap checks a group's required
    fields even when the group is not filled in, so inside an optional group nothing is required
    (the gate still refuses a termination without its date: the schema requires it there)."""
    for sub in field.get("fields", []) if field.get("widget") == "object" else []:
        sub["required"] = False
        _nothing_required(sub)


def collection(kind: Kind, today: date) -> dict[str, Any]:
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
        "fields": _id_after_its_source(kind, list(_fields(kind, schema, today))),
    }


def _id_after_its_source(kind: Kind, fields: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The id field right after what it is suggested from (the name; a pair's start date), so that
    the clerk reaches it with the suggestion made. The file's key order is fmt's, not the form's."""
    source = kind.name_field or "start"
    id_field = next(f for f in fields if f["name"] == "id")
    rest = [f for f in fields if f is not id_field]
    at = next((i for i, f in enumerate(rest) if f["name"] == source), -1) + 1
    return rest[:at] + [id_field] + rest[at:]


def config(options: CmsOptions, today: date | None = None) -> dict[str, Any]:
    backend: dict[str, Any] = {"name": "github", "repo": options.repo, "branch": options.branch,
                               "commit_messages": {"create": "新建{{collection}}：{{slug}}", "update": "修改{{collection}}：{{slug}}",
                                                   "delete": "删除{{collection}}：{{slug}}",
                                                   "uploadMedia": "上传照片：{{path}}", "deleteMedia": "删除照片：{{path}}"}}
    # The pull-request workflow's status of this name links the editor's workflow view to the check's summary.
    backend["preview_context"] = PREVIEW_CONTEXT
    if options.base_url:
        backend["base_url"] = options.base_url
    if options.api_root != GITHUB_API:
        backend["api_root"] = options.api_root
    out: dict[str, Any] = {
        "backend": backend,
        "publish_mode": "editorial_workflow",
        "editor": {"preview": False},  # a record has no page preview here: the form gets the width
        "locale": "zh_Hans",
        "media_folder": "records/photos",
        "public_folder": "",
        "collections": [collection(kind, today or date.today()) for kind in KINDS],
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


def signin(options: CmsOptions) -> dict[str, Any]:
    """What the sign-in page needs: the repository, the API that checks a token, which ways are open."""
    return {"repo": options.repo, "branch": options.branch, "api_root": options.api_root, "token_url": TOKEN_PAGE,
            "local": options.local_backend is not None, "oauth": bool(options.base_url)}


def write_admin(out: Path, options: CmsOptions, package: Path = DECAP_PACKAGE, registry: Registry | None = None,
                today: date | None = None, previous: Path | None = None) -> None:
    """``out``/index.html, config.yml, editor.json and the Decap script, taken from the npm package
    the set-up downloaded after checking it again here against the recorded checksum: what is
    published is the pinned release, whatever happened to the cache folder since. ``previous``: the
    last build's admin folder, whose Decap files are taken when they are the release's (``decap_files``)."""
    files = decap_files(package, previous)
    out.mkdir(parents=True, exist_ok=True)
    # libyaml's dumper when PyYAML has it (the same text, in a third of the time: 60 kB at every build).
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    text = yaml.dump(config(options, today), Dumper=dumper, allow_unicode=True, sort_keys=False, width=1_000_000)
    (out / "config.yml").write_text("# 由 python -m generator cms 按 schemas/ 生成，不要手工修改。\n" + text, encoding="utf-8")
    data = {"signin": signin(options), **editor_data(registry or Registry(ids={k.name: set() for k in KINDS}))}
    (out / "editor.json").write_bytes(orjson.dumps(data))
    for name in ADMIN_FILES:
        shutil.copyfile(TEMPLATE_DIR / "admin" / name, out / name)
    for name, payload in sorted(files.items()):
        (out / name).write_bytes(payload)


@functools.lru_cache(maxsize=2)
def _package_files(package: Path, stamp: tuple[int, int]) -> dict[str, bytes]:
    data = package.read_bytes()
    if _integrity(data) != DECAP_INTEGRITY:
        raise CmsError(f"Decap CMS 安装包（{package}）与 decap-cms.lock 记录的校验值不符，没有发布在线编辑页："
                       "请删除它后重新运行 bash scripts/setup.sh")
    found = {}
    # As a stream: one pass of decompression (68 MB); a seekable archive decompresses again to extract.
    with tarfile.open(fileobj=io.BytesIO(data), mode="r|gz") as archive:
        for member in archive:
            folder, _, name = member.name.rpartition("/")
            if member.isfile() and folder == "package/dist" and is_decap_file(name):
                extracted = archive.extractfile(member)
                assert extracted is not None
                found[name] = extracted.read()
    if "decap-cms.js" not in found:
        raise CmsError(f"Decap CMS 安装包（{package}）中没有 decap-cms.js")
    return found


def decap_files(package: Path = DECAP_PACKAGE, previous: Path | None = None) -> dict[str, bytes]:
    """The editor's files by name, from the checked package (read once per process); or from
    ``previous`` (a folder a build wrote them to), when they are all there and their digest is the
    one decap-cms.lock records for the release's files."""
    try:
        info = package.stat()
    except OSError:
        raise CmsError(f"找不到 Decap CMS（{package}）：请先运行 bash scripts/setup.sh（或 python -m generator setup）") from None
    if previous is not None and DECAP_DIST:
        kept = _written_files(previous)
        if kept and dist_digest(kept) == DECAP_DIST:
            return kept
    return _package_files(package, (info.st_size, info.st_mtime_ns))


def _written_files(folder: Path) -> dict[str, bytes]:
    try:
        return {name: (folder / name).read_bytes() for name in sorted(os.listdir(folder)) if is_decap_file(name)}
    except OSError:
        return {}


def dist_digest(files: Mapping[str, bytes]) -> str:
    """The Decap files a site carries, names and bytes, as one digest (decap-cms.lock's second line)."""
    hasher = hashlib.blake2b(digest_size=32)
    for name in sorted(files):
        hasher.update(name.encode() + b"\0" + hashlib.blake2b(files[name], digest_size=32).digest())
    return "blake2b-" + hasher.hexdigest()


def is_decap_file(name: str) -> bool:
    """The files of Decap's "decap-cms" build: the script, the parts it loads later, its licences."""
    return name == "decap-cms.js" or name.endswith((".decap-cms.js", ".wasm", "decap-cms.js.LICENSE.txt"))
