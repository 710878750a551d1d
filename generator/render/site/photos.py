"""Publish the photos of masters and studios at web sizes, without their metadata.

Each photo is read as a regular file under records/photos/ (never through a
link), turned upright from its EXIF orientation, resized to two widths (the
profile's and the cards'), and saved as a new JPEG: the EXIF block, GPS
position, camera details and comments of the original are not copied. The
same photo gives the same bytes, so builds stay byte-identical.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from generator.load.yamlfile import read_regular
from generator.model.entities import Registry
from generator.validate.rules.photo import MAX_PHOTO_BYTES, decoding_errors, opened, photo_path

WIDTHS = {"photo": 480, "thumb": 160}  # profile and card
QUALITY = 82


@dataclass(frozen=True, slots=True)
class Published:
    src: str  # relative to the site root
    width: int
    height: int
    thumb: str
    thumb_width: int
    thumb_height: int


def _resized(image: object, width: int, out: Path) -> tuple[int, int]:
    from PIL import Image

    assert isinstance(image, Image.Image)
    copy = image.copy()
    copy.info = {}  # the JPEG comment, ICC profile, XMP and the like would otherwise be written again
    copy.thumbnail((width, width * 2), Image.Resampling.LANCZOS)
    out.parent.mkdir(parents=True, exist_ok=True)
    copy.save(out, "JPEG", quality=QUALITY, optimize=True)  # no exif=, no icc_profile=: nothing but pixels
    return copy.size


def _decoded(data: bytes) -> object | None:
    from PIL import ImageOps

    try:
        with opened(data) as original:  # as the gate decodes it
            return ImageOps.exif_transpose(original).convert("RGB")
    except decoding_errors():
        return None


def _with_photos(registry: Registry) -> list[tuple[str, str, str, str]]:
    """Masters and studios that name a photo: (folder, id, photo's name, record file), in order."""
    records = [("masters", m.id, m.photo, m.src.file_path) for m in registry.masters.values()]
    records += [("studios", s.id, s.photo, s.src.file_path) for s in registry.studios.values()]
    return sorted((kind, rid, name, path) for kind, rid, name, path in records if name)


def publish(registry: Registry, docs: Path) -> dict[str, Published]:
    """Write docs/photos/<kind>/<id>-<width>.jpg; return them by "<kind>/<id>".

    A photo that cannot be read is left out: the gate reports it as photo.file before a build, and a
    photo swapped for a broken one after the gate ran (``serve`` while a phone upload is still being
    copied) must not stop the build."""

    published: dict[str, Published] = {}
    for kind, record_id, name, file_path in _with_photos(registry):
        data = read_regular(str(photo_path(file_path, name)), MAX_PHOTO_BYTES)
        if isinstance(data, str):
            continue
        image = _decoded(data)
        if image is None:
            continue
        stem = f"photos/{kind}/{record_id}"
        full = _resized(image, WIDTHS["photo"], docs / f"{stem}-{WIDTHS['photo']}.jpg")
        small = _resized(image, WIDTHS["thumb"], docs / f"{stem}-{WIDTHS['thumb']}.jpg")
        published[f"{kind}/{record_id}"] = Published(f"{stem}-{WIDTHS['photo']}.jpg", *full, f"{stem}-{WIDTHS['thumb']}.jpg", *small)
    return published


def published(registry: Registry, docs: Path) -> dict[str, Published]:
    """The photos as ``publish`` last wrote them into ``docs``, by "<kind>/<id>", without decoding a
    photo again (only the sizes in the files' headers are read): ``serve`` shows a saved page with these."""
    from PIL import Image, UnidentifiedImageError

    found: dict[str, Published] = {}
    for kind, record_id, _, _ in _with_photos(registry):
        stem = f"photos/{kind}/{record_id}"
        try:
            with Image.open(docs / f"{stem}-{WIDTHS['photo']}.jpg") as full, Image.open(docs / f"{stem}-{WIDTHS['thumb']}.jpg") as small:
                found[f"{kind}/{record_id}"] = Published(f"{stem}-{WIDTHS['photo']}.jpg", *full.size,
                                                          f"{stem}-{WIDTHS['thumb']}.jpg", *small.size)
        except (OSError, UnidentifiedImageError):
            continue  # not published last time: the whole build publishes it
    return found
