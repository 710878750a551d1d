"""The site put together: the docs folder split between MkDocs and the profiles' own renderer, and the sitemap.

MkDocs builds one page after another (about 5 ms each with Material); a district's registry
has over ten thousand profiles. Profiles are out of the navigation and link to each other only
through plain HTML, so MkDocs builds a copy of the docs folder without them (hard links), and
the profiles' pages (chrome.py) and sitemap entries are added to its site.

This works on MkDocs' output only (no plugin or hook), so the same docs folder still builds
with plain MkDocs or Zensical.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import os
import re
import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path

from generator.files import link_or_copy
from generator.render.site.docs import PROFILE_FOLDERS
from generator.render.site.pagedeps import Made


def profile_pages(docs: Path) -> list[str]:
    # os.scandir: pathlib's glob took 0.2 s over L's 100,000 profiles.
    pages = []
    for folder in PROFILE_FOLDERS:
        with os.scandir(docs / folder) as listing:
            pages += sorted(f"{folder}/{e.name}" for e in listing if e.name.endswith(".md") and e.name != "index.md" and e.is_file())
    return pages


def page_url(page: str) -> str:
    return page[: -len(".md")] + "/"


def static_folders(docs: Path) -> list[str]:
    """Top folders MkDocs would only copy (no page in them; ``assets`` is merged with the theme's):
    they are linked into the site instead. Copying the M registry's 10,000 sharing cards made new
    files, at 0.4 ms each on this machine; a link is 50 times cheaper."""
    return sorted(p.name for p in docs.iterdir() if p.is_dir() and p.name != "assets" and not p.name.startswith(".")
                  and not _holds_page(p))


def _holds_page(folder: Path) -> bool:
    # os.walk: the names as listed (pathlib's rglob took 0.2 s over L's 100,000 sharing cards).
    return any(name.endswith(".md") for _, _, names in os.walk(folder) for name in names)


def prepare_part(docs: Path, part: Path, left_out: set[str], beside: list[str]) -> None:
    """The docs folder MkDocs builds: hard links (cheap) to every file but the ``left_out`` pages
    and the ``beside`` folders (not even walked: at M they hold 30,000 files)."""
    for folder, subfolders, names in os.walk(docs):
        rel_folder = Path(folder).relative_to(docs).as_posix()
        if rel_folder == ".":
            subfolders[:] = [d for d in subfolders if d not in beside]
            rel_folder = ""
        wanted = [n for n in sorted(names) if (rel_folder + "/" + n).lstrip("/") not in left_out]
        if wanted:
            (part / rel_folder).mkdir(parents=True, exist_ok=True)
        for name in wanted:
            os.link(Path(folder) / name, part / rel_folder / name)


def _file_digest(path: str | Path) -> str:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, lambda: hashlib.blake2b(digest_size=16)).hexdigest()


def _files_below(root: Path) -> list[str]:
    """Every file below ``root``, by its path there ("masters/index.html"), in a stable order."""
    found = []
    for folder, subfolders, names in os.walk(root):
        subfolders.sort()
        rel = os.path.relpath(folder, root).replace(os.sep, "/")
        found += [name if rel == "." else f"{rel}/{name}" for name in sorted(names)]
    return found


def part_key(part: Path, *parts: str) -> str:
    """What MkDocs' pages are made of: every file of the docs folder it builds (path and bytes), and
    ``parts`` (the build's key: code, templates, theme, configuration; the pages' date; strictness)."""
    digest = hashlib.blake2b("\0".join(parts).encode("utf-8"), digest_size=16)
    for rel in _files_below(part):
        digest.update(f"\0{rel}\0{_file_digest(part / rel)}".encode())
    return digest.hexdigest()


SITEMAPS = ("sitemap.xml", "sitemap.xml.gz")  # the build adds the profiles to them: kept as MkDocs wrote them


def made_by_mkdocs(site: Path, key: str) -> Made:
    """What MkDocs has just made in ``site`` (nothing else there yet): each file's digest, and the sitemaps."""
    files = {rel: _file_digest(site / rel) for rel in _files_below(site) if rel not in SITEMAPS}
    sitemap = (site / SITEMAPS[0]).read_text(encoding="utf-8") if (site / SITEMAPS[0]).is_file() else ""
    packed = base64.b64encode((site / SITEMAPS[1]).read_bytes()).decode("ascii") if (site / SITEMAPS[1]).is_file() else ""
    return Made(key, files, sitemap, packed)


def take_made(made: Made, last_site: Path, site: Path) -> bool:
    """MkDocs' pages as ``made`` records them, linked from ``last_site`` into ``site`` (which does not exist
    yet), and its sitemaps written again. False, with no ``site`` left, when a file there is not what the
    record says (edited, lost): MkDocs then builds them."""
    try:
        if any(_file_digest(last_site / rel) != digest for rel, digest in made.files.items()):
            return False
        for rel in sorted(made.files):
            (site / rel).parent.mkdir(parents=True, exist_ok=True)
            if not link_or_copy(last_site / rel, site / rel):
                raise OSError(rel)
        if made.sitemap:
            (site / SITEMAPS[0]).write_text(made.sitemap, encoding="utf-8")
        if made.packed:
            (site / SITEMAPS[1]).write_bytes(base64.b64decode(made.packed))
    except (OSError, ValueError):
        shutil.rmtree(site, ignore_errors=True)
        return False
    return True


def link_tree(source: Path, target: Path) -> None:
    """``source``'s files as MkDocs would copy them (dot files left out), as hard links."""
    target.mkdir(parents=True, exist_ok=True)
    for path in sorted(source.iterdir()):
        if path.name.startswith("."):
            continue
        if path.is_dir():
            link_tree(path, target / path.name)
        elif not link_or_copy(path, target / path.name):
            raise OSError(f"无法把 {path} 放进网站")


def _files(root: Path) -> dict[str, tuple[int, int]]:
    """Each file below ``root`` that link_tree would carry (no dot names), by path: its device and inode.
    The inode comes from the folder's listing (no ``stat`` a file: at M a sharing-card folder holds 10,000);
    the device is its folder's. A symbolic link is followed, as ``stat`` would (none is written by a build)."""
    found: dict[str, tuple[int, int]] = {}

    def walk(folder: str, prefix: str) -> None:
        device = os.stat(folder).st_dev
        with os.scandir(folder) as listing:
            for entry in listing:
                if entry.name.startswith("."):
                    continue
                if entry.is_symlink():
                    if not entry.is_dir():
                        info = os.stat(entry.path)
                        found[prefix + entry.name] = (info.st_dev, info.st_ino)
                elif entry.is_dir():
                    walk(entry.path, f"{prefix}{entry.name}/")
                else:
                    found[prefix + entry.name] = (device, entry.inode())

    walk(str(root), "")
    return found


def take_tree(source: Path, target: Path, last: Path | None) -> None:
    """``target`` as ``link_tree(source, target)`` makes it, starting from ``last`` (the last site's
    copy, moved over: call this once everything else has been built): only the files that differ
    are linked or removed. After a one-record change at M, 10,000 sharing cards cost one rename
    instead of 10,000 links (0.9 s); at L, ten times that."""
    if last is None or not last.is_dir() or target.exists():  # MkDocs wrote a page there (data.md -> data/): merged
        link_tree(source, target)
        return
    last.rename(target)
    wanted, held = _files(source), _files(target)
    # Only the few that differ are sorted (sorting all of them took 0.3 s over L's 100,000 sharing cards).
    removed = sorted(rel for rel, inode in held.items() if wanted.get(rel) != inode)
    for rel in removed:
        (target / rel).unlink()
    # Deepest first, a folder emptied above is gone before its parent is looked at. os.walk: no stat a
    # file (pathlib's rglob and is_dir took 0.3 s over the 10,000 sharing cards at M).
    for folder, _subfolders, _names in os.walk(target, topdown=False):
        rel = os.path.relpath(folder, target)
        if rel != "." and not (source / rel).is_dir() and not os.listdir(folder):
            os.rmdir(folder)
    for rel in sorted(rel for rel, inode in wanted.items() if held.get(rel) != inode):
        (target / rel).parent.mkdir(parents=True, exist_ok=True)
        if not link_or_copy(source / rel, target / rel):
            raise OSError(f"无法把 {source / rel} 放进网站")


_URL_BLOCK = re.compile(r"\s*<url>.*?</url>", re.S)
_LOC = re.compile(r"<loc>(.*?)</loc>", re.S)


def _loc(block: str) -> str:
    found = _LOC.search(block)
    return found.group(1) if found else block


_LASTMOD = re.compile(r"<lastmod>.*?</lastmod>")


def _page_of(loc: str) -> str:
    """…/masters/<id>/ -> masters/<id>/ (profiles live two levels deep)."""
    parts = loc.rstrip("/").split("/")
    return "/".join(parts[-2:]) + "/" if len(parts) >= 2 else loc


def sort_sitemap(site: Path, dated: Mapping[str, str] | None = None, added: Sequence[str] = ()) -> None:
    """The sitemap's pages in address order, whether one build or several made it (and its
    .gz copy again, keeping MkDocs' time stamp so that builds stay byte-identical). ``added``: the
    addresses (below the home page's) of pages MkDocs did not build (the profiles, see chrome.py),
    given entries as MkDocs writes its own: the home page's, with the page's address. With
    ``dated`` (profile page "masters/<id>/" -> ISO date), a profile's lastmod is its record's
    last change, the date the page itself shows; other pages keep the registry's."""
    sitemap = site / "sitemap.xml"
    text = sitemap.read_text(encoding="utf-8") if sitemap.exists() else ""
    # Each block's address found once (at L, 100,000: each regular expression pass over them took a tenth of a second).
    located = [(_loc(b), b) for b in _URL_BLOCK.findall(text)]
    if not located:
        return
    home = min(located, key=lambda item: len(item[0]))
    if dated:
        located = [_dated(loc, b, dated) for loc, b in located]
    located += _added(home, added, dated or {})
    first = _URL_BLOCK.search(text)
    assert first is not None
    head, tail = text[: first.start()], text[text.rindex("</url>") + len("</url>"):]
    text = head + "".join(b for _, b in sorted(located, key=lambda item: item[0])) + tail
    sitemap.write_text(text, encoding="utf-8")
    packed = site / "sitemap.xml.gz"
    mtime = int.from_bytes(packed.read_bytes()[4:8], "little") if packed.exists() else 0
    with open(packed, "wb") as handle, gzip.GzipFile(fileobj=handle, filename=str(packed), mode="wb", mtime=mtime) as gz:
        gz.write(text.encode("utf-8"))


def _dated(loc: str, block: str, dated: Mapping[str, str]) -> tuple[str, str]:
    """``(loc, block)`` with the date ``dated`` has for its page, if any."""
    day = dated.get(_page_of(loc))
    return (loc, block if day is None else _LASTMOD.sub(f"<lastmod>{day}</lastmod>", block))


def _added(home: tuple[str, str], urls: Sequence[str], dated: Mapping[str, str]) -> list[tuple[str, str]]:
    """The entries of pages MkDocs did not build, made of the home page's ``(address, block)`` as MkDocs wrote it.
    Put together from its parts around the address and the date: at L, finding them again among 100,000 blocks
    and dating each with a regular expression took half a second."""
    base, block = home
    address = f"<loc>{base}</loc>"
    before, _, after = block.partition(address)
    day = _LASTMOD.search(after)
    if block.count(address) != 1 or day is None or _LASTMOD.search(before) or _LASTMOD.search(after, day.end()):
        # Not the shape MkDocs writes: each entry made as the rule says.
        made = [(base + url, block.replace(address, f"<loc>{base}{url}</loc>")) for url in urls]
        return [_dated(loc, b, dated) for loc, b in made]
    between, rest = after[: day.start()], after[day.end():]
    entries = []
    for url in urls:
        loc = base + url
        when = dated.get(_page_of(loc))
        lastmod = day.group(0) if when is None else f"<lastmod>{when}</lastmod>"
        entries.append((loc, f"{before}<loc>{loc}</loc>{between}{lastmod}{rest}"))
    return entries


def differs(new: Path, old: Path, *, skip: set[str] | frozenset[str] = frozenset(), both_ways: bool = False) -> bool:
    """A file below ``new`` (not under a top folder named in ``skip``) is not in ``old`` with the same
    bytes; ``both_ways``: or ``old`` has a file ``new`` has not. Files that are one (a link) are not read."""
    mine = {rel: inode for rel, inode in _files(new).items() if rel.split("/", 1)[0] not in skip}
    if both_ways and set(_files(old) if old.is_dir() else {}) - set(mine):
        return True
    for rel, inode in mine.items():
        try:
            info = os.stat(old / rel)
        except OSError:
            return True
        if (info.st_dev, info.st_ino) == inode:
            continue
        if (new / rel).stat().st_size != info.st_size or (new / rel).read_bytes() != (old / rel).read_bytes():
            return True
    return False
