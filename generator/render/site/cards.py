"""Sharing cards (og:image): a picture with the registry's name, the page's title and a line
about it, for every page without a published photo of its own.

A card is named by what it shows (a hash of its words and this file's layout version), so
pages that show the same words share one file, and a card made by the last build is taken
from there instead of being drawn again. Drawing is cheap but not free (about 0.25 ms a card, 2.5 s
of CPU for the 10,000 pages of an M registry; 2 ms before the measures below): the image is
8-bit, its palette a ramp from the theme's red to white; each glyph is rasterized once per
process; the PNG deflates only the rows with the card's own words (``_png``), with zlib-ng
(three times Debian's zlib on these rows, whose checksums it also sums eight times faster:
half a card's time, 0.5 ms with Debian's zlib).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import struct
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from zlib_ng import zlib_ng as zlib

from generator.files import link_or_copy

if TYPE_CHECKING:
    from PIL import Image, ImageDraw
    from PIL.ImageFont import FreeTypeFont

VERSION = "4"  # 3: the PNG written by _png; 4: deflated by zlib-ng (other bytes, the same picture)
SIZE = (800, 420)  # 1.9 : 1, as sharing previews crop; wide enough for a large preview
BACKGROUND, INK = (160, 27, 24), (255, 255, 255)  # mkdocs.yml's red primary, white
MARGIN = 56
FOLDER = "og"
FAMILIES = ("Noto Sans CJK SC:style=Bold", "Noto Sans CJK SC", "Noto Serif CJK SC:style=Bold", "Noto Serif CJK SC")


def card_path(site_name: str, title: str, about: str) -> str:
    digest = hashlib.sha1("\0".join((VERSION, site_name, title, about)).encode("utf-8")).hexdigest()[:20]
    return f"{FOLDER}/{digest}.png"


@cache
def font_file() -> tuple[str, int] | None:
    """A Chinese face from fontconfig (Debian's fonts-noto-cjk), or None: then pages carry no card."""
    from generator.render.forms.fonts import match_family

    for family in FAMILIES:
        found = match_family(family)
        if found is not None and found[0] is not None:
            return str(found[0]), found[1]
    return None


_WIDTHS: dict[tuple[int, str], float] = {}
_GLYPHS: dict[tuple[int, str], tuple[Any, tuple[int, int]]] = {}


def _advance(font: FreeTypeFont, char: str) -> float:
    """One character's advance. A line's width is the sum of its characters' (CJK faces do not kern);
    measuring each growing line again cost 6 s of the 15 at M."""
    key = (id(font), char)
    found = _WIDTHS.get(key)
    if found is None:
        found = _WIDTHS[key] = font.getlength(char)
    return found


def _lines(text: str, font: FreeTypeFont, width: int, most: int) -> list[str]:
    """The text cut into at most ``most`` lines that fit ``width`` (Chinese breaks between any two
    characters); the last line ends in "…" when the text is longer."""
    lines: list[str] = []
    current, used = "", 0.0
    for char in text:
        step = _advance(font, char)
        if used + step > width:
            lines.append(current)
            current, used = char, step
            if len(lines) == most:
                break
        else:
            current, used = current + char, used + step
    else:
        lines.append(current)
        return [line for line in lines if line]
    last = lines[-1]
    ellipsis = _advance(font, "…")
    while last and sum(_advance(font, c) for c in last) + ellipsis > width:
        last = last[:-1]
    return [*lines[:-1], last + "…"]


def _write(pen: ImageDraw.ImageDraw, xy: tuple[int, int], text: str, font: FreeTypeFont, fill: int) -> int:
    """One line, glyph by glyph, each glyph rasterized once per process: FreeType rasterizing every
    card's lines again was half of a card's time (10,000 cards at M), and names repeat characters.
    Returns the row under the lowest glyph (``_png`` need not search the picture for it)."""
    x: float = xy[0]
    y = bottom = xy[1]
    for char in text:
        key = (id(font), char)
        glyph = _GLYPHS.get(key)
        if glyph is None:
            glyph = _GLYPHS[key] = font.getmask2(char, "L")
        mask, (dx, dy) = glyph
        pen.draw.draw_bitmap((round(x) + dx, y + dy), mask, fill)
        bottom = max(bottom, y + dy + mask.size[1])
        x += _advance(font, char)
    return bottom


@cache
def _fonts(file: str, index: int) -> tuple[FreeTypeFont, FreeTypeFont, FreeTypeFont]:
    from PIL import Image, ImageFont

    # Pillow hands each image's memory back to the system when it is freed (its block cache is empty by
    # default), so every card mapped and unmapped a third of a megabyte: a quarter of a card's time, in
    # the kernel. Kept blocks are reused instead (Pillow's documented block allocator setting).
    Image.core.set_blocks_max(max(Image.core.get_blocks_max(), 8))

    return (ImageFont.truetype(file, 28, index=index), ImageFont.truetype(file, 56, index=index),
            ImageFont.truetype(file, 26, index=index))


@cache
def _palette() -> list[int]:
    return [round(b + (i / 255) * (w - b)) for i in range(256) for b, w in zip(BACKGROUND, INK, strict=True)]


@cache
def _head(site_name: str, file: str, index: int) -> Image.Image:
    """The part every card of a registry shares, drawn once: its name and a rule under it. The picture is
    a column wider than the card, its first column never drawn on: each row is then a PNG scanline as it
    is (that column its filter byte, 0: none), and its bytes go to ``_png`` without being copied again."""
    from PIL import Image, ImageDraw

    image = Image.new("L", (SIZE[0] + 1, SIZE[1]), 0)  # 0 is the background, 255 the ink; the palette colours them
    pen = ImageDraw.Draw(image)
    pen.text((1 + MARGIN, MARGIN), site_name, font=_fonts(file, index)[0], fill=200)
    pen.line((1 + MARGIN, MARGIN + 50, 1 + MARGIN + 96, MARGIN + 50), fill=255, width=4)
    return image


def draw(site_name: str, title: str, about: str) -> bytes:
    """The card as PNG bytes: the registry's name at the top, the title large (two lines at most),
    the line about the page below it."""
    from PIL import ImageDraw

    found = font_file()
    assert found is not None, "card fonts are looked up before drawing"
    _, big, small = _fonts(*found)
    width = SIZE[0] - 2 * MARGIN
    image = _head(site_name, *found).copy()
    pen = ImageDraw.Draw(image)
    y = end = TOP
    for line in _lines(title, big, width, 2):
        end = max(end, _write(pen, (1 + MARGIN, y), line, big, 255))
        y += 74
    for line in _lines(about, small, width, 2):
        end = max(end, _write(pen, (1 + MARGIN, y + 18), line, small, 215))
        y += 38
    return _png(image.tobytes(), _head_stream(site_name, *found), min(end, SIZE[1]))


# The PNG is written here rather than by Pillow: two thirds of a card is background, and deflating it
# was most of a card's time. The rows every card shares (the head) are deflated once, ending on a full
# flush so that nothing after refers back into them; the blank rows under the words likewise, once
# per count; only the rows with the card's own words are deflated for each card. (One picture's bytes
# and no other large buffer a card: freeing several made the C library hand pages back to the system
# and fault them in again for the next card, a third of a card's time.)
TOP = 150  # the first row of a card's own words (``draw``): the rows above are the head's


@cache
def _head_stream(site_name: str, file: str, index: int) -> tuple[bytes, bytes, int]:
    """The head's rows (``_head``: a row is a scanline; those above ``TOP``), deflated (raw deflate, ended
    by a full flush), and their Adler-32."""
    rows = _head(site_name, file, index).tobytes()[:TOP * (SIZE[0] + 1)]
    deflate = zlib.compressobj(1, zlib.DEFLATED, -15)
    return rows, deflate.compress(rows) + deflate.flush(zlib.Z_FULL_FLUSH), zlib.adler32(rows)


@cache
def _blank_stream(count: int) -> bytes:
    """``count`` blank rows deflated as the end of a stream."""
    deflate = zlib.compressobj(1, zlib.DEFLATED, -15)
    return deflate.compress(b"\0" * (count * (SIZE[0] + 1))) + deflate.flush()


def _adler32_zeros(adler: int, count: int) -> int:
    """Adler-32 continued over ``count`` zero bytes, without them: the first sum stays, the second grows
    by ``count`` times the first (RFC 1950)."""
    low, high = adler & 0xFFFF, adler >> 16
    return ((high + count * low) % 65521) << 16 | low


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


@cache
def _png_start() -> bytes:
    """What every card's PNG starts with: the signature, the header (8-bit indexed colour, no interlace), the palette."""
    header = struct.pack(">IIBBBBB", *SIZE, 8, 3, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"PLTE", bytes(_palette()))


def _png(pixels: bytes, head: tuple[bytes, bytes, int], end: int) -> bytes:
    """The card's 8-bit pixels (the palette's indices, each row after a 0: ``_head``) as a PNG file; every
    row from ``end`` on is blank."""
    width, height = SIZE
    shared, head_deflated, head_adler = head
    view, line = memoryview(pixels), width + 1
    first = TOP if pixels.startswith(shared) else 0
    end = max(end, first)
    rows = view[first * line:end * line]
    deflate = zlib.compressobj(1, zlib.DEFLATED, -15)
    body = deflate.compress(rows) + deflate.flush(zlib.Z_FULL_FLUSH) + _blank_stream(height - end)
    adler = _adler32_zeros(zlib.adler32(rows, head_adler if first else 1), (height - end) * (width + 1))
    stream = b"\x78\x01" + (head_deflated if first else b"") + body + struct.pack(">I", adler)
    return _png_start() + _chunk(b"IDAT", stream) + _chunk(b"IEND", b"")


def write_cards(wanted: dict[str, tuple[str, str, str]], out: Path, previous: Path | None = None, cache: Path | None = None,
                draw_missing: bool = True) -> int:
    """Write each wanted card (path -> site name, title, about) under ``out``: linked from the last
    build's docs folder or the user's cache when either has it, drawn otherwise (and kept in the
    cache: a clean build, in CI too, draws only cards it has never drawn). Returns how many were drawn,
    or without ``draw_missing`` (``serve``: the pages first), how many were left out to draw later."""
    drawn = 0
    sources = [str(folder) for folder in (previous, cache) if folder is not None]
    present: dict[str, set[str]] = {}  # a folder's names, listed once
    # Strings, one mkdir and one listing a folder: at M this runs for 10,000 cards, nearly all there already (the
    # last build's folder, carried over) or linked as they were.
    for path, words in sorted(wanted.items()):
        target = os.path.join(out, path)
        folder, name = os.path.split(target)
        if folder not in present:
            os.makedirs(folder, exist_ok=True)
            present[folder] = set(os.listdir(folder))
        if name in present[folder] or any(link_or_copy(os.path.join(source, path), target) for source in sources):
            continue
        if not draw_missing:
            drawn += 1
            continue
        # Under another name first: a card is taken again by its name alone (a build stopped while
        # drawing leaves no half a picture under it).
        Path(f"{target}.new-{os.getpid()}").write_bytes(draw(*words))
        os.replace(f"{target}.new-{os.getpid()}", target)
        drawn += 1
        if cache is not None:
            _keep(Path(target), cache / path)
    return drawn


def _keep(made: Path, kept: Path) -> None:
    """A copy of ``made`` at ``kept`` (a cache): linked, else copied under a temporary name and
    renamed, so that a build running beside this one never reads half a file."""
    try:
        kept.parent.mkdir(parents=True, exist_ok=True)
        os.link(made, kept)
    except FileExistsError:
        return
    except OSError:
        try:  # another file system: a copy under a temporary name, then one rename
            temporary = kept.with_name(f".{kept.name}.{os.getpid()}")
            shutil.copyfile(made, temporary)
            os.replace(temporary, kept)
        except OSError:
            pass  # a cache that cannot be written is only a slower next build
