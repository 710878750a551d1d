"""The built site: privacy, escaping, determinism and safe replacement."""

from __future__ import annotations

import gzip
import hashlib
import html
import json
import re
import shutil
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from generator.cli import main
from generator.render.public import mask_name
from generator.render.site.build import SiteBuildError, build_site, newest_date
from generator.render.site.searchupdate import content
from tests.conftest import REPO, build_sample_site

CANARY_YEAR = 1927  # a plausible birth year that appears nowhere else in the sample


def _decode(code: str) -> str:
    n = 0
    for letter in code:
        n = n * 26 + ord(letter) - ord("a")
    return chr(0x3400 + n) if 0x3400 + n <= 0xFAFF else ""


def decode_tokens(text: str) -> str:
    """The index's pairs of letters back into Chinese (docs.search_tokens), runs rejoined."""
    out: list[str] = []
    for word in text.split():
        run = re.fullmatch(r"w((?:[a-z]{4}){3,})", word)  # a whole run's token (names, trades, honours)
        if run:
            out.append("".join(_decode(run.group(1)[i:i + 4]) for i in range(0, len(run.group(1)), 4)))
            continue
        pair = re.fullmatch(r"([a-z]{4})([a-z]{4})", word)
        first, second = (_decode(pair.group(1)), _decode(pair.group(2))) if pair else ("", "")
        if not first:
            out.append(word)
        elif out and out[-1].endswith(first):
            out[-1] += second
        else:
            out.append(first + second)
    return " ".join(out)


def pagefind_text(path: Path) -> str:
    """A Pagefind index file as text: unpacked, its tokens decoded, with and without spaces
    (a private "隐001私" is indexed as three words)."""
    text = gzip.decompress(path.read_bytes()).decode("utf-8", errors="replace")
    decoded = decode_tokens(re.sub(r"[^0-9A-Za-z\u3400-\ufaff]+", " ", text))
    return "\n".join((text, decoded, decoded.replace(" ", "")))


def _site_text(site: Path) -> dict[str, str]:
    """Every text file of the site, as a reader would see it (entities and JSON escapes undone)."""
    from generator.render.cms import decap_files, is_decap_file
    from tests.render.test_forms import docx_text, pdf_text

    texts = {}
    for path in site.rglob("*"):
        if path.parent == site / "admin" and is_decap_file(path.name):
            # The web editor's code, byte for byte the pinned npm release: no registry data can be in it.
            assert path.read_bytes() == decap_files()[path.name], path
            continue
        if path.is_file() and path.suffix.startswith(".pf_"):  # the search index: gzip, words lower-cased
            texts[str(path.relative_to(site))] = pagefind_text(path)
            continue
        if not path.is_file() or path.suffix not in {".html", ".json", ".xml", ".csv", ".js", ".txt", ".pdf", ".docx"}:
            continue
        if path.suffix in {".pdf", ".docx"}:  # the download page's forms
            texts[str(path.relative_to(site))] = (pdf_text if path.suffix == ".pdf" else docx_text)(path)
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        if path.suffix == ".json":
            text = json.dumps(json.loads(text.lstrip("\ufeff")), ensure_ascii=False)
        texts[str(path.relative_to(site))] = html.unescape(text)
    return texts


def _tree_digest(folder: Path) -> dict[str, str]:
    """Every file's bytes, but the search bundle's: that by what a search reads (``searchupdate.content``:
    a bundle updated for a changed entry is compressed by us, one indexed whole by Pagefind)."""
    digests = {rel: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*"))
               if p.is_file() and not (rel := str(p.relative_to(folder))).startswith("pagefind/")}
    if (folder / "pagefind").is_dir():
        digests["pagefind"] = hashlib.sha256(repr(content(folder / "pagefind")).encode()).hexdigest()
    return digests


def _filter_index(folder: Path) -> list[int]:
    """The filter index by content size: the same filters in another order have the same sizes."""
    return sorted(len(gzip.decompress(p.read_bytes())) for p in (folder / "pagefind" / "filter").glob("*.pf_filter"))


def _rewrite(records: Path, change) -> None:  # type: ignore[no-untyped-def]
    for path in sorted(records.glob("*/*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        change(path.parent.name, data)
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


@pytest.fixture(scope="module")
def canary_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """The sample with a canary in every private field, in apprentice names and birth years."""
    work = tmp_path_factory.mktemp("canary")
    records = work / "records"
    shutil.copytree(REPO / "records", records)
    canaries: list[str] = []

    def plant(folder: str, data: dict) -> None:  # type: ignore[type-arg]
        n = len(canaries)
        data["private"] = {"note": f"PRIVCANARY{n:04d}", "phone": f"1330000{n:04d}", "employee_no": f"EMPCANARY{n:04d}"}
        canaries.extend(data["private"].values())
        if folder == "pairs":
            apprentice = data["apprentice"]
            apprentice["private"] = {"phone": f"1320000{n:04d}", "id_card": f"IDCANARY{n:04d}"}
            canaries.extend(apprentice["private"].values())
            apprentice["birth_year"] = CANARY_YEAR
            if "master" not in apprentice:  # one who became a master has a public profile under that name
                apprentice["name"] = f"隐{n:03d}私"
                canaries.append(apprentice["name"])

    _rewrite(records, plant)
    return build_sample_site(work, records), canaries


def test_no_private_value_reaches_the_site(canary_site: tuple[Path, list[str]]) -> None:
    site, canaries = canary_site
    texts = _site_text(site)
    assert "sitemap.xml" in texts and "data/pairs.csv" in texts and "data/datapackage.json" in texts and "feeds/pairs.xml" in texts
    assert any(name.startswith("pagefind/fragment/") for name in texts) and any(name.startswith("pagefind/index/") for name in texts)
    assert any(name.endswith(".pdf") for name in texts) and any(name.endswith(".docx") for name in texts)
    assert any(name.startswith("lists/") for name in texts)
    # The search index lower-cases the words it keeps.
    leaks = [(name, c) for name, text in texts.items() for c in canaries if c in text or c.lower() in text]
    assert leaks == []
    assert not any(str(CANARY_YEAR) in text for text in texts.values())


def test_apprentices_appear_masked(canary_site: tuple[Path, list[str]]) -> None:
    site, canaries = canary_site
    names = [c for c in canaries if c.startswith("隐")]
    pairs_page = _site_text(site)["pairs/index.html"]
    assert names and all(mask_name(n) in pairs_page for n in names)
    assert mask_name("王小军") == "王*军" and mask_name("王军") == "王*"


HOSTILE = {
    "script": "<script>alert(1)</script>",
    "img": '<img src=x onerror="alert(2)">',
    "link": "[点我](javascript:alert(3))",
}


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[str] = []
        self.handlers: list[tuple[str, str, str]] = []
        self.hrefs: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in_script = tag == "script"
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append((tag, name, value or ""))
            if name in ("href", "src") and value:
                self.hrefs.append(value)

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)


def test_record_text_renders_as_harmless_text(tmp_path: Path) -> None:
    records = tmp_path / "records"
    shutil.copytree(REPO / "records", records)

    def poison(folder: str, data: dict) -> None:  # type: ignore[type-arg]
        if folder == "masters" and data["id"] == "li-jun":
            data["bio"] = HOSTILE["script"] + "\n\n" + HOSTILE["link"]
            data["post"] = HOSTILE["img"]
        if folder == "studios" and data["id"] == "wang-qiang-welding-studio":
            data["description"] = HOSTILE["img"] + " " + HOSTILE["link"]
            data["name"] = HOSTILE["script"]
        if folder == "units" and data["id"] == "taoyuan-demo-motor":
            data["name"] = HOSTILE["link"]

    _rewrite(records, poison)
    site = build_sample_site(tmp_path, records)
    for page in site.rglob("*.html"):
        parser = _Tags()
        parser.feed(page.read_text(encoding="utf-8"))
        assert not any("alert(" in s for s in parser.scripts), page
        assert not any("alert(" in v for _, _, v in parser.handlers), page
        assert not any(h.strip().lower().startswith("javascript:") for h in parser.hrefs), page
    master = (site / "masters" / "li-jun" / "index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in master
    assert "[点我](javascript:alert(3))" in master
    studio = (site / "studios" / "wang-qiang-welding-studio" / "index.html").read_text(encoding="utf-8")
    assert "&lt;img src=x onerror=" in studio


def test_two_builds_are_byte_identical(sample_site: Path, tmp_path: Path) -> None:
    again = build_sample_site(tmp_path)
    assert _tree_digest(again) == _tree_digest(sample_site)
    assert _filter_index(again) == _filter_index(sample_site) != []


def test_profiles_stay_out_of_the_navigation(sample_site: Path) -> None:
    home = (sample_site / "index.html").read_text(encoding="utf-8")
    assert 'href="studios/"' in home
    nav = home[home.find('<nav class="md-nav md-nav--primary"'):]
    nav = nav[:nav.find("</nav>")]
    assert "masters/li-jun/" not in nav and "studios/wang-qiang" not in nav


def test_a_whole_run_token_never_answers_a_pair() -> None:
    """Names, trades and honours also hold each run of three characters or more as one token, marked so that a
    two-character query (a pair) matches it never: 王强刚 must not count twice for 王强 and outrank 王强 himself."""
    from generator.render.site.docs import search_tokens

    tokens = search_tokens("王强刚", whole=True).split()
    pairs, runs = tokens[:3], tokens[3:]
    assert runs and not any(r.startswith(p[:8]) for r in runs for p in pairs)
    assert decode_tokens(" ".join(runs)) == "王强刚" and search_tokens("王强刚").split() == pairs


def test_search_index_is_chinese_and_holds_only_summaries(sample_site: Path) -> None:
    entry = json.loads((sample_site / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert list(entry["languages"]) == ["zh"]
    fragments = [pagefind_text(p) for p in (sample_site / "pagefind" / "fragment").glob("*.pf_fragment")]
    # One entry a master, studio, unit and programme, and one for each overview a visitor may ask for by name
    # (任务进度, 荣誉榜, the lists, 表格下载, 开放数据); the home page and the search page stay out.
    profiles = sum(len(list((sample_site / kind).glob("*/"))) for kind in ("masters", "studios", "units"))
    overviews = {"progress/", "honours/", "masters/", "studios/", "pairs/", "units/", "forms/", "data/"}
    pages = set(re.findall(r'"page":"([^"]+)"', " ".join(fragments)))
    assert overviews <= pages
    assert len(fragments) == profiles + len(list((sample_site / "progress").glob("*/"))) + len(overviews)
    texts = " ".join(fragments)
    assert "维修电工" in texts and "南浔工匠" in texts
    # Details of a profile (assessment history, apprentices) are kept out of the index.
    assert "过程性考核" not in texts and "*" not in texts.replace("**", "")


def test_every_page_has_a_sharing_picture(sample_site: Path) -> None:
    """og:image on every page a visitor may share: the record's published photo (陆明华), else a card drawn at build
    time (800 × 420, the registry's name and the page's title); the file is in the site, at the address given."""
    from PIL import Image

    home = (sample_site / "index.html").read_text(encoding="utf-8")
    site_url = re.search(r'<meta property="og:url" content="([^"]+)"', home).group(1)  # type: ignore[union-attr]
    pictures: dict[str, str] = {}
    for page in sample_site.rglob("index.html"):
        if page.relative_to(sample_site).parts[0] in ("admin", "pagefind"):
            continue
        found = re.search(r'<meta property="og:image" content="([^"]+)"', page.read_text(encoding="utf-8"))
        assert found and found.group(1).startswith(site_url), page
        pictures[str(page.parent.relative_to(sample_site))] = found.group(1)[len(site_url):]
    assert pictures["masters/lu-minghua"] == "photos/masters/lu-minghua-480.jpg"  # his published photo
    cards = {k: v for k, v in pictures.items() if v.startswith("og/")}
    assert len(cards) > 80 and len(set(cards.values())) == len(cards)  # a title each, a card each
    for path in set(cards.values()):
        with Image.open(sample_site / path) as image:
            assert image.format == "PNG" and image.size == (800, 420)
    assert "twitter:card\" content=\"summary_large_image" in (sample_site / "masters" / "li-jun" / "index.html").read_text(encoding="utf-8")


def test_cards_are_drawn_once_and_then_taken_from_the_last_build(tmp_path: Path) -> None:
    from generator.render.site.cards import card_path, write_cards

    wanted = {card_path("示例登记册", title, "名匠"): ("示例登记册", title, "名匠") for title in ("李军", "王强")}
    assert write_cards(wanted, tmp_path / "first") == 2
    assert write_cards(wanted, tmp_path / "second", previous=tmp_path / "first") == 0
    for path in wanted:
        assert (tmp_path / "second" / path).read_bytes() == (tmp_path / "first" / path).read_bytes()
    assert card_path("示例登记册", "李军", "名匠") != card_path("另一个登记册", "李军", "名匠")  # the registry's name is on it


@pytest.mark.parametrize("text", ["冯丽芳", "Zhang Wei 张伟 1.5 级", "iiiWWW mm — 《焊工》（高级技师）…"])
def test_a_cards_lines_look_as_pillow_draws_them(text: str) -> None:
    """Cards draw each glyph once per process and place it by its advance (the speed of 10,000 cards): the line
    must come out pixel for pixel as Pillow lays out the whole line itself."""
    from PIL import Image, ImageChops, ImageDraw

    from generator.render.site import cards

    found = cards.font_file()
    assert found is not None  # Debian's fonts-noto-cjk, as scripts/setup.sh installs
    for font in cards._fonts(*found):
        theirs, ours = Image.new("L", (900, 120), 0), Image.new("L", (900, 120), 0)
        ImageDraw.Draw(theirs).text((56, 10), text, font=font, fill=255)
        cards._write(ImageDraw.Draw(ours), (56, 10), text, font, 255)
        assert ImageChops.difference(theirs, ours).getbbox() is None
        again = Image.new("L", (900, 120), 0)
        cards._write(ImageDraw.Draw(again), (56, 10), text, font, 255)
        assert again.tobytes() == ours.tobytes()


def _png_pixels(png: bytes) -> bytes:
    """A PNG's pixels read strictly: every chunk's CRC and the stream's Adler-32 checked, the filter bytes none."""
    import struct
    import zlib

    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    at, idat, kinds = 8, b"", []
    while at < len(png):
        (size,) = struct.unpack(">I", png[at:at + 4])
        kind, data = png[at + 4:at + 8], png[at + 8:at + 8 + size]
        assert struct.unpack(">I", png[at + 8 + size:at + 12 + size])[0] == zlib.crc32(kind + data)
        kinds.append(kind)
        idat += data if kind == b"IDAT" else b""
        at += 12 + size
    assert kinds == [b"IHDR", b"PLTE", b"IDAT", b"IEND"]
    raw, width = zlib.decompress(idat), 800  # zlib.decompress checks the Adler-32
    assert len(raw) == 420 * (width + 1) and all(raw[row * (width + 1)] == 0 for row in range(420))
    return b"".join(raw[row * (width + 1) + 1:(row + 1) * (width + 1)] for row in range(420))


def test_a_card_is_a_valid_png_of_what_was_drawn() -> None:
    """The card's PNG is written by cards._png (its head and blank rows deflated once): read strictly, it holds
    the very pixels drawn, the words' rows, the head's and the blank ones alike, and Pillow reads the same."""
    import io

    from PIL import Image

    from generator.render.site import cards

    found = cards.font_file()
    assert found is not None
    for title, about in (("冯丽芳", "焊工，高级技师，示例单位0002，从事焊工工作多年，技术精湛，乐于传帮带。" * 2), ("", ""), ("王强", "")):
        png = cards.draw("示例登记册", title, about)
        with Image.open(io.BytesIO(png)) as image:
            assert image.mode == "P" and image.size == (800, 420)
            pixels = image.tobytes()
            assert image.getpalette()[:3] == list(cards.BACKGROUND) and image.getpalette()[-3:] == list(cards.INK)
        assert _png_pixels(png) == pixels
        assert (pixels[150 * 800:].strip(b"\0") != b"") == bool(title or about)
    shared = cards._head_stream("示例登记册", *found)
    blank = bytes(cards._head("示例登记册", *found).tobytes())
    inked = bytearray(blank)  # rows of 801: a 0 (the scanline's filter byte), then the row's 800 pixels
    inked[10 * 801 + 6] = 255  # ink above the card's own words: the head's rows cannot be taken as deflated
    inked[419 * 801 + 800] = 7  # and in the last row's last pixel

    def pixels(rows: bytes) -> bytes:
        return b"".join(rows[row * 801 + 1:(row + 1) * 801] for row in range(420))

    assert _png_pixels(cards._png(bytes(inked), shared, 420)) == pixels(bytes(inked))
    assert _png_pixels(cards._png(blank, shared, 150)) == pixels(blank)  # a card with no words of its own


def test_failed_build_leaves_the_previous_site(sample_site: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(sample_site, site)
    before = _tree_digest(site)
    broken = tmp_path / "mkdocs.yml"
    broken.write_text((REPO / "mkdocs.yml").read_text(encoding="utf-8").replace("name: material", "name: no-such-theme"), encoding="utf-8")
    from datetime import date

    from generator.validate.engine import validate

    registry = validate(REPO / "records", today=date(2026, 11, 22), jobs=1).registry
    with pytest.raises(SiteBuildError):
        build_site(registry, config_file=broken, site_dir=site, docs_dir=tmp_path / "docs")
    assert _tree_digest(site) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mkdocs.yml", "site"]


def test_build_refuses_invalid_records(registry_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (registry_dir / "units" / "bad.yml").write_text("id: bad\nname: 甲\ntype: 公司\n", encoding="utf-8")
    code = main(["build", "--no-cache", "--config", str(REPO / "mkdocs.yml"), "--site-dir", "out-site", "--docs-dir", "out-docs"])
    assert code == 1
    assert "records/units/bad.yml:3:7: error schema" in capsys.readouterr().out
    assert not Path("out-site").exists() and not Path("out-docs").exists()


@pytest.mark.parametrize("breaks", ["rules", "build"])
def test_build_refuses_records_the_rules_beside_it_find_broken(registry_dir: Path, capsys: pytest.CaptureFixture[str],
                                                                 monkeypatch: pytest.MonkeyPatch, breaks: str) -> None:
    """The rules across files run in a child while the site is built (large registries; here forced): what they
    find stops the build before the new site replaces the last one, told as ``validate`` tells it; the last site
    stays. ``build``: the broken records break the build itself before the rules' answer: still their errors."""
    from generator.render.site import build
    from generator.validate import engine
    from tests.conftest import CASES

    monkeypatch.setattr(engine, "PARALLEL_THRESHOLD", 1)
    started, build_site = [], build.build_site
    monkeypatch.setattr(build, "build_site", lambda *args, **options: started.append(1) or build_site(*args, **options))
    command = ["build", "--no-cache", "--date", "2023-06-01", "--config", str(REPO / "mkdocs.yml"), "--site-dir", "out-site",
               "--docs-dir", "out-docs"]
    assert main(command) == 0
    before, docs, beside = _tree_digest(Path("out-site")), _tree_digest(Path("out-docs")), sorted(Path().iterdir())
    capsys.readouterr()
    shutil.copy(CASES / "ref" / "invalid" / "records" / "pairs" / "p.yml", registry_dir / "pairs" / "p.yml")
    if breaks == "build":
        monkeypatch.setattr(build, "profile_pages", lambda docs: {}["none"])
    assert main(command) == 1
    out, err = capsys.readouterr()
    assert "records/pairs/p.yml:4:9: error ref" in out and "记录有错误，未生成网站" in err
    assert "Traceback" not in err and "KeyError" not in err
    assert _tree_digest(Path("out-site")) == before and _tree_digest(Path("out-docs")) == docs
    assert sorted(Path().iterdir()) == beside  # nothing left of the refused build's work
    assert started == [1, 1]  # the second build did start: the rules ran beside it


def test_open_data_holds_public_records(sample_site: Path) -> None:
    masters = json.loads((sample_site / "data" / "masters.json").read_text(encoding="utf-8"))
    assert {m["id"] for m in masters} >= {"li-jun", "zhou-guoqiang"}
    assert all("private" not in m and "birth_year" not in m for m in masters)
    pairs_csv = (sample_site / "data" / "pairs.csv").read_text(encoding="utf-8-sig")
    assert pairs_csv.splitlines()[0].startswith("编号,活动编号,活动名称,单位编号,单位名称,师傅编号,师傅,")
    honours = (sample_site / "data" / "honours.csv").read_text(encoding="utf-8-sig").splitlines()
    assert honours[0] == "获得者类型,获得者编号,获得者,荣誉,级别,年份,授予单位"
    assert "名匠,zhou-guoqiang,周国强,南浔工匠,区级,2018,南浔区人民政府" in honours
    assert not any("search_terms" in line or "photo" in line for line in pairs_csv.splitlines()[:1] + honours[:1])


def test_the_open_data_package_is_valid_frictionless(sample_site: Path) -> None:
    from frictionless import validate

    report = validate(sample_site / "data" / "datapackage.json")
    assert report.valid, report.flatten(["type", "message"])
    package = json.loads((sample_site / "data" / "datapackage.json").read_text(encoding="utf-8"))
    described = {r["path"] for r in package["resources"]}
    assert described == {p.name for p in (sample_site / "data").iterdir() if p.suffix in (".csv", ".json") and p.name != "datapackage.json"}


def test_mkdocs_alone_builds_the_same_pages_from_the_docs_folder(sample_site: Path, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """The profiles are put into Material's template without MkDocs (chrome.py); MkDocs alone,
    given the docs folder, must write every page the same, byte for byte (the sitemap aside:
    the build dates profiles by their records)."""
    from generator.render.site.build import _mkdocs_build
    from generator.validate.engine import validate

    registry = validate(REPO / "records", today=date(2026, 11, 22), jobs=1).registry
    day = newest_date(registry)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(datetime.combine(day, datetime.min.time(), tzinfo=UTC).timestamp())))
    _mkdocs_build(REPO / "mkdocs.yml", sample_site.parent / "docs", tmp_path / "alone", strict=True)
    ours = {p.relative_to(sample_site).as_posix() for p in sample_site.rglob("*.html") if "pagefind" not in p.parts}
    alone = {p.relative_to(tmp_path / "alone").as_posix() for p in (tmp_path / "alone").rglob("*.html")}
    assert ours == alone
    profiles = [page for page in sorted(ours) if page.split("/")[0] in ("masters", "studios", "units") and page.count("/") == 2]
    assert len(profiles) > 70
    for page in sorted(ours):
        assert (sample_site / page).read_bytes() == (tmp_path / "alone" / page).read_bytes(), page


def test_profiles_show_their_photo_lazily_with_alt_text(sample_site: Path) -> None:
    page = (sample_site / "masters" / "zhou-guoqiang" / "index.html").read_text(encoding="utf-8")
    assert '<img class="jp-photo" src="../../photos/masters/zhou-guoqiang-480.jpg"' in page
    assert 'alt="周国强的照片" loading="lazy"' in page
    assert (sample_site / "photos" / "masters" / "zhou-guoqiang-160.jpg").is_file()
    masters = json.loads((sample_site / "data" / "masters.json").read_text(encoding="utf-8"))
    assert {m["id"]: m["photo"] for m in masters}["zhou-guoqiang"] == "photos/masters/zhou-guoqiang-480.jpg"


def test_the_404_page_works_under_a_sub_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """GitHub Pages serves a project site at /<repository>/: the 404 page, shown at any depth, links there."""
    from datetime import date

    from generator.validate.engine import validate

    monkeypatch.setenv("JIANGPU_SITE_URL", "https://example.test/jiangpu/")
    registry = validate(REPO / "records", today=date(2026, 11, 22), jobs=1).registry
    build_site(registry, config_file=REPO / "mkdocs.yml", site_dir=tmp_path / "site", docs_dir=tmp_path / "docs")
    page = (tmp_path / "site" / "404.html").read_text(encoding="utf-8")
    tags = _Tags()
    tags.feed(page)
    local = [h for h in tags.hrefs if not h.startswith(("http:", "https:", "#", "data:"))]
    assert local and all(h.startswith("/jiangpu/") and "//" not in h for h in local), local
    assert "找不到这个页面" in page
    sitemap = (tmp_path / "site" / "sitemap.xml").read_text(encoding="utf-8")
    assert "<loc>https://example.test/jiangpu/masters/zhou-guoqiang/</loc>" in sitemap
    feed = (tmp_path / "site" / "feeds" / "honours.xml").read_text(encoding="utf-8")
    assert 'href="https://example.test/jiangpu/masters/zhou-guoqiang/"' in feed


def test_the_home_pages_counts_open_lists_of_as_many(sample_site: Path) -> None:
    """Every count on the home page that links to a list (已命名工作室, 区级 3 个, 培养中 …) opens a list with
    that many rows: the filters in its address, applied to the list's data as lists.js applies them."""
    import html as html_lib
    import json
    import re
    from urllib.parse import parse_qs, urlsplit

    home = (sample_site / "index.html").read_text(encoding="utf-8")
    links = re.findall(r'<a[^>]*href="((?:[^"]*/)?(?:studios|pairs)/\?[^"]*)"[^>]*>(.*?)</a>', home)
    checked = 0
    for href, shown in links:
        count = re.search(r"(\d+)", re.sub(r"<[^>]+>", " ", shown))
        if count is None:
            continue
        address = urlsplit(html_lib.unescape(href))
        kind = address.path.strip("/").split("/")[-1]
        page = (sample_site / kind / "index.html").read_text(encoding="utf-8")
        selects = {label: (key, match) for label, key, match in
                   re.findall(r'<select name="([^"]+)" data-key="([^"]+)" data-match="([^"]*)"', page)}
        data = json.loads((sample_site / "lists" / f"{kind}.json").read_text(encoding="utf-8"))
        rows = [dict(zip(data["fields"], values, strict=True)) for values in data["rows"]]  # as lists.js reads it
        for label, (wanted,) in parse_qs(address.query).items():
            key, match = selects[label]

            def keep(row: dict, key: str = key, match: str = match, wanted: str = wanted) -> bool:
                values = [str(v) for v in row.get(key)] if isinstance(row.get(key), list) else [str(row.get(key, ""))]
                return any(wanted in v for v in values) if match == "contains" else wanted in values

            rows = [row for row in rows if keep(row)]
        assert len(rows) == int(count.group(1)), f"{shown} → {href}: the list shows {len(rows)}"
        checked += 1
    assert checked >= 5


def test_a_profiles_sitemap_date_is_its_records_last_change(tmp_path: Path) -> None:
    """lastmod per page: a profile carries its record's last change (git), the date the page shows; other
    pages keep the registry's; the .gz copy follows."""
    import gzip
    from datetime import date

    from generator.render.site.assemble import sort_sitemap
    from generator.render.site.build import _profile_dates

    urls = ["https://x.org/masters/li-jun/", "https://x.org/", "https://x.org/progress/taoyuan-pairing-2019/"]
    blocks = "".join(f"\n    <url>\n         <loc>{u}</loc>\n         <lastmod>2026-11-30</lastmod>\n    </url>" for u in urls)
    (tmp_path / "sitemap.xml").write_text(f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset>{blocks}\n</urlset>', encoding="utf-8")
    history = {"masters/li-jun.yml": date(2024, 5, 6), "programmes/taoyuan-pairing-2019.yml": date(2025, 1, 2), "photos/a.jpg": date(2020, 1, 1)}
    sort_sitemap(tmp_path, _profile_dates(history))
    text = (tmp_path / "sitemap.xml").read_text(encoding="utf-8")
    dates = dict(re.findall(r"<loc>(.*?)</loc>\s*<lastmod>(.*?)</lastmod>", text))
    assert dates == {urls[0]: "2024-05-06", urls[1]: "2026-11-30", urls[2]: "2025-01-02"}
    assert gzip.decompress((tmp_path / "sitemap.xml.gz").read_bytes()).decode("utf-8") == text


def test_profiles_enter_the_sitemap_as_mkdocs_writes_its_own_entries(tmp_path: Path) -> None:
    """The profiles (not built by MkDocs) are given the home page's entry with their address, dated by their
    record's last change, in address order among MkDocs' own."""
    from generator.render.site.assemble import sort_sitemap

    entry = "\n    <url>\n         <loc>{}</loc>\n         <lastmod>{}</lastmod>\n    </url>"
    own = "".join(entry.format(u, "2026-11-30") for u in ("https://x.org/progress/", "https://x.org/"))
    (tmp_path / "sitemap.xml").write_text(f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset>{own}\n</urlset>', encoding="utf-8")
    sort_sitemap(tmp_path, {"masters/li-jun/": "2024-05-06"}, ["studios/gang/", "masters/li-jun/"])
    wanted = [("https://x.org/", "2026-11-30"), ("https://x.org/masters/li-jun/", "2024-05-06"),
              ("https://x.org/progress/", "2026-11-30"), ("https://x.org/studios/gang/", "2026-11-30")]
    body = "".join(entry.format(u, d) for u, d in wanted)
    assert (tmp_path / "sitemap.xml").read_text(encoding="utf-8") == f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset>{body}\n</urlset>'


def test_a_masters_lineage_is_drawn_with_the_same_people_as_its_list(sample_site: Path) -> None:
    """王小军 learned from 李军 and taught two apprentices: the picture (SVG, built at build time, hidden from
    screen readers) holds the teacher, the master and the masked apprentices the list below it names."""
    import re

    page = (sample_site / "masters" / "wang-xiaojun" / "index.html").read_text(encoding="utf-8")
    start = page.index('<div class="jp-lineage"')
    svg = page[start:page.index("</svg>", start)]
    labels = re.findall(r"<text[^>]*>([^<]+)", svg)
    assert labels[:2] == ["李军", "王小军"] and {"冯*轩", "董*燕"} <= set(labels), labels
    assert 'aria-hidden="true"' in svg and "冯*轩" in page[page.index("</svg>", start):]
    assert "冯明轩" not in page  # the apprentice stays masked in the picture too
