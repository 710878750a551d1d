"""The web editor's local backend: Decap CMS edits the working copy's records.

``python -m generator serve`` runs this beside the preview so that a staff
member (or a test) can use /admin/ offline, without GitHub: Decap's
``local_backend`` talks to it with the protocol of ``decap-server`` (its "fs"
mode: actions posted as JSON to /api/v1). Two things differ on purpose:

- it reaches only the records folder (and photos inside it), never the rest of
  the repository, and only regular files; records only in the kind folders,
  photos only in ``photos/`` and only when they pass the gate's photo rule;
- it belongs to this machine and to the page ``serve`` serves: it listens on
  loopback whatever address the preview uses, and every request must carry the
  exact origin of that page, a Host naming loopback, and the token made when
  ``serve`` started (it is in the editor's config.yml, as part of the
  ``local_backend`` address, which no other origin can read); bodies are
  bounded in size, shape and YAML (no anchors or aliases);
- a record it saves is written in fmt's canonical form, merged into the file
  as it was, so that comments stay and an edit changes only its own lines.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import yaml
from ruamel.yaml.error import YAMLError

from generator.diagnostics import Result
from generator.files import OutsideRoot, inside, valid_id, write_atomically
from generator.load.canonical import merged_record
from generator.load.discover import FOLDERS
from generator.load.yamlfile import read_regular
from generator.resources import field_title
from generator.validate.rules.photo import MAX_PHOTO_BYTES, PHOTO_FOLDER, PHOTO_SUFFIXES, image_problem
from generator.validate.rules.text import control_problems

LOOPBACK = "127.0.0.1"
LOOPBACK_NAMES = ("127.0.0.1", "localhost")
MAX_RECORD_CHARS = 256 * 1024  # the longest real record is a few KB; the schemas' limits sum to less
MAX_BODY = MAX_PHOTO_BYTES * 4 // 3 + MAX_RECORD_CHARS * 4 + 64 * 1024  # a photo, base64-encoded, beside its record


class EditingError(Exception):
    """A request the backend refuses; the message goes back to the editor (Chinese)."""

    status = 422


class BadRequest(EditingError):
    status = 400


class Forbidden(EditingError):
    status = 403


@dataclass(frozen=True, slots=True)
class Access:
    """Who may use the backend: the page's origins and the token only that page was given."""

    origins: frozenset[str]
    token: str

    @staticmethod
    def for_page(page_port: int, token: str) -> Access:
        return Access(frozenset(f"http://{name}:{page_port}" for name in LOOPBACK_NAMES), token)

    def refusal(self, origin: str | None, host: str | None, path: str, api_port: int) -> str | None:
        """Why a request is refused, or None. Host guards against DNS rebinding, Origin against
        other pages in the clerk's browser, the token against anything else on this machine."""
        if host not in {f"{name}:{api_port}" for name in LOOPBACK_NAMES}:
            return "只接受发往本机地址的请求"
        if origin not in self.origins:
            return "只接受本机预览页面（python -m generator serve）的请求"
        given = parse_qs(urlsplit(path).query).get("token", [""])[0]
        if not hmac.compare_digest(given.encode(), self.token.encode()):
            return "缺少或错误的编辑口令：请从 python -m generator serve 打开的页面进入 /admin/"
        return None


def _no_anchors(raw: str) -> None:
    """The editor never writes YAML anchors or aliases; refusing them (by scanning tokens, which
    expands nothing) keeps an alias bomb from ever being built while the save lock is held."""
    try:
        for token in yaml.scan(raw, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
            if isinstance(token, (yaml.AnchorToken, yaml.AliasToken)):
                raise EditingError("记录中不能使用 YAML 的锚点和别名（& 和 *），没有写入")
    except yaml.YAMLError as exc:
        raise EditingError("保存的内容不是有效的 YAML，没有写入") from exc


class RecordsFolder:
    """The records folder as the editor sees it: paths relative to the repository root."""

    def __init__(self, records: Path, on_saved: Callable[[Path], None] | None = None,
                 gate: Callable[[Path], Result] | None = None) -> None:
        self.records = records.resolve()
        self.root = self.records.parent
        self.on_saved = on_saved
        self.gate = gate  # the whole gate, run over a folder (validate): a save it refuses is never written
        self.lock = threading.Lock()
        # The gate's errors on the folder as it is, kept while nothing in it changes: a save then runs the
        # gate once (on the linked copy), not twice — at M that is seconds per save.
        self._before: tuple[tuple[int, int, int], set[tuple[str, str]]] | None = None
        self._after: set[tuple[str, str]] = set()

    def _state(self) -> tuple[int, int, int]:
        """What tells the folder changed: how many files, their newest change, their total size."""
        count = newest = size = 0
        for folder, _, names in os.walk(self.records):
            for name in names:
                info = os.stat(os.path.join(folder, name))
                count, newest, size = count + 1, max(newest, info.st_mtime_ns), size + info.st_size
        return count, newest, size

    def _errors_before(self) -> set[tuple[str, str]]:
        assert self.gate is not None
        state = self._state()
        if self._before is None or self._before[0] != state:
            self._before = (state, {(d.rule, d.message) for d in self.gate(self.records).errors})
        return self._before[1]

    def path(self, relative: Any) -> Path:
        if not isinstance(relative, str):
            raise BadRequest("请求中的路径应为文字")
        parts = Path(relative).parts
        if not parts or parts[0] != self.records.name:
            raise Forbidden(f"只能编辑 {self.records.name}/ 下的文件：{relative[:200]}")
        try:
            return inside(self.records, *parts[1:]) if parts[1:] else self.records
        except OutsideRoot as exc:
            raise Forbidden(f"只能编辑 {self.records.name}/ 下的文件：{relative[:200]}") from exc

    def _relative(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def entry(self, relative: str, label: str | None = None) -> dict[str, Any]:
        raw = read_regular(str(self.path(relative)))
        if isinstance(raw, str):  # a reason, not the content
            return {"data": None, "file": {"path": relative, "label": label, "id": None}}
        return {"data": raw.decode("utf-8", errors="replace"), "file": {"path": relative, "label": label,
                                                                       "id": hashlib.sha256(raw).hexdigest()}}

    def listing(self, folder: str, extension: str, depth: int) -> list[str]:
        base = self.path(folder)
        found: list[str] = []

        def walk(current: Path, left: int) -> None:
            if left <= 0 or not current.is_dir():
                return
            for child in sorted(current.iterdir()):
                if child.is_symlink() or child.name.startswith("."):
                    continue
                if child.is_dir():
                    walk(child, left - 1)
                elif child.name.endswith(extension):
                    found.append(self._relative(child))

        walk(base, min(depth, 8))
        return found

    def media(self, relative: str) -> dict[str, Any]:
        raw = read_regular(str(self.path(relative)))
        if isinstance(raw, str):
            raise EditingError(raw)
        return {"id": hashlib.sha256(raw).hexdigest(), "content": base64.b64encode(raw).decode("ascii"),
                "encoding": "base64", "path": relative, "name": Path(relative).name}

    def kind_of(self, target: Path) -> str | None:
        try:
            folder = target.relative_to(self.records).parts[0]
        except (ValueError, IndexError):
            return None
        return FOLDERS.get(folder)

    def _record_target(self, relative: str) -> tuple[Path, str]:
        target = self.path(relative)
        kind = self.kind_of(target)
        if kind is None or target.suffix != ".yml" or len(target.relative_to(self.records).parts) < 2:
            raise Forbidden(f"只能保存 {self.records.name}/ 下各类记录目录中的 .yml 文件：{relative[:200]}")
        if not valid_id(target.stem):
            raise EditingError(f"编号“{target.stem[:80]}”不合规：只能用小写字母、数字和连字符（以字母或数字开头，最长 64 个字符）")
        return target, kind

    def save_record(self, relative: str, raw: Any, photos: Sequence[tuple[Path, bytes]] = ()) -> None:
        """Write one record, with the photos uploaded beside it (already checked by the photo rule):
        the gate judges them together, and nothing is written unless it passes."""
        target, kind = self._record_target(relative)
        if not isinstance(raw, str):
            raise BadRequest("记录内容应为文字")
        if len(raw) > MAX_RECORD_CHARS:
            raise EditingError(f"记录太长（{len(raw)} 个字符，最多 {MAX_RECORD_CHARS} 个），没有写入")
        _no_anchors(raw)
        with self.lock:
            before = target.read_text(encoding="utf-8") if target.is_file() else None
            try:
                text = merged_record(before, raw, kind, depth=len(target.relative_to(self.root).parts) - 1)
            except YAMLError as exc:
                raise EditingError(f"保存的内容不是有效的 YAML，没有写入：{relative}") from exc
            problems = list(control_problems(kind, yaml.safe_load(text) or {}))
            if problems:
                key, message = problems[0]
                raise EditingError(f"“{field_title(kind, key)}”：{message}；没有写入")
            refused = self._refused(target, text, photos)
            if refused:
                raise EditingError("没有保存，检查发现以下问题，请修改后再保存：\n" + "\n".join(refused))
            for photo, data in photos:
                write_atomically(photo, data, root=self.records)
            write_atomically(target, text.encode("utf-8"), root=self.records)
            if self.gate is not None:  # what the gate found on the copy is the folder as it now is
                self._before = (self._state(), self._after)
        if self.on_saved:
            self.on_saved(target)

    def _refused(self, target: Path, text: str, photos: Sequence[tuple[Path, bytes]] = ()) -> list[str]:
        """The gate's errors for the registry as it would be after this save (the saved file's own,
        and those it causes elsewhere), judged on a linked copy so that nothing is written first."""
        if self.gate is None:
            return []
        with tempfile.TemporaryDirectory(prefix="jiangpu-save-") as work:
            copy = Path(work) / self.records.name
            shutil.copytree(self.records, copy, copy_function=os.link, ignore=shutil.ignore_patterns(".*"))
            saved = copy / target.relative_to(self.records)
            saved.parent.mkdir(parents=True, exist_ok=True)
            saved.unlink(missing_ok=True)  # a link to the real file: replaced, never written through
            saved.write_text(text, encoding="utf-8")
            for photo, data in photos:
                placed = copy / photo.relative_to(self.records)
                placed.unlink(missing_ok=True)
                placed.write_bytes(data)
            before = self._errors_before()
            after = self.gate(copy).errors
        mine = f"/{target.relative_to(self.records).as_posix()}"
        refused = [f"{'第' + str(d.line) + '行' if d.line else ''}（{d.rule}）{d.message}" for d in after
                   if d.path.endswith(mine) or (d.rule, d.message) not in before][:20]
        self._after = {(d.rule, d.message) for d in after}  # the folder's errors once this save is written
        return refused

    def _photo_target(self, relative: str) -> Path:
        target = self.path(relative)
        if target.parent != self.records / PHOTO_FOLDER or target.suffix.lower() not in PHOTO_SUFFIXES:
            raise Forbidden(f"照片只能放在 {self.records.name}/{PHOTO_FOLDER}/ 目录，且为 JPG、PNG 或 WebP 文件：{relative[:200]}")
        return target

    def checked_media(self, relative: str, content: Any, encoding: Any) -> tuple[Path, bytes]:
        """An uploaded photo, decoded and passed by the photo rule (or refused, saying why)."""
        target = self._photo_target(relative)
        if not isinstance(content, str) or encoding not in ("base64", None):
            raise BadRequest("照片内容应为 base64 文字")
        try:
            data = base64.b64decode(content, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise BadRequest("照片内容不是有效的 base64") from exc
        problem = image_problem(data, f"{self.records.name}/{PHOTO_FOLDER}/{target.name}")
        if problem:
            raise EditingError(f"没有保存（photo.file）：{problem}")
        return target, data

    def save_media(self, relative: str, content: Any, encoding: Any) -> None:
        target, data = self.checked_media(relative, content, encoding)
        with self.lock:
            write_atomically(target, data, root=self.records)

    def delete(self, relative: str) -> None:
        target = self.path(relative)
        if self.kind_of(target) is not None:
            self._record_target(relative)
        else:
            self._photo_target(relative)
        if target.is_file() and not target.is_symlink():
            target.unlink()


def _text(params: dict[str, Any], key: str) -> str:
    value = params.get(key)
    if not isinstance(value, str):
        raise BadRequest(f"请求缺少“{key}”")
    return value


def _objects(value: Any, what: str) -> Iterable[dict[str, Any]]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value) or len(value) > 100:
        raise BadRequest(f"请求中的“{what}”格式不对")
    return value


def handle(folder: RecordsFolder, action: str, params: dict[str, Any]) -> Any:
    """One action of Decap's local-backend protocol."""
    if action == "info":
        return {"repo": folder.root.name, "publish_modes": ["simple"], "type": "local_fs"}
    if action == "entriesByFolder":
        depth = params.get("depth", 1)
        paths = folder.listing(_text(params, "folder"), str(params.get("extension", "")), depth if isinstance(depth, int) else 1)
        return [folder.entry(p) for p in paths]
    if action == "entriesByFiles":
        return [folder.entry(_text(f, "path"), f.get("label")) for f in _objects(params.get("files"), "files")]
    if action == "getEntry":
        return folder.entry(_text(params, "path"))
    if action == "persistEntry":
        entry = params.get("entry")
        photos = [folder.checked_media(_text(asset, "path"), asset.get("content"), asset.get("encoding", "base64"))
                  for asset in _objects(params.get("assets"), "assets")]
        for data in _objects(params.get("dataFiles") or [entry], "entry"):
            if data.get("newPath") and data["newPath"] != data.get("path"):
                raise EditingError("不能在这里给记录改名：编号就是文件名，请在 GitHub 上改名")
            folder.save_record(_text(data, "path"), data.get("raw"), photos)
        return {"message": "entry persisted"}
    if action == "getMedia":
        return [folder.media(p) for p in folder.listing(_text(params, "mediaFolder"), "", 1)]
    if action == "getMediaFile":
        return folder.media(_text(params, "path"))
    if action == "persistMedia":
        upload = params.get("asset")
        if not isinstance(upload, dict):
            raise BadRequest("请求缺少“asset”")
        folder.save_media(_text(upload, "path"), upload.get("content"), upload.get("encoding", "base64"))
        return folder.media(upload["path"])
    if action == "deleteFile":
        folder.delete(_text(params, "path"))
        return {"message": "deleted file"}
    if action == "deleteFiles":
        doomed = params.get("paths")
        if not isinstance(doomed, list) or not all(isinstance(p, str) for p in doomed):
            raise BadRequest("请求缺少“paths”")
        for path in doomed:
            folder.delete(path)
        return {"message": "deleted files"}
    if action == "getDeployPreview":
        return None
    raise BadRequest(f"不认识的操作：{action[:80]}")


def _body(headers: Any, read: Callable[[int], bytes]) -> tuple[str, dict[str, Any]]:
    """The request's action and parameters, or :class:`BadRequest` (status 400/413) saying why."""
    length_text = headers.get("Content-Length")
    if length_text is None or not length_text.isdigit():
        raise BadRequest("请求缺少有效的 Content-Length")
    length = int(length_text)
    if length > MAX_BODY:
        error = BadRequest(f"内容太大（最多 {MAX_BODY // 1024 // 1024} MB）")
        error.status = 413
        raise error
    try:
        body = json.loads(read(length) or b"{}")
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadRequest("请求内容不是有效的 JSON") from exc
    if not isinstance(body, dict) or not isinstance(body.get("action"), str):
        raise BadRequest("请求内容应为带“action”的 JSON 对象")
    params = body.get("params") or {}
    if not isinstance(params, dict):
        raise BadRequest("请求中的“params”应为 JSON 对象")
    return body["action"], params


def _handler(folder: RecordsFolder, access: Access) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server: ThreadingHTTPServer

        def _cors(self) -> None:
            origin = self.headers.get("Origin", "")
            if origin in access.origins:
                self.send_header("Access-Control-Allow-Origin", origin)
                self.send_header("Access-Control-Allow-Headers", "Content-Type")
                self.send_header("Access-Control-Allow-Methods", "POST, OPTIONS")
                self.send_header("Vary", "Origin")

        def _reply(self, status: int, body: Any) -> None:
            data = json.dumps(body, ensure_ascii=False).encode("utf-8")
            self.send_response(status)
            self._cors()
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_OPTIONS(self) -> None:  # noqa: N802 (the http.server convention)
            self.send_response(204)
            self._cors()
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_POST(self) -> None:  # noqa: N802
            if urlsplit(self.path).path.rstrip("/") != "/api/v1":
                self._reply(404, {"error": "没有这个地址"})
                return
            refusal = access.refusal(self.headers.get("Origin"), self.headers.get("Host"), self.path, self.server.server_address[1])
            if refusal:
                self.close_connection = True
                self._reply(403, {"error": refusal})
                return
            try:
                action, params = _body(self.headers, self.rfile.read)
                self._reply(200, handle(folder, action, params))
            except EditingError as exc:
                if exc.status >= 400 and exc.status != 422:
                    self.close_connection = True
                self._reply(exc.status, {"error": str(exc)})
            except Exception as exc:  # noqa: BLE001 (a request never takes the editor down; the clerk reads why)
                self._reply(500, {"error": f"编辑服务出错，没有写入：{type(exc).__name__}"})

        def log_message(self, format: str, *args: Any) -> None:
            return  # the preview's console is for the person, not for request lines

    return Handler


def start(records: Path, access: Access, port: int = 8081, on_saved: Callable[[Path], None] | None = None,
          gate: Callable[[Path], Result] | None = None) -> ThreadingHTTPServer:
    """Serve the local backend on loopback, in a thread; the caller shuts it down."""
    server = ThreadingHTTPServer((LOOPBACK, port), _handler(RecordsFolder(records, on_saved, gate), access))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
