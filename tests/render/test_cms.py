"""The web editor at /admin/: its configuration covers the schemas, and a clerk's save lands in records/."""

from __future__ import annotations

import functools
import os
import shutil
import threading
from collections.abc import Iterator
from datetime import date
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.cli import main
from generator.kinds import KINDS
from generator.render.cms import DECAP_PACKAGE, CmsOptions, config, write_admin
from generator.render.site import editing
from generator.resources import load_schema
from generator.validate.engine import validate
from tests.conftest import REPO


def _fields_by_path(fields: list[dict[str, Any]], prefix: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    for field in fields:
        path = prefix + field["name"]
        yield path, field
        if "fields" in field:
            yield from _fields_by_path(field["fields"], path + ("[]." if field["widget"] == "list" else "."))


def _properties(schema: dict[str, Any], prefix: str = "", optional: bool = False) -> Iterator[tuple[str, dict[str, Any], bool]]:
    """Each property, and whether the form must require it: inside an optional group nothing is
    required (Decap would refuse to save an empty 提前终止 group for want of its date)."""
    required = set(schema.get("required", []))
    for name, spec in schema.get("properties", {}).items():
        path = prefix + name
        needed = name in required and not optional
        yield path, spec, needed
        if spec.get("type") == "object":
            yield from _properties(spec, path + ".", optional=not needed)
        items = spec.get("items", {})
        if spec.get("type") == "array" and items.get("type") == "object":
            yield from _properties(items, path + "[].")


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.name)
def test_the_configuration_covers_every_property_of_the_schema(kind: Any) -> None:
    made = config(CmsOptions(repo="union/registry"))
    collection = next(c for c in made["collections"] if c["name"] == kind.folder)
    assert collection["folder"] == f"records/{kind.folder}" and collection["extension"] == "yml"
    assert collection["slug"] == "{{fields.id}}"  # the file name is the id
    fields = dict(_fields_by_path(collection["fields"]))
    for path, spec, required in _properties(load_schema(kind.name)):
        if path.startswith("withdrawn."):
            continue  # the withdrawal widget fills the date and asks the reason itself (jiangpu-admin.js)
        assert path in fields, f"{kind.name}: {path} has no field in the form"
        field = fields[path]
        assert field["label"].startswith(spec.get("title", path.split(".")[-1]))
        assert field["required"] is required, path
        dotted = path.replace("[]", ".*")
        if kind.references.get(dotted) or kind.references.get(dotted + ".*"):
            assert field["widget"] == "relation" and field["value_field"] == "id", path
        elif "enum" in spec:
            values = [o["value"] if isinstance(o, dict) else o for o in field["options"]]
            assert field["widget"] == "select" and values == [str(v) for v in spec["enum"]], path
        elif spec.get("format") == "date":
            assert field["widget"] == "datetime" and field["format"] == "YYYY-MM-DD" and field["time_format"] is False
        elif spec.get("type") == "integer":
            assert field["widget"] == "number" and field["value_type"] == "int"
            assert field.get("min") == spec.get("minimum") and field.get("max") == spec.get("maximum")
        elif spec.get("type") == "boolean":
            assert field["widget"] == "boolean"
        if "maxLength" in spec and "pattern" not in spec and field["widget"] != "relation":  # the gate's limit, before the save
            import re

            pattern, message = field["pattern"]
            assert re.fullmatch(pattern, "字" * spec["maxLength"]) and not re.fullmatch(pattern, "字" * (spec["maxLength"] + 1)), path
            assert str(spec["maxLength"]) in message
        if "maxItems" in spec and field["widget"] == "list":
            assert field["max"] == spec["maxItems"], path
        if path.endswith("private"):
            assert "不公开" in field["label"] and all("不公开" in f["label"] for f in field["fields"])
            assert "id_card" not in {f["name"] for f in field["fields"]}


def test_every_save_is_a_pull_request_in_chinese() -> None:
    made = config(CmsOptions(repo="union/registry", base_url="https://auth.example.org"))
    assert made["publish_mode"] == "editorial_workflow" and made["locale"] == "zh_Hans"
    assert made["backend"] == {**made["backend"], "name": "github", "repo": "union/registry", "base_url": "https://auth.example.org"}


def test_the_built_site_carries_the_editor_and_no_cdn(sample_site: Path) -> None:
    admin = sample_site / "admin"
    page = (admin / "index.html").read_text(encoding="utf-8")
    import re

    loaded = re.findall(r'<(?:script|link|img)[^>]*(?:src|href)="([^"]+)"', page)
    assert "decap-cms.js" in loaded and not [u for u in loaded if "//" in u], loaded  # nothing from another site
    script = (admin / "jiangpu-admin.js").read_text(encoding="utf-8")
    assert not re.findall(r"https?://", script)  # GitHub's address comes from editor.json
    assert (admin / "decap-cms.js").stat().st_size > 1_000_000
    made = yaml.safe_load((admin / "config.yml").read_text(encoding="utf-8"))
    assert [c["name"] for c in made["collections"]] == [k.folder for k in KINDS]


def test_the_local_backend_reaches_only_the_records(tmp_path: Path) -> None:
    records = tmp_path / "records"
    shutil.copytree(REPO / "records", records)
    (tmp_path / "secret.txt").write_text("secret", encoding="utf-8")
    folder = editing.RecordsFolder(records)
    for bad in ("secret.txt", "records/../secret.txt", "/etc/passwd"):
        with pytest.raises(editing.EditingError):
            editing.handle(folder, "getEntry", {"path": bad})
    with pytest.raises(editing.EditingError):
        editing.handle(folder, "persistEntry", {"entry": {"path": "records/../mkdocs.yml", "raw": "x: 1"}, "assets": []})
    with pytest.raises(editing.EditingError):
        editing.handle(folder, "persistEntry", {"entry": {"path": "records/photos/x.yml", "raw": "x: 1"}, "assets": []})
    with pytest.raises(editing.EditingError):  # broken YAML is refused, never half-written
        editing.handle(folder, "persistEntry", {"entry": {"path": "records/units/x.yml", "raw": "id: [x"}, "assets": []})
    assert not (records / "units" / "x.yml").exists()
    listed = editing.handle(folder, "entriesByFolder", {"folder": "records/units", "extension": "yml", "depth": 1})
    assert len(listed) == len(list((records / "units").glob("*.yml"))) and all(e["data"] for e in listed)


# ------------------------------------------------------------------ in Chromium

CHROMIUM = os.environ.get("JIANGPU_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"


def _shot(page: Any, folder: Path, name: str, full_page: bool = False) -> None:
    """A screenshot to look at; with JIANGPU_SCREENSHOTS set, also kept there (CONTRIBUTING's pictures
    are taken this way: JIANGPU_SCREENSHOTS=.github/images gives .github/images/editor-*.png)."""
    page.screenshot(path=str(folder / name), full_page=full_page)
    keep = os.environ.get("JIANGPU_SCREENSHOTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(keep) / f"editor-{name}"), full_page=full_page)


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture
def editor(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """/admin/ served as the site serves it, saving through the local backend into a copy of the records."""
    assert DECAP_PACKAGE.is_file(), "Decap CMS is missing: run bash scripts/setup.sh"
    records = tmp_path / "repo" / "records"
    shutil.copytree(REPO / "records", records)
    pages = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(tmp_path / "site")))
    access = editing.Access.for_page(pages.server_address[1], "test-token")
    # As serve starts it: every save checked by the whole gate before it is written.
    backend = editing.start(records, access, 0, gate=lambda folder: validate(folder, today=date(2026, 11, 22), jobs=1).result)
    write_admin(tmp_path / "site" / "admin", CmsOptions(
        repo="union/registry", local_backend=f"http://127.0.0.1:{backend.server_address[1]}/api/v1?token={access.token}"),
        registry=validate(records, today=date(2026, 11, 22), jobs=1).registry)  # what the build hands it
    threading.Thread(target=pages.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{pages.server_address[1]}/admin/", records
    for server in (pages, backend):
        server.shutdown()
        server.server_close()


def _choose(page: Any, field: Any, text: str) -> None:
    field.click()
    field.fill(text)
    page.locator("[class*=-option]").filter(has_text=text).first.click()


def _signed_in(browser: Any, url: str, hash_path: str) -> Any:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(url)
    page.get_by_role("button", name="登录").click()  # the local backend needs no GitHub account
    page.goto(url + "#/" + hash_path)
    return page


def _publish(page: Any) -> None:
    page.get_by_role("button", name="发布").click()
    page.get_by_text("立即发布", exact=True).click()
    page.get_by_text("已发布").first.wait_for()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--no-first-run",
                                                                      "--disable-background-networking", "--disable-component-update"])
        yield instance
        instance.close()


def test_a_clerk_adds_a_pair_in_the_form(browser: Any, editor: tuple[str, Path], capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    url, records = editor
    page = _signed_in(browser, url, "collections/pairs/new")
    page.get_by_label("编号", exact=True).fill("taoyuan-2026-101")
    _choose(page, page.get_by_label("所属活动", exact=True), "桃源县")
    _choose(page, page.get_by_label("单位", exact=True), "桃源示例电机")  # names in the list, ids in the file
    _choose(page, page.get_by_label("师傅", exact=True), "李军")
    page.get_by_label("姓名", exact=True).fill("赵小龙")
    _choose(page, page.get_by_label("性别", exact=True), "男")
    page.get_by_label("签订日期 (可选)", exact=True).fill("2026-11-02")
    page.get_by_label("开始日期", exact=True).fill("2026-11-10")
    page.get_by_label("结束日期", exact=True).fill("2028-11-09")
    _choose(page, page.get_by_label("状态", exact=True), "待审批")
    page.get_by_label("编号", exact=True).scroll_into_view_if_needed()
    _shot(page, tmp_path, "first-edit.png")
    _publish(page)
    _shot(page, tmp_path, "published.png")
    page.close()
    saved = records / "pairs" / "taoyuan-2026-101.yml"
    text = saved.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../schemas/pair.schema.json\n")
    data = yaml.safe_load(text)
    assert (data["master"], data["unit"], data["programme"]) == ("li-jun", "taoyuan-demo-motor", "taoyuan-pairing-2019")
    assert str(data["start"]) == "2026-11-10" and data["apprentice"] == {"name": "赵小龙", "gender": "男"}
    assert main(["validate", "--no-cache", "--records", str(records), "--date", "2026-11-22"]) == 0
    assert main(["fmt", "--check", "--records", str(records), str(saved)]) == 0


def test_editing_a_masters_honours_changes_only_those_lines(browser: Any, editor: tuple[str, Path]) -> None:
    url, records = editor
    path = records / "masters" / "li-jun.yml"
    before = path.read_text(encoding="utf-8").splitlines(keepends=True)
    page = _signed_in(browser, url, "collections/masters/entries/li-jun")
    page.get_by_role("button", name="新增荣誉").click()
    page.get_by_label("荣誉名称", exact=True).last.fill("桃源县技术能手")
    _choose(page, page.get_by_label("荣誉级别", exact=True).last, "县级")
    page.get_by_label("获得年份", exact=True).last.fill("2025")
    _publish(page)
    page.close()
    after = path.read_text(encoding="utf-8").splitlines(keepends=True)
    last_honour = max(i for i, line in enumerate(before) if line.startswith("  year: ") or line.startswith("  issuer: "))
    assert after == before[: last_honour + 1] + ["- name: 桃源县技术能手\n", "  level: 县级\n", "  year: 2025\n"] + before[last_honour + 1:]


def test_a_save_the_gate_refuses_is_refused_in_the_editor(browser: Any, editor: tuple[str, Path], tmp_path: Path) -> None:
    """A term longer than the programme allows (a cross-record rule, not a field check) is not saved:
    the editor shows the gate's Chinese message and the file is unchanged."""
    url, records = editor
    path = records / "pairs" / "taoyuan-2020-001.yml"
    before = path.read_bytes()
    page = _signed_in(browser, url, "collections/pairs/entries/taoyuan-2020-001")
    page.get_by_label("结束日期", exact=True).first.fill("2031-03-09")  # the pair's own, above its stages
    page.get_by_role("button", name="发布").click()
    page.get_by_text("立即发布", exact=True).click()
    message = page.get_by_text("没有保存", exact=False).first
    message.wait_for(timeout=20_000)
    assert "pair.term" in message.inner_text() and "超出本活动规定" in message.inner_text()
    page.wait_for_timeout(400)  # the notice slides in
    assert "API_ERROR" not in message.inner_text(), message.inner_text()  # Decap's class name, meaningless to a clerk
    _shot(page, tmp_path, "refused.png")
    page.close()
    assert path.read_bytes() == before


def test_a_field_check_refuses_before_the_save(browser: Any, editor: tuple[str, Path], tmp_path: Path) -> None:
    """On the published site no gate runs before the pull request: the one-field rules are the form's own
    checks, in Chinese (a master born in 2015, a name that starts like a formula, a date typed as 1907)."""
    url, records = editor
    path = records / "masters" / "li-jun.yml"
    before = path.read_bytes()
    page = _signed_in(browser, url, "collections/masters/entries/li-jun")
    page.get_by_label("出生年份", exact=True).fill("2015")
    page.get_by_label("姓名", exact=True).fill("=HYPERLINK(1)")
    page.get_by_role("button", name="发布").click()
    page.get_by_text("立即发布", exact=True).click()
    page.get_by_text("应在 1926—2010 年之间", exact=False).first.wait_for(timeout=10_000)
    assert page.get_by_text("不能以 = + - @ 开头", exact=False).count() >= 1
    _shot(page, tmp_path, "field-checks.png", full_page=True)
    page.close()
    assert path.read_bytes() == before


class _FakeGitHub(SimpleHTTPRequestHandler):
    """GitHub's API as far as signing in goes: a token with write access to union/registry, one read-only."""

    tokens = {"token good-token": True, "token read-only": False}

    def log_message(self, format: str, *args: object) -> None:
        return

    def _send(self, status: int, body: object) -> None:
        import json

        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_OPTIONS(self) -> None:  # noqa: N802 (the http.server API)
        self.send_response(204)
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Access-Control-Allow-Headers", "Authorization, Content-Type, Accept, Cache-Control")
        self.send_header("Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE")
        self.end_headers()

    def do_GET(self) -> None:  # noqa: N802
        push = self.tokens.get(self.headers.get("Authorization", ""))
        if push is None:
            self._send(401, {"message": "Bad credentials"})
        elif self.path.startswith("/repos/union/registry?") or self.path == "/repos/union/registry":
            self._send(200, {"full_name": "union/registry", "owner": {"login": "union"}, "default_branch": "main",
                             "permissions": {"push": push, "pull": True}})
        elif self.path == "/user":
            self._send(200, {"login": "clerk", "name": "张文员", "avatar_url": ""})
        else:
            self._send(404, {"message": "Not Found"})


@pytest.fixture
def published(tmp_path: Path) -> Iterator[str]:
    """/admin/ as the Pages site publishes it (no local backend), against a stand-in for GitHub's API."""
    api = ThreadingHTTPServer(("127.0.0.1", 0), _FakeGitHub)
    pages = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(tmp_path / "site")))
    write_admin(tmp_path / "site" / "admin", CmsOptions(repo="union/registry", api_root=f"http://127.0.0.1:{api.server_address[1]}"))
    for server in (api, pages):
        threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{pages.server_address[1]}/admin/"
    for server in (api, pages):
        server.shutdown()
        server.server_close()


def test_a_clerk_signs_in_on_the_published_site_with_a_token_and_no_server(browser: Any, published: str, tmp_path: Path) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(published)
    token = page.get_by_label("访问令牌")
    _shot(page, tmp_path, "signin.png", full_page=True)
    token.fill("github_pat_wrong")
    page.get_by_role("button", name="登录").click()
    page.get_by_text("令牌无效或已过期", exact=False).wait_for()
    token.fill("read-only")
    page.get_by_role("button", name="登录").click()
    page.get_by_text("只能读、不能写仓库 union/registry", exact=False).wait_for()
    assert page.evaluate("localStorage.getItem('decap-cms-user')") is None
    token.fill("good-token")
    page.get_by_role("button", name="登录").click()
    page.get_by_role("link", name="师徒结对").first.wait_for(timeout=20_000)  # Decap's own collections: signed in
    assert page.get_by_label("访问令牌").count() == 0
    _shot(page, tmp_path, "signed-in.png")
    page.reload()  # Decap restores the sign-in itself
    page.get_by_role("link", name="名匠").first.wait_for(timeout=20_000)
    page.close()


def test_the_sign_in_is_stored_where_the_shipped_decap_reads_it() -> None:
    """jiangpu-admin.js writes Decap's own sign-in record; a Decap release that moved it would sign nobody in."""
    from generator.render.cms import decap_files

    shipped = decap_files()["decap-cms.js"].decode("utf-8")
    ours = (REPO / "site_templates" / "admin" / "jiangpu-admin.js").read_text(encoding="utf-8")
    assert 'storageKey="decap-cms-user"' in shipped and 'var USER_KEY = "decap-cms-user"' in ours
    assert "restoreUser(e){return this.authenticate(e)}" in shipped  # the GitHub backend signs in from the stored token
    assert "window.CMS_MANUAL_INIT" in shipped


def test_a_new_master_gets_a_suggested_id_and_a_taken_one_is_refused(browser: Any, editor: tuple[str, Path], tmp_path: Path) -> None:
    url, records = editor
    page = _signed_in(browser, url, "collections/masters/new")
    page.get_by_label("姓名", exact=True).fill("李军")
    page.get_by_label("编号", exact=True).click()  # the next field: the suggestion is there
    page.get_by_role("button", name="使用 li-jun-2").wait_for()  # li-jun is taken: the next free one
    page.get_by_label("编号", exact=True).fill("li-jun")
    page.get_by_role("button", name="发布").click()
    page.get_by_text("立即发布", exact=True).click()
    page.get_by_text("编号“li-jun”已被“李军”使用：可以改用 li-jun-2", exact=False).wait_for(timeout=10_000)
    _shot(page, tmp_path, "suggested-id.png")
    page.get_by_role("button", name="使用 li-jun-2").click()
    assert page.get_by_label("编号", exact=True).input_value() == "li-jun-2"
    page.close()
    pair = _signed_in(browser, url, "collections/pairs/new")
    _choose(pair, pair.get_by_label("所属活动", exact=True), "桃源县")
    pair.get_by_label("开始日期", exact=True).fill("2026-11-10")
    pair.get_by_label("编号", exact=True).click()
    taken = sorted(p.stem for p in (records / "pairs").glob("taoyuan-2026-*.yml"))
    expected = f"taoyuan-2026-{int(taken[-1].rsplit('-', 1)[1]) + 1:03d}"
    pair.get_by_role("button", name=f"使用 {expected}").wait_for()
    pair.close()


def test_a_photo_upload_passes_the_photo_rule(browser: Any, editor: tuple[str, Path], tmp_path: Path) -> None:
    """A photo chosen in the form is uploaded with the record it belongs to: a broken file is refused
    by the photo rule with the record unchanged; a good one lands in records/photos/ and its name in the record."""
    from PIL import Image

    url, records = editor
    good = tmp_path / "wang-wu.jpg"
    Image.new("RGB", (300, 400), (180, 160, 140)).save(good, quality=90)
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(good.read_bytes()[:600])
    path = records / "masters" / "li-jun.yml"
    before = path.read_bytes()
    page = _signed_in(browser, url, "collections/masters/entries/li-jun")

    def choose(photo: Path) -> None:
        page.get_by_role("button", name="选择图片").or_(page.get_by_role("button", name="选择不同的图片")).first.click()
        with page.expect_file_chooser() as chooser:
            page.get_by_text("上传", exact=True).first.click()
        chooser.value.set_files(str(photo))
        page.get_by_text(photo.name, exact=True).first.wait_for()
        page.get_by_role("button", name="选用已选中项目").click()
        page.get_by_role("button", name="发布").click()
        page.get_by_text("立即发布", exact=True).click()

    choose(broken)
    page.get_by_text("没有保存", exact=False).first.wait_for(timeout=20_000)
    assert "broken.jpg" in page.get_by_text("没有保存", exact=False).first.inner_text()
    assert path.read_bytes() == before and not (records / "photos" / "broken.jpg").exists()
    page.close()
    page = _signed_in(browser, url, "collections/masters/entries/li-jun")
    choose(good)
    page.get_by_text("已发布").first.wait_for(timeout=20_000)
    page.close()
    assert (records / "photos" / "wang-wu.jpg").read_bytes() == good.read_bytes()
    assert yaml.safe_load(path.read_text(encoding="utf-8"))["photo"] == "wang-wu.jpg"


def test_a_withdrawal_lists_what_refers_to_the_record_and_asks(browser: Any, editor: tuple[str, Path], tmp_path: Path) -> None:
    url, records = editor
    page = _signed_in(browser, url, "collections/masters/entries/li-jun")
    asked: list[str] = []
    page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    page.get_by_text("引用这条记录的有", exact=False).wait_for()
    page.get_by_role("button", name="撤回这条记录……").click()
    assert asked and "条记录引用了这条记录" in asked[0] and "taoyuan-2019-001" in asked[0]
    page.get_by_label("撤回原因").fill("重复录入")
    _shot(page, tmp_path, "withdraw.png", full_page=True)
    before = (records / "masters" / "li-jun.yml").read_bytes()
    _publish_refused = page.get_by_role("button", name="发布")
    _publish_refused.click()
    page.get_by_text("立即发布", exact=True).click()
    page.get_by_text("没有保存", exact=False).first.wait_for(timeout=20_000)  # the pairs still name him: the gate says so
    assert (records / "masters" / "li-jun.yml").read_bytes() == before
    page.close()


def _decap_verdict(browser: Any, url: str) -> list[str]:
    """What Decap itself says of the configuration it loads: its "Config Errors" (AJV against its own
    schema), or nothing once the collections show."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    said: list[str] = []
    page.on("console", lambda message: said.append(message.text) if "Config Errors" in message.text else None)
    page.goto(url)
    refused = page.get_by_text("配置错误").or_(page.get_by_text("Config Errors"))  # the locale is the config's own
    page.get_by_role("button", name="登录").or_(refused).first.wait_for(timeout=20_000)
    said += [page.inner_text("body")] if refused.count() else []
    page.close()
    return said


def test_the_generated_configuration_passes_decaps_own_validation(browser: Any, editor: tuple[str, Path]) -> None:
    url, _ = editor
    assert _decap_verdict(browser, url) == []
    config_file = Path(editor[1]).parents[1] / "site" / "admin" / "config.yml"
    made = yaml.safe_load(config_file.read_text(encoding="utf-8"))
    made["collections"][0]["fields"][0]["pattern"] = "not-a-pair"  # what Decap's schema refuses: the check can fail
    config_file.write_text(yaml.safe_dump(made, allow_unicode=True), encoding="utf-8")
    assert _decap_verdict(browser, url), "Decap accepted a configuration its schema refuses"


def test_the_lock_records_the_digest_of_the_release_files_a_site_carries() -> None:
    """decap-cms.lock's second line: a new Decap release with the old line would only cost time, but this says so."""
    from generator.render import cms

    info = DECAP_PACKAGE.stat()
    assert cms.DECAP_DIST == cms.dist_digest(cms._package_files(DECAP_PACKAGE, (info.st_size, info.st_mtime_ns)))


def _unpacking_refused(*_: object) -> dict[str, bytes]:
    raise AssertionError("the package was unpacked again")


def test_a_build_takes_the_last_builds_decap_files_only_when_they_are_the_releases(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.render import cms

    options = CmsOptions(repo="union/registry")
    write_admin(tmp_path / "last", options)
    shipped = {p.name: p.read_bytes() for p in (tmp_path / "last").iterdir() if cms.is_decap_file(p.name)}
    assert "decap-cms.js" in shipped
    with monkeypatch.context() as patched:
        patched.setattr(cms, "_package_files", _unpacking_refused)
        write_admin(tmp_path / "next", options, previous=tmp_path / "last")
    assert {name: (tmp_path / "next" / name).read_bytes() for name in shipped} == shipped

    # A last copy that is not the release's (changed, or a file added beside it): the package again.
    for change in ("changed", "added"):
        last = tmp_path / f"last-{change}"
        shutil.copytree(tmp_path / "last", last)
        if change == "changed":
            (last / "decap-cms.js").write_bytes(shipped["decap-cms.js"] + b"\nalert(1);")
        else:
            (last / "evil.decap-cms.js").write_bytes(b"alert(1);")
        write_admin(tmp_path / change, options, previous=last)
        assert {p.name: p.read_bytes() for p in (tmp_path / change).iterdir() if cms.is_decap_file(p.name)} == shipped
