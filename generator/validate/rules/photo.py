"""Photos of masters and studios: a file under records/photos/ that the site can publish.

The schema allows only a plain file name (no folder, no "..") so a photo can never
be looked for outside records/photos/; here the file must exist there as a regular
file (never a link), hold a JPG, PNG or WebP image, and stay within the sizes a
web page can use. Limits are the site's, not a programme's: they are named here.
"""

from __future__ import annotations

import contextlib
import io
import os
import stat
import threading
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from generator.diagnostics import Severity
from generator.load.discover import shown_path
from generator.load.yamlfile import read_regular
from generator.model.entities import Source
from generator.validate.rules import Context, Finding, rule

PHOTO_FOLDER = "photos"
MAX_PHOTO_BYTES = 5 * 1024 * 1024  # a phone's photo; larger files are rejected, not shrunk silently
MAX_PHOTO_PIXELS = 40_000_000  # 40 megapixels: beyond that, decoding costs more memory than a build should
MIN_PHOTO_SIDE = 200  # px: smaller photos look blurred on a profile page
FORMATS = {"JPEG": "JPG", "PNG": "PNG", "WEBP": "WebP"}
PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp")


def photo_path(record_file: str, name: str) -> Path:
    """records/<folder>/<id>.yml -> records/photos/<name>."""
    return Path(record_file).parent.parent / PHOTO_FOLDER / name


def photo_problem(path: Path) -> str | None:
    """What is wrong with the photo at ``path``, in Chinese, or None."""
    shown = f"records/{PHOTO_FOLDER}/{path.name}"
    try:
        if stat.S_ISLNK(os.lstat(path.parent).st_mode):
            return f"records/{PHOTO_FOLDER}/ 是一个链接：照片目录必须是登记册里真正的目录"
        info = os.lstat(path)
    except OSError:
        return f"找不到照片 {shown}：请把照片文件放进 records/{PHOTO_FOLDER}/，文件名与这里填写的完全一致（区分大小写）"
    if stat.S_ISLNK(info.st_mode) or not stat.S_ISREG(info.st_mode):
        return f"照片 {shown} 不是普通文件（是链接或特殊文件）：请放入照片文件本身"
    if info.st_size > MAX_PHOTO_BYTES:
        return f"照片 {shown} 有 {info.st_size / 1024 / 1024:.1f} MB，超过 {MAX_PHOTO_BYTES // 1024 // 1024} MB：请先缩小（长边 2000 像素足够）"
    data = read_regular(str(path), MAX_PHOTO_BYTES)
    if isinstance(data, str):
        return f"照片 {shown} 无法读取：{data}"
    return image_problem(data, shown)


_DECODING = threading.Lock()


@contextlib.contextmanager
def strict_decoding() -> Iterator[None]:
    """Pillow's switch for truncated images is process-wide, and importing WeasyPrint turns it on
    (weasyprint/images.py): in ``build``, ``serve`` and ``forms`` a photo cut short would pass. It
    is turned off for the gate's own decoding, and put back as it was."""
    from PIL import ImageFile

    with _DECODING:
        before = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = before


def decoding_errors() -> tuple[type[BaseException], ...]:
    """What Pillow raises for a file that is no complete, sane image."""
    from PIL import Image, UnidentifiedImageError

    return (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombWarning, Image.DecompressionBombError)


@contextlib.contextmanager
def opened(data: bytes) -> Iterator[Any]:
    """An image's bytes opened as the gate reads them: a decompression bomb is an error, and a
    truncated file fails (strict_decoding) wherever it is decoded — the gate and the site alike."""
    from PIL import Image

    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        with strict_decoding(), Image.open(io.BytesIO(data)) as image:
            yield image


def image_problem(data: bytes, shown: str) -> str | None:
    """What is wrong with an image's bytes, or None: the whole image is decoded (under the pixel
    cap), because ``verify()`` reads no JPEG data and a photo cut short by an upload would pass
    it and then stop the build when the site resizes it."""
    if len(data) > MAX_PHOTO_BYTES:
        return f"照片 {shown} 有 {len(data) / 1024 / 1024:.1f} MB，超过 {MAX_PHOTO_BYTES // 1024 // 1024} MB：请先缩小（长边 2000 像素足够）"
    try:
        with opened(data) as image:
            kind, (width, height) = image.format, image.size
            if width * height > MAX_PHOTO_PIXELS:
                return f"照片 {shown} 有 {width}×{height} 像素，超过 {MAX_PHOTO_PIXELS // 1_000_000} 百万像素：请先缩小"
            if kind not in FORMATS:
                return f"照片 {shown} 是 {kind} 格式：请另存为 JPG、PNG 或 WebP"
            image.load()  # decodes every pixel: a truncated file fails here, not in the build
    except decoding_errors():
        return f"照片 {shown} 不是完整可读的 JPG、PNG 或 WebP 图片（文件可能损坏、没有传完，或扩展名与内容不符）：请重新导出或上传"
    if min(width, height) < MIN_PHOTO_SIDE:
        return f"照片 {shown} 只有 {width}×{height} 像素，太小：短边至少 {MIN_PHOTO_SIDE} 像素"
    return None


@rule("photo.file")
def photo_is_a_usable_image(ctx: Context) -> Iterator[Finding]:
    for record in ctx.records:
        if record.kind not in ("master", "studio") or record.data is None or not record.data.get("photo"):
            continue
        problem = photo_problem(photo_path(record.src.file_path, str(record.data["photo"])))
        if problem:
            yield Finding(record.src, problem, ("photo",))


@rule("photo.unused")
def every_photo_is_used(ctx: Context) -> Iterator[Finding]:
    """A photo no record names is never published: most likely a typo in a record's 照片, or a
    file left behind after a change; a warning on the file, so that the reviewer sees it."""
    if ctx.records_dir is None:
        return
    folder = ctx.records_dir / PHOTO_FOLDER
    if folder.is_symlink() or not folder.is_dir():
        return
    used = {str(r.data["photo"]) for r in ctx.records if r.kind in ("master", "studio") and r.data and r.data.get("photo")}
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or path.is_symlink() or not path.is_file() or path.name in used:
            continue
        shown = shown_path(path)
        yield Finding(Source(shown, str(path), None), f"没有任何记录使用这张照片（records/{PHOTO_FOLDER}/{path.name}），它不会发布："
                      "请在名匠或工作室记录的“照片”中填写这个文件名，或删除这个文件", severity=Severity.WARNING, whole_file=True)
