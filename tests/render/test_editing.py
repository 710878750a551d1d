"""The editor's local backend belongs to this machine and to the page ``serve`` serves.

Each request here is what another machine on the LAN, another page in the clerk's
browser, or a careless client could send; the backend must refuse it with a
Chinese reason and stay up, while the served page's own saves still work.
"""

from __future__ import annotations

import base64
import http.client
import io
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from generator.render.site import editing
from tests.conftest import REPO

PAGE_PORT = 8765
TOKEN = "s3cret-token"
ORIGIN = f"http://127.0.0.1:{PAGE_PORT}"
HOSTILE = REPO / "tests" / "hostile"


@pytest.fixture
def backend(tmp_path: Path) -> Iterator[tuple[int, Path]]:
    records = tmp_path / "repo" / "records"
    shutil.copytree(REPO / "records", records)
    server = editing.start(records, editing.Access.for_page(PAGE_PORT, TOKEN), 0)
    yield server.server_address[1], records
    server.shutdown()
    server.server_close()


def _post(port: int, body: bytes | Any, *, origin: str | None = ORIGIN, host: str | None = None, token: str | None = TOKEN,
          length: str | None = None) -> tuple[int, dict[str, Any]]:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    connection.putrequest("POST", "/api/v1" + (f"?token={token}" if token else ""), skip_host=True)
    connection.putheader("Host", host or f"127.0.0.1:{port}")
    if origin:
        connection.putheader("Origin", origin)
    connection.putheader("Content-Type", "application/json")
    connection.putheader("Content-Length", length if length is not None else str(len(data)))
    connection.endheaders()
    if length is None:
        connection.send(data)
    response = connection.getresponse()
    status, payload = response.status, json.loads(response.read() or b"null")
    connection.close()
    return status, payload


def _save(path: str, raw: str) -> dict[str, Any]:
    return {"action": "persistEntry", "params": {"entry": {"path": path, "raw": raw}, "assets": []}}


UNIT = "id: new-works\nname: 新工厂\ntype: 企业\n"


def test_the_served_page_saves(backend: tuple[int, Path]) -> None:
    port, records = backend
    assert _post(port, {"action": "info"})[0] == 200
    status, _ = _post(port, _save("records/units/new-works.yml", UNIT))
    assert status == 200 and (records / "units" / "new-works.yml").is_file()
    status, _ = _post(port, _save("records/units/new-works.yml", UNIT), origin=f"http://localhost:{PAGE_PORT}")
    assert status == 200, "the same page opened as localhost"


@pytest.mark.parametrize("what, kwargs", [
    ("no Origin (curl from the LAN)", {"origin": None}),
    ("another local dev server", {"origin": "http://localhost:3000"}),
    ("a foreign site", {"origin": "https://evil.example"}),
    ("a rebinding host name", {"host": "evil.example:8081"}),
    ("no token", {"token": None}),
    ("a wrong token", {"token": "guess"}),
], ids=lambda v: v if isinstance(v, str) else "")
def test_requests_not_from_the_served_page_are_refused(backend: tuple[int, Path], what: str, kwargs: dict[str, Any]) -> None:
    port, records = backend
    for body in ({"action": "getEntry", "params": {"path": "records/masters/li-jun.yml"}},
                 _save("records/units/evil.yml", UNIT)):
        status, payload = _post(port, body, **kwargs)
        assert status == 403, what
        assert "13" not in json.dumps(payload, ensure_ascii=False), "no private phone number comes back"
        assert any("\u4e00" <= c <= "\u9fff" for c in payload["error"])
    assert not (records / "units" / "evil.yml").exists()
    assert _post(port, {"action": "info"})[0] == 200, "still serving"


@pytest.mark.parametrize("body, length, status", [
    (b"[1, 2]", None, 400),  # a JSON list
    (b"{not json", None, 400),
    (b'{"action": "info", "params": [1]}', None, 400),
    (b'{"action": "getEntry", "params": {}}', None, 400),
    (b'{"action": "getEntry", "params": {"path": 7}}', None, 400),
    (b"{}", "-1", 400),  # Content-Length -1 is no licence to read to the end
    (b"{}", str(editing.MAX_BODY + 1), 413),
], ids=["list", "not-json", "params-list", "no-path", "path-number", "negative-length", "too-large"])
def test_malformed_bodies_get_a_chinese_4xx(backend: tuple[int, Path], body: bytes, length: str | None, status: int) -> None:
    port, _ = backend
    got, payload = _post(port, body, length=length)
    assert got == status and any("\u4e00" <= c <= "\u9fff" for c in payload["error"])
    assert _post(port, {"action": "info"})[0] == 200, "the handler survived"


def test_a_yaml_alias_bomb_is_refused_at_once(backend: tuple[int, Path]) -> None:
    port, records = backend
    bomb = (HOSTILE / "editor" / "alias-bomb.yml").read_text(encoding="utf-8")
    started = time.monotonic()
    status, payload = _post(port, _save("records/units/bomb.yml", bomb))
    assert status == 422 and "锚点和别名" in payload["error"]
    assert time.monotonic() - started < 2
    assert not (records / "units" / "bomb.yml").exists()


def _jpeg(size: tuple[int, int] = (400, 400)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (120, 80, 40)).save(out, "JPEG")
    return out.getvalue()


def _media(path: str, data: bytes) -> dict[str, Any]:
    return {"action": "persistMedia", "params": {"asset": {"path": path, "content": base64.b64encode(data).decode(), "encoding": "base64"}}}


def test_media_only_into_photos_and_only_images_that_pass_the_photo_rule(backend: tuple[int, Path]) -> None:
    port, records = backend
    assert _post(port, _media("records/photos/ok.jpg", _jpeg()))[0] == 200
    assert (records / "photos" / "ok.jpg").is_file()
    for path in ("records/units/x.jpg", "records/x.jpg", "records/photos/x.html", "records/photos/x.yml", "records/photos/../x.jpg"):
        assert _post(port, _media(path, _jpeg()))[0] == 403, path
    truncated = _jpeg()[:-2]
    status, payload = _post(port, _media("records/photos/cut.jpg", truncated))
    assert status == 422 and "不是完整可读" in payload["error"]
    status, payload = _post(port, _media("records/photos/page.jpg", b"<script>alert(1)</script>"))
    assert status == 422
    assert sorted(p.name for p in (records / "photos").iterdir() if p.name in ("cut.jpg", "page.jpg", "x.html")) == []


def test_records_only_in_kind_folders_with_valid_ids(backend: tuple[int, Path]) -> None:
    port, records = backend
    for path, status in (("records/notes.yml", 403), ("records/photos/x.yml", 403), ("records/units/Bad Name.yml", 422),
                         ("records/units/../../x.yml", 403)):
        assert _post(port, _save(path, UNIT))[0] == status, path
    assert not (records / "notes.yml").exists() and not (records.parent / "x.yml").exists()


def _listening(port: int) -> list[str]:
    """The local addresses a TCP port listens on, from the kernel's own table."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not os.path.exists(table):
            continue
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:
                found.append(address)
    return found


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_serve_on_every_interface_keeps_the_editor_on_loopback(tmp_path: Path) -> None:
    records = tmp_path / "records"
    shutil.copytree(REPO / "records", records)
    page_port, editor_port = _free_port(), _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", "--records", str(records), "--config", str(REPO / "mkdocs.yml"),
         "--docs-dir", str(tmp_path / "docs"), "--dev-addr", f"0.0.0.0:{page_port}", "--editor-port", str(editor_port),
         "--no-cache"], cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not (_listening(editor_port) and _listening(page_port)):
            time.sleep(0.2)
        assert _listening(editor_port) == ["0100007F"], "the editor listens on 127.0.0.1 only"
        assert _listening(page_port) in (["00000000"], ["00000000000000000000000000000000"]), "the preview is open as asked"
        config = (tmp_path / "docs" / "admin" / "config.yml").read_text(encoding="utf-8")
        assert f"http://127.0.0.1:{editor_port}/api/v1?token=" in config
    finally:
        process.terminate()
        out, _ = process.communicate(timeout=30)
    assert "在线编辑（/admin/）只在本机可用" in out


def test_a_save_with_control_characters_is_refused(backend: tuple[int, Path]) -> None:
    port, records = backend
    status, payload = _post(port, _save("records/units/esc-works.yml", 'id: esc-works\nname: "新\\e[2J工厂"\ntype: 企业\n'))
    assert status == 422 and "U+001B ESC" in payload["error"]
    assert not (records / "units" / "esc-works.yml").exists()


@pytest.fixture
def gated(tmp_path: Path) -> Iterator[tuple[int, Path]]:
    """The backend as ``serve`` starts it: every save checked by the whole gate first."""
    from datetime import date

    from generator.validate.engine import validate

    records = tmp_path / "repo" / "records"
    shutil.copytree(REPO / "records", records)
    server = editing.start(records, editing.Access.for_page(PAGE_PORT, TOKEN), 0,
                           gate=lambda folder: validate(folder, today=date(2026, 11, 22), jobs=1).result)
    yield server.server_address[1], records
    server.shutdown()
    server.server_close()


MASTER = ("id: {id}\nname: {name}\ngender: 男\nbirth_year: {born}\nunit: taoyuan-demo-motor\ntrade: 电机装配工\n"
          "skill_level: 技师\n")


@pytest.mark.parametrize("name, born, path_id, wanted", [
    ("=HYPERLINK(1)", 1980, "zhao-formula", "text.formula"),
    ("赵小龙", 2015, "zhao-young", "master.birth_year"),
    ("李军", 1972, "li-jun-1", "file.id"),  # a new master with an id that exists: saved as li-jun-1.yml holding id: li-jun
], ids=["formula", "born-2015", "taken-id"])
def test_the_editor_refuses_what_the_gate_refuses(gated: tuple[int, Path], name: str, born: int, path_id: str, wanted: str) -> None:
    port, records = gated
    record_id = "li-jun" if wanted == "file.id" else path_id
    status, payload = _post(port, _save(f"records/masters/{path_id}.yml", MASTER.format(id=record_id, name=name, born=born)))
    assert status == 422 and "没有保存" in payload["error"] and wanted in payload["error"], payload
    assert not (records / "masters" / f"{path_id}.yml").exists()
    status, _ = _post(port, _save("records/masters/zhao-ok.yml", MASTER.format(id="zhao-ok", name="赵小龙", born=1990)))
    assert status == 200 and (records / "masters" / "zhao-ok.yml").is_file(), "a valid save still works"


def test_saves_in_a_row_run_the_gate_once_each(tmp_path: Path) -> None:
    """The gate's verdict on the folder as it is is kept while nothing changes: a save after a save runs the
    gate once (on its copy), not twice; a change made elsewhere (git pull, an editor) is noticed."""
    from datetime import date

    from generator.validate.engine import validate

    records = tmp_path / "records"
    shutil.copytree(REPO / "records", records)
    runs: list[Path] = []

    def gate(folder: Path) -> Any:
        runs.append(folder)
        return validate(folder, today=date(2026, 11, 22), jobs=1).result

    folder = editing.RecordsFolder(records, gate=gate)
    path = records / "masters" / "li-jun.yml"
    text = path.read_text(encoding="utf-8")
    folder.save_record("records/masters/li-jun.yml", text.replace("从事电机装配", "长期从事电机装配"))
    assert len(runs) == 2  # the folder before, the copy after
    folder.save_record("records/masters/li-jun.yml", path.read_text(encoding="utf-8").replace("长期从事", "多年从事"))
    assert len(runs) == 3  # the copy only
    time.sleep(0.01)
    (records / "units" / "taoyuan-demo-tea.yml").write_text(
        (records / "units" / "taoyuan-demo-tea.yml").read_text(encoding="utf-8") + "# 别处的修改\n", encoding="utf-8")
    folder.save_record("records/masters/li-jun.yml", path.read_text(encoding="utf-8").replace("多年从事", "从事"))
    assert len(runs) == 5 and "多年" not in path.read_text(encoding="utf-8")
