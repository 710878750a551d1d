"""Finding the Chinese font that PDFs embed, and a compact copy of it for printing.

In this order: the file named by ``JIANGPU_CJK_FONT``; then fontconfig's
Noto Serif/Sans CJK SC (Debian's fonts-noto-cjk); then other common Chinese
families. A missing font is an error that says what to install: a PDF
whose Chinese prints as empty boxes is worse than no PDF.

Why a compact copy: WeasyPrint keeps glyph ids when it subsets a font, so a
PDF carries metrics and empty outlines for every glyph id up to the highest
one it uses. Noto CJK has 65,000 glyphs and the common hanzi sit near the top:
each one-page agreement carried 180 KB of font. A copy of the font cut to the
GB 2312 set (6,763 hanzi, 8,200 characters with Latin and punctuation), with new
compact glyph ids, is made once per machine and cached; the full font stays
behind it in the font stack, so a rare character in a name still prints.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

ENV_VAR = "JIANGPU_CJK_FONT"
CACHE_VAR = "JIANGPU_FONT_CACHE"
FAMILIES = ("Noto Serif CJK SC", "Noto Sans CJK SC", "Source Han Serif SC", "Source Han Sans SC",
            "WenQuanYi Zen Hei", "AR PL UMing CN")
# The family name used in CSS for a font given by file, and for the compact copy.
FILE_FAMILY = "JiangpuCJK"
COMPACT_FAMILY = "JiangpuForms"
# Families a reader's browser may have, after ours, for the HTML forms.
BROWSER_FALLBACK = '"Songti SC", "SimSun", "Noto Serif CJK SC", serif'
MISSING = ("找不到可嵌入 PDF 的中文字体。请以 root 运行 apt-get install fonts-noto-cjk（Debian 软件包），"
           f"或设置环境变量 {ENV_VAR} 指向一个中文字体文件（.otf/.ttf/.ttc）。")
# Bump when the character set or the way the copy is made changes: the cache key includes it.
COMPACT_VERSION = "3"


class FontNotFound(Exception):
    """No Chinese font: the message (Chinese) says how to install one."""


@dataclass(frozen=True, slots=True)
class ChineseFont:
    family: str
    file: Path | None = None  # set when the font came from the environment variable
    source: Path | None = None  # the font file itself (fontconfig's answer or the variable's)
    index: int = 0  # the face within a collection (.ttc)
    compact: Path | None = None  # the cached compact copy, when one could be made

    def stack(self) -> str:
        """The CSS font-family list for printing: the compact copy first, the full font behind it."""
        names = ([COMPACT_FAMILY] if self.compact else []) + [self.family]
        return ", ".join(f'"{name}"' for name in names) + ", serif"

    def css(self) -> str:
        """@font-face rules for the files the stack names (none for a system font alone)."""
        faces = [(COMPACT_FAMILY, self.compact)] if self.compact else []
        if self.file is not None:
            faces.append((FILE_FAMILY, self.file))
        return "".join(f'@font-face {{ font-family: "{name}"; src: url("{path.resolve().as_uri()}"); }}\n'
                       for name, path in faces)


Runner = Callable[[list[str]], str]


def _fc_match(args: list[str]) -> str:
    if shutil.which(args[0]) is None:
        return ""
    done = subprocess.run(args, capture_output=True, text=True, timeout=20, check=False)
    return done.stdout if done.returncode == 0 else ""


def find_font(environ: Mapping[str, str], run: Runner = _fc_match) -> ChineseFont:
    named = environ.get(ENV_VAR)
    if named:
        path = Path(named)
        if not path.is_file():
            raise FontNotFound(f"环境变量 {ENV_VAR} 指向的字体文件不存在：{named}")
        return ChineseFont(FILE_FAMILY, path, path)
    for family in FAMILIES:
        found = match_family(family, run)
        if found is not None:
            return ChineseFont(family, source=found[0], index=found[1])
    raise FontNotFound(MISSING)


def match_family(pattern: str, run: Runner = _fc_match) -> tuple[Path | None, int] | None:
    """The file and face fontconfig has for a family (``Noto Sans CJK SC:style=Bold``), or None.
    fc-match always answers with something; only an exact family match counts."""
    family = pattern.split(":")[0]
    names, _, rest = run(["fc-match", "--format=%{family}|%{file}|%{index}", pattern]).partition("|")
    if family not in names.split(","):
        return None
    file, _, index = rest.partition("|")
    return (Path(file) if file else None, int(index) if index.isdigit() else 0)


def common_characters() -> set[int]:
    """GB 2312 (every hanzi and symbol of it), Latin, and the punctuation and symbols forms use."""
    chars = set(range(0x20, 0x7F)) | set(range(0xA0, 0x180))
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                chars.add(ord(bytes((high, low)).decode("gb2312")))
            except UnicodeDecodeError:
                continue
    for start, end in ((0x2000, 0x2070), (0x2100, 0x2200), (0x2460, 0x2500), (0x25A0, 0x2600),
                       (0x3000, 0x3040), (0x3200, 0x3400), (0xFF00, 0xFFF0)):
        chars |= set(range(start, end))
    return chars


def cache_folder(environ: Mapping[str, str]) -> Path:
    named = environ.get(CACHE_VAR)
    if named:
        return Path(named)
    base = Path(environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "jiangpu" / "fonts"


def _key(font: ChineseFont) -> str:
    from fontTools import version as fonttools_version

    assert font.source is not None
    stat = font.source.stat()
    parts = (str(font.source.resolve()), str(font.index), str(stat.st_size), str(stat.st_mtime_ns), fonttools_version,
             COMPACT_VERSION)
    return hashlib.blake2b("\0".join(parts).encode(), digest_size=12).hexdigest()


def _make_compact(source: Path, index: int, target: Path) -> None:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    # Horizontal text only; WeasyPrint drops the layout tables from what it embeds anyway.
    options.drop_tables += ["GSUB", "GPOS", "vmtx", "vhea", "VORG"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.hinting = False
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    os.close(fd)
    try:
        # recalcTimestamp off: the copy must be the same bytes on every machine and every run,
        # or the PDFs made from it would differ from build to build. recalcBBoxes off: the whole
        # font's bounding box is kept (a box around fewer glyphs is not needed; the line metrics
        # are hhea's and OS/2's, unchanged), and measuring every outline again took 6.7 of 18 s.
        with TTFont(str(source), fontNumber=index, lazy=True, recalcTimestamp=False, recalcBBoxes=False) as font:
            subsetter = subset.Subsetter(options)
            subsetter.populate(unicodes=common_characters())
            subsetter.subset(font)
            font.save(tmp)
        os.replace(tmp, target)  # two processes making it at once both end with a whole file
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def with_compact(font: ChineseFont, environ: Mapping[str, str]) -> ChineseFont:
    """The font with its compact copy, made on first use (about 12 s for Noto CJK) and cached.
    A font that cannot be cut (an unusual format) is used whole: bigger files, same print."""
    if font.source is None or not font.source.is_file():
        return font
    folder = cache_folder(environ)
    target = folder / f"{_key(font)}.otf"
    if not target.is_file():
        try:
            folder.mkdir(parents=True, exist_ok=True)
            _make_compact(font.source, font.index, target)
        except Exception:  # noqa: BLE001 - fontTools raises many kinds; the whole font still works
            return font
    return ChineseFont(font.family, font.file, font.source, font.index, target)
