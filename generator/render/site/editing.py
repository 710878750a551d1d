"""The web editor's local backend: Decap CMS edits the working copy's records.

``python -m generator serve`` runs this beside the preview so that a staff
member (or a test) can use /admin/ offline, without GitHub: Decap's
``local_backend`` talks to it with the protocol of ``decap-server`` (its "fs"
mode: actions posted as JSON to /api/v1). Two things differ on purpose:

- it reaches only the records folder (and photos inside it), never the rest of
  the repository, and only regular files;
- a record it saves is written in fmt's canonical form, merged into the file
  as it was, so that comments stay and an edit changes only its own lines.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from ruamel.yaml.error import YAMLError

from generator.files import write_atomically
from generator.load.canonical import merged_record
from generator.load.discover import FOLDERS
from generator.load.yamlfile import read_regular

LOCAL_ORIGIN = re.compile(r"^https?://(localhost|127\.0\.0\.1)(:\d+)?$")
MAX_BODY = 50 * 1024 * 1024  # a photo, base64-encoded


class EditingError(Exception):
    """A request the backend refuses; the message goes back to the editor."""


class RecordsFolder:
    """The records folder as the editor sees it: paths relative to the repository root."""

    def __init__(self, records: Path, on_saved: Callable[[Path], None] | None = None) -> None:
        self.records = records.resolve()
        self.root = self.records.parent
        self.on_saved = on_saved
        self.lock = threading.Lock()

    def path(self, relative: str) -> Path:
        target = (self.root / relative).resolve()
        if target != self.records and self.records not in target.parents:
            raise EditingError(f"只能编辑 {self.records.name}/ 下的文件：{relative}")
        return target

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
                if child.is_symlink():
                    continue
                if child.is_dir():
                    walk(child, left - 1)
                elif child.name.endswith(extension) and not child.name.startswith("."):
                    found.append(self._relative(child))

        walk(base, depth)
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

    def save_record(self, relative: str, raw: str) -> None:
        target = self.path(relative)
        kind = self.kind_of(target)
        if kind is None or target.suffix != ".yml":
            raise EditingError(f"只能保存 {self.records.name}/ 下各类记录目录中的 .yml 文件：{relative}")
        with self.lock:
            before = target.read_text(encoding="utf-8") if target.is_file() else None
            try:
                text = merged_record(before, raw, kind, depth=len(target.relative_to(self.root).parts) - 1)
            except YAMLError as exc:
                raise EditingError(f"保存的内容不是有效的 YAML，没有写入：{relative}") from exc
            write_atomically(target, text.encode("utf-8"))
        if self.on_saved:
            self.on_saved(target)

    def save_media(self, relative: str, content: str, encoding: str) -> None:
        target = self.path(relative)
        if self.kind_of(target) is not None:
            raise EditingError("照片只能放在 photos 目录")
        data = base64.b64decode(content) if encoding == "base64" else content.encode("utf-8")
        with self.lock:
            write_atomically(target, data)

    def delete(self, relative: str) -> None:
        target = self.path(relative)
        if target.is_file() and not target.is_symlink():
            target.unlink()


def handle(folder: RecordsFolder, action: str, params: dict[str, Any]) -> Any:
    """One action of Decap's local-backend protocol."""
    if action == "info":
        return {"repo": folder.root.name, "publish_modes": ["simple"], "type": "local_fs"}
    if action == "entriesByFolder":
        paths = folder.listing(params["folder"], params.get("extension", ""), int(params.get("depth", 1)))
        return [folder.entry(p) for p in paths]
    if action == "entriesByFiles":
        return [folder.entry(f["path"], f.get("label")) for f in params["files"]]
    if action == "getEntry":
        return folder.entry(params["path"])
    if action == "persistEntry":
        entry = params.get("entry")
        for data in params.get("dataFiles") or [entry]:
            if data.get("newPath") and data["newPath"] != data["path"]:
                raise EditingError("不能在这里给记录改名：编号就是文件名，请在 GitHub 上改名")
            folder.save_record(data["path"], data["raw"])
        for asset in params.get("assets") or []:
            folder.save_media(asset["path"], asset["content"], asset.get("encoding", "base64"))
        return {"message": "entry persisted"}
    if action == "getMedia":
        return [folder.media(p) for p in folder.listing(params["mediaFolder"], "", 1)]
    if action == "getMediaFile":
        return folder.media(params["path"])
    if action == "persistMedia":
        asset = params["asset"]
        folder.save_media(asset["path"], asset["content"], asset.get("encoding", "base64"))
        return folder.media(asset["path"])
    if action == "deleteFile":
        folder.delete(params["path"])
        return {"message": f"deleted file {params['path']}"}
    if action == "deleteFiles":
        for path in params["paths"]:
            folder.delete(path)
        return {"message": "deleted files"}
    if action == "getDeployPreview":
        return None
    raise EditingError(f"Unknown action {action}")


def _handler(folder: RecordsFolder) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _cors(self) -> None:
            origin = self.headers.get("Origin", "")
            if LOCAL_ORIGIN.match(origin):
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
            self.end_headers()

        def do_POST(self) -> None:  # noqa: N802
            if self.path.rstrip("/") != "/api/v1":
                self._reply(404, {"error": "not found"})
                return
            origin = self.headers.get("Origin")
            if origin and not LOCAL_ORIGIN.match(origin):
                self._reply(403, {"error": "只接受本机页面的请求"})
                return
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY:
                self._reply(413, {"error": "内容太大"})
                return
            try:
                body = json.loads(self.rfile.read(length) or b"{}")
                self._reply(200, handle(folder, str(body.get("action")), body.get("params") or {}))
            except EditingError as exc:
                self._reply(422, {"error": str(exc)})
            except (KeyError, TypeError, ValueError, OSError) as exc:
                self._reply(500, {"error": f"{type(exc).__name__}: {exc}"})

        def log_message(self, format: str, *args: Any) -> None:
            return  # the preview's console is for the person, not for request lines

    return Handler


def start(records: Path, host: str = "127.0.0.1", port: int = 8081,
          on_saved: Callable[[Path], None] | None = None) -> ThreadingHTTPServer:
    """Serve the local backend in a thread; the caller shuts it down."""
    server = ThreadingHTTPServer((host, port), _handler(RecordsFolder(records, on_saved)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
