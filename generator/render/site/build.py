"""Build the site: docs folder and profile pages, then MkDocs for the rest, built aside and swapped in.

The previous site stays untouched until the new one is complete; a failure
leaves it as it was. The same records give a byte-identical site: page order
is sorted and MkDocs' dates come from ``SOURCE_DATE_EPOCH``, set from the
newest date in the registry unless the caller sets it.
"""

from __future__ import annotations

import contextlib
import glob
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, ExitStack, contextmanager, nullcontext
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import yaml

from generator.files import write_atomically
from generator.forked import ChildLost, Forked
from generator.memory import collector_paused, collector_settled
from generator.model.entities import Registry
from generator.render import readings
from generator.render.cms import CmsError, CmsOptions, decap_package, write_admin
from generator.render.site import carry, keys, pagedeps
from generator.render.site.assemble import (
    differs,
    link_tree,
    made_by_mkdocs,
    page_url,
    part_key,
    prepare_part,
    profile_pages,
    sort_sitemap,
    static_folders,
    take_made,
    take_tree,
)
from generator.render.site.chrome import Chrome
from generator.render.site.data import SiteData, build_site_data
from generator.render.site.docs import (
    CARRIED,
    FORMS_PAGE,
    DataLines,
    Deferred,
    EntriesDone,
    LastBuild,
    ProfileSite,
    check_stopped,
    compiled_in,
    is_profile,
    parallel,
    plan_pages,
    render_in_place,
    take_profile,
    write_docs,
)
from generator.render.site.photos import publish as publish_photos
from generator.render.site.photos import published
from generator.render.site.search import BUNDLE, IndexCancelled, SearchIndexError, index_site
from generator.render.site.searchupdate import NotUpdatable, record_layout, record_order, update_bundle
from generator.resources import TEMPLATE_DIR

ENTRIES = "search-entries"  # beside the docs folder: each page's search entry, as last indexed
PAGE_RECORDS = "jiangpu-pages.json"  # beside the docs folder: what each profile showed (pagedeps.py)
DATA_LINES = "jiangpu-data-lines.json"  # beside it: the open data's lines (opendata.save_lines)


class SiteBuildError(Exception):
    """The site could not be built; the message is for the user (Chinese)."""


DEFAULT_SITE_NAME = "匠谱 · 工作室与名匠"


@dataclass(frozen=True, slots=True)
class SiteOptions:
    mask_apprentice_names: bool = True
    site_url: str = ""  # the published address, ending in "/" ("" when not set)
    cms: CmsOptions = CmsOptions(repo="your-org/jiangpu")
    site_name: str = DEFAULT_SITE_NAME  # mkdocs.yml's site_name: the home page's heading


@dataclass(frozen=True, slots=True)
class SiteBuild:
    pages: int
    site_dir: Path
    docs_dir: Path
    profiles: int = 0  # profile pages in the site
    rendered: int = 0  # of those, rendered by this build (the others showed what they showed last time)
    rendered_pages: tuple[str, ...] = ()  # their docs paths ("masters/li-jun.md"), sorted
    search_pending: bool = False  # the site still has the last search bundle: index_pending() replaces it
    others_changed: bool = True  # a file besides the profiles and the search bundle differs from the last site's
    artefacts_pending: bool = False  # forms or sharing cards left out (defer_artefacts): a whole build makes them
    search_updated: int | None = None  # the last search bundle updated for this many changed entries (searchupdate.py)
    mkdocs_ran: bool = True  # MkDocs built its pages (else they were taken from the last site: same input)


class _ConfigLoader(yaml.SafeLoader):
    """mkdocs.yml as MkDocs reads it: ``!ENV [NAME, default]`` takes the environment's value."""


def _env_tag(environ: Mapping[str, str]) -> Any:
    def construct(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
        items = loader.construct_sequence(node) if isinstance(node, yaml.SequenceNode) else [loader.construct_scalar(node)]  # type: ignore[arg-type]
        names, default = (items[:-1], items[-1]) if len(items) > 1 else (items, None)
        return next((environ[str(n)] for n in names if environ.get(str(n))), default)
    return construct


def _read_config(config_file: Path, environ: Mapping[str, str] | None = None) -> Any:
    """mkdocs.yml's values, the environment's put in as MkDocs puts them."""
    # A fresh subclass a call: add_constructor changes the class it is called on.
    loader: type[_ConfigLoader] = type("Loader", (_ConfigLoader,), {})
    loader.add_constructor("!ENV", _env_tag(os.environ if environ is None else environ))
    try:
        return yaml.load(config_file.read_text(encoding="utf-8"), Loader=loader) or {}  # noqa: S506 (a SafeLoader)
    except (OSError, yaml.YAMLError) as exc:
        raise SiteBuildError(f"无法读取 {config_file}：{exc}") from exc


def read_options(config_file: Path, environ: Mapping[str, str] | None = None) -> SiteOptions:
    """The project's own settings (``extra.jiangpu``) and the site's address, from mkdocs.yml."""
    config = _read_config(config_file, environ)
    settings = ((config.get("extra") or {}).get("jiangpu") or {})
    site_url = str(config.get("site_url") or "").strip()
    if site_url and not site_url.endswith("/"):
        site_url += "/"
    cms = settings.get("cms") or {}
    return SiteOptions(mask_apprentice_names=bool(settings.get("mask_apprentice_names", True)), site_url=site_url,
                       site_name=str(config.get("site_name") or DEFAULT_SITE_NAME),
                       cms=CmsOptions(repo=str(cms.get("repo") or "your-org/jiangpu"), branch=str(cms.get("branch") or "main"),
                                      base_url=str(cms.get("auth_url") or "") or None, site_url=site_url or None))


# A registry that installs the tool (``init``) has no site_templates/: its mkdocs.yml names this
# folder as the theme's custom_dir, and build and serve copy the overrides there from the package.
THEME_COPY = "build/jiangpu-theme"


def install_theme(config_file: Path) -> None:
    text = config_file.read_text(encoding="utf-8") if config_file.is_file() else ""
    if re.search(rf"^\s*custom_dir:\s*['\"]?{re.escape(THEME_COPY)}['\"]?\s*$", text, re.M):
        shutil.copytree(TEMPLATE_DIR / "overrides", config_file.parent / THEME_COPY, dirs_exist_ok=True)


def newest_date(registry: Registry) -> date:
    """The newest date the records mention: the site's "last changed" stamp."""
    days: list[date] = [date(2000, 1, 1)]
    days += [p.issued or date(p.start_year, 1, 1) for p in registry.programmes.values()]
    days += [d for s in registry.studios.values() for d in (s.established, s.named) if d]
    for pair in registry.pairs.values():
        days += [d for d in (pair.signed, pair.start) if d]
        days += list(pair.approvals.dated().values())
    return max(days)


@contextmanager
def _source_date(epoch: int) -> Iterator[None]:
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = previous or str(epoch)
    try:
        yield
    finally:
        if previous is None:
            del os.environ["SOURCE_DATE_EPOCH"]


def _mkdocs_build(config_file: Path, docs_dir: Path, site_dir: Path, strict: bool) -> None:
    from mkdocs import config as mkdocs_config
    from mkdocs.commands.build import build
    from mkdocs.exceptions import MkDocsException

    try:
        cfg = mkdocs_config.load_config(config_file=str(config_file), docs_dir=str(docs_dir), site_dir=str(site_dir), strict=strict)
        cfg.plugins.on_startup(command="build", dirty=False)
        try:
            build(cfg)
        finally:
            cfg.plugins.on_shutdown()
    except MkDocsException as exc:
        raise SiteBuildError(f"MkDocs 构建失败：{exc}") from exc


def _swap(new: Path, target: Path, watch: tuple[Path, ...] = ()) -> None:
    """Put ``new`` in the place of ``target`` with two renames; the old copy is removed after, in the
    background, pausing while a build writes in ``target``'s folder or one of ``watch``."""
    old = target.with_name(f".{target.name}.old-{os.getpid()}")
    if target.exists():
        target.rename(old)
    try:
        new.rename(target)
    except OSError:
        if old.exists():
            old.rename(target)  # the previous site stays in place
        raise
    _discard(old, target.name, (target.parent, *watch))


def _discard(old: Path, name: str, watch: tuple[Path, ...]) -> None:
    """Delete the replaced tree in the background (remover.py): at M it is 42,000 files, which the user
    need not wait for, and which the next build should not have to share the disk with. A shell starts
    the remover detached (no child left to reap) and says its process id; the tree is then renamed after
    that process, here and now, so that a build starting meanwhile, even in this process, sees a live owner
    and leaves it alone, and only then is the remover told its name. Should the remover die, the next build
    removes the folder (``remove_stale``)."""
    if not old.exists():
        return
    script = 'exec 3<&0; "$@" <&3 >/dev/null 2>&1 & echo $!'  # the remover reads the tree's name from this pipe
    remover = [sys.executable, "-I", str(Path(__file__).with_name("remover.py")), *sorted({str(f.absolute()) for f in watch})]
    try:
        shell = subprocess.Popen(["sh", "-c", script, "sh", *remover], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    except OSError:
        shutil.rmtree(old, ignore_errors=True)
        return
    assert shell.stdin is not None and shell.stdout is not None
    owned = ""
    try:
        pid = int(shell.stdout.readline())
        shell.wait(timeout=30)
        os.rename(old, old.with_name(f".{name}.old-{pid}"))
        owned = str(old.with_name(f".{name}.old-{pid}"))
    except (OSError, ValueError, subprocess.SubprocessError):
        shutil.rmtree(old, ignore_errors=True)
    finally:
        with contextlib.suppress(OSError):
            shell.stdin.write(owned.encode("utf-8"))
            shell.stdin.close()
        shell.stdout.close()


def _aside(target: Path) -> Path:
    """A fresh folder beside ``target``, named with this process's id so that a later
    build can tell a killed build's leftovers from a build still running."""
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale(target)
    return Path(tempfile.mkdtemp(prefix=f".{target.name}.new-{os.getpid()}-", dir=target.parent))


def remove_stale(target: Path) -> list[Path]:
    """Remove ``.<name>.new-*`` and ``.<name>.old-*`` folders whose build process is gone."""
    pattern = re.compile(rf"\.{re.escape(target.name)}\.(?:new|old)-(?:(\d+)(?:-.*)?|[^-]*)")
    removed = []
    for entry in sorted(target.parent.glob(f".{glob.escape(target.name)}.*")):
        match = pattern.fullmatch(entry.name)
        if not match or entry.is_symlink() or not entry.is_dir():
            continue
        if match.group(1) is None or not _alive(int(match.group(1))):
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry)
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive, and not ours to touch
        return True
    return True


FORM_LABELS = {"pdf": "PDF", "docx": "Word", "html": "网页"}  # the blank forms' files, in the download page's order


FORMS_KEY = ".jiangpu-forms-key"  # a dot file: MkDocs leaves it out of the site


FORMS_PACKAGES = ("weasyprint", "pydyf", "python-docx", "fonttools", "segno")


def _forms_key(forms: list[Any], environ: Mapping[str, str]) -> str:
    """What the blank forms' files depend on: the forms as defined, the code, templates and
    libraries that print them, the font found. The same key means the same bytes."""
    from generator.render.forms import build as forms_build
    from generator.render.forms.fonts import find_font

    try:
        font = repr(find_font(environ))
    except Exception:  # noqa: BLE001 - no font: the writer says so below
        font = "no font"
    parts = [repr(form) for form in forms] + [
        keys.tree_digest(Path(forms_build.__file__).parent, (".py",)),
        keys.tree_digest(TEMPLATE_DIR / "forms", (".css", ".j2")), keys.versions(FORMS_PACKAGES), font]
    return hashlib.blake2b("\n".join(parts).encode(), digest_size=16).hexdigest()


# The blank forms' listing for the download page, and the function that puts their files in place (calling its
# argument, when given, after each file printed).
BlankForms = tuple[list[dict[str, Any]], Callable[[Callable[[], object] | None], None]]


def blank_forms_plan(registry: Registry, docs_dir: Path, environ: Mapping[str, str], as_of: date | None = None,
                     previous: Path | None = None, cache: Path | None = None, defer: Deferred | None = None) -> BlankForms:
    """The blank forms for the download page, into docs/forms/ (public data only: 附件4's counts): listed at
    once (the page is rendered, and its search entry written, before they are printed), written by the
    function returned. When ``previous`` (the last build's docs folder) or the ``cache`` (kept by their key)
    holds the same forms, they are taken from there; forms printed here are kept in the cache. With ``defer``
    asked, forms not printed before are listed but not printed (``defer.left`` says so)."""
    from generator.render.forms.definitions import blank_forms

    forms = blank_forms(registry, as_of)
    out = docs_dir / "forms"
    listing = [{"title": f.attachment + "　" + f.title + f.subtitle if f.attachment else f.title + f.subtitle,
                "purpose": f.purpose, "group": f.group,
                "files": [(FORM_LABELS[ext], f"forms/{f.id}.{ext}") for ext in FORM_LABELS]} for f in forms]

    def write(between: Callable[[], object] | None = None) -> None:
        from generator.render.forms.build import write_forms
        from generator.render.forms.fonts import FontNotFound

        key = _forms_key(forms, environ)
        kept = cache / "forms" / key if cache is not None else None
        old = next((folder for folder in (previous / "forms" if previous is not None else None, kept)
                    if folder is not None and (folder / FORMS_KEY).is_file() and (folder / FORMS_KEY).read_text(encoding="utf-8") == key), None)
        if old is not None:
            out.mkdir(parents=True, exist_ok=True)
            for name in [*(f"{f.id}.{ext}" for f in forms for ext in FORM_LABELS), FORMS_KEY]:
                shutil.copy2(old / name, out / name)
        elif defer is not None and defer.asked:
            defer.left.append("forms")
        else:
            try:
                write_forms(forms, out, environ, tuple(FORM_LABELS), between=between)
            except FontNotFound as exc:
                raise SiteBuildError(str(exc)) from exc
            (out / FORMS_KEY).write_text(key, encoding="utf-8")
            if kept is not None:
                _keep_folder(out, kept)

    return listing, write


def _keep_folder(source: Path, kept: Path) -> None:
    """A copy of ``source`` in the cache, put in place by one rename (a reader sees all of it or none)."""
    try:
        kept.parent.mkdir(parents=True, exist_ok=True)
        temporary = Path(tempfile.mkdtemp(prefix=f".{kept.name}.", dir=kept.parent))
    except OSError:
        return  # a cache that cannot be written is only a slower next build
    try:
        shutil.copytree(source, temporary, dirs_exist_ok=True)
        temporary.rename(kept)
    except OSError:
        shutil.rmtree(temporary, ignore_errors=True)  # written meanwhile by a build beside this one


def artefact_cache(environ: Mapping[str, str]) -> Path:
    """Where forms and sharing cards drawn before are kept (by what they show, for every registry)."""
    return Path(environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "jiangpu" / "artefacts"


def _site_data(registry: Registry, options: SiteOptions, history: Mapping[str, date] | None) -> SiteData:
    """What the pages read, as every build (and ``show_changed``) makes it."""
    return build_site_data(registry, mask_apprentices=options.mask_apprentice_names, history=history, site_name=options.site_name,
                           site_url=options.site_url, as_of=newest_date(registry))


def render_docs(registry: Registry, docs_dir: Path, options: SiteOptions, environ: Mapping[str, str] | None = None,
                history: Mapping[str, date] | None = None, entries: Path | None = None,
                profiles: Callable[[list[str]], ProfileSite] | None = None, cache: Path | None = None,
                last: LastBuild | None = None, stop: Callable[[], bool] | None = None, defer: Deferred | None = None,
                entries_done: EntriesDone | None = None, settle: Callable[[], object] | None = None,
                lines: DataLines | None = None) -> int:
    """The docs folder; with ``environ`` (to find the Chinese font) the blank forms too;
    with ``entries``, the pages' search entries there, for the indexer; with ``profiles``, the
    profiles' finished pages (see ``docs.write_docs``); ``cache``: the user's folder of forms and
    sharing cards drawn before, by what they show; ``last``: the last build's folders, whose forms,
    cards and unchanged files are taken again; ``entries_done``: called once the search entries are written;
    ``settle``: called once the site's tables are built (``collector_settled``); ``lines``: where the open
    data's lines are kept between builds (``write_docs``)."""
    def admin() -> dict[str, dict[str, list[str]]]:  # the editor, made of the registry alone; the readings it made
        try:
            write_admin(docs_dir / "admin", options.cms, decap_package(os.environ if environ is None else environ), registry,
                        previous=last.docs / "admin" if last is not None and last.docs is not None else None)
        except CmsError as exc:
            raise SiteBuildError(str(exc)) from exc
        return readings.made()

    # With workers, the editor is written in a child forked now, on the core that idles while this process builds
    # the site's tables (0.1 s at M, 2 s at L), rather than beside the pages, when every core is busy.
    early = parallel(len(registry.masters) + len(registry.studios) + len(registry.units) + len(registry.programmes))
    try:
        with Forked(admin) if early else nullcontext() as editor:
            site = _site_data(registry, options, history)
            if settle is not None:
                settle()
            check_stopped(stop)
            site.add_photos(publish_photos(registry, docs_dir))
            check_stopped(stop)
            as_of = date.fromisoformat(site.as_of) if site.as_of else None
            known, previous = environ, last.docs if last is not None else None
            forms = None if known is None else lambda: blank_forms_plan(registry, docs_dir, known, as_of, previous, cache, defer)
            count = write_docs(site, docs_dir, forms=forms, entries=entries, profiles=profiles, cache=cache, last=last, stop=stop,
                               defer=defer, entries_done=entries_done, beside=None if editor else admin,
                               lines=lines)
            if editor is not None:
                readings.add(editor.result())  # made in the child: kept by this process (``readings.save``)
            return count
    except ChildLost as exc:
        raise SiteBuildError(f"生成开放数据、在线编辑器或列表数据失败：{exc}") from exc


def build_site(
    registry: Registry,
    *,
    config_file: Path,
    site_dir: Path,
    docs_dir: Path,
    strict: bool = False,
    environ: Mapping[str, str] | None = None,
    history: Mapping[str, date] | None = None,
    clean: bool = False,
    cache: Path | None = None,
    options: SiteOptions | None = None,
    defer_index: bool = False,
    stop: Callable[[], bool] | None = None,
    commit: AbstractContextManager[Any] | None = None,
    defer_artefacts: bool = False,
    gate: Callable[[], object] | None = None,
) -> SiteBuild:
    """Build the site: the profiles' pages straight through Material's template (chrome.py) while
    our templates render them, then MkDocs over the other pages beside the search indexer.
    ``options``: instead of mkdocs.yml's (``serve`` adds its local editing backend).
    ``defer_index`` (``serve``: the page before the index): where a search entry changed and there is
    a last bundle, the site gets that bundle for now, and ``index_pending`` makes the new one after.
    ``stop`` (``serve``: a newer save) is asked between the steps and while pages render: when it says
    so, the build ends (``Cancelled``) and the last site stays. ``commit`` is held while the new site is
    put in place (``serve``: no page is patched by ``show_changed`` meanwhile). ``defer_artefacts``
    (``serve``): blank forms and sharing cards never made before are left for a later build
    (``SiteBuild.artefacts_pending``): they take longer than all the pages at M. ``gate`` (``build``: the rules
    across files, which ran beside it) is called before the new site replaces the last one: what it raises ends
    the build there, the last site whole."""
    with collector_settled() as settle:
        options = read_options(config_file, environ) if options is None else options
        # MkDocs reads a relative folder from mkdocs.yml's own folder; ours are the caller's.
        asked = (site_dir, docs_dir)  # as the caller named them, for its messages
        site_dir, docs_dir = site_dir.absolute(), docs_dir.absolute()
        install_theme(config_file)
        docs_work, site_work = _aside(docs_dir), _aside(site_dir)
        entries_dir = docs_dir.parent / ENTRIES  # kept for the next build to link unchanged entries from
        records_file = docs_dir.parent / PAGE_RECORDS
        last = pagedeps.Records({}) if clean else _last_records(records_file)
        # serve's local backend address carries a token new at each start; only /admin/'s settings,
        # written by every build, show it: the profiles rendered at the last start stay good.
        key = _profiles_key(config_file, options)
        # Left by versions that carried profiles over from the last site: every page is rendered now.
        (docs_dir.parent / "jiangpu-manifest.json").unlink(missing_ok=True)
        epoch = _epoch(registry, history)
        readings.load(cache)
        entries = docs_work / "search-entries"
        docs = docs_work / "docs"
        site = site_work / "site"
        profiles_out = site_work / "profiles"
        taken = _Taken(profiles_out, site, None if clean else site_dir, aside=site_work / "taken" if commit is None else None)
        # As the profiles: the last bundle's fragments move into the new one when nobody serves the last site meanwhile.
        # (A deferred index, serve's, compares the entries with the last ones: those stay where they are.)
        carrying = commit is None and not defer_index
        bundle_journal = site_work / "carried-bundle" if carrying else None
        try:

            made: dict[str, ProfileSite] = {}

            def profile_site(pages: list[str]) -> ProfileSite:
                from mkdocs.exceptions import MkDocsException

                try:
                    return made.setdefault("profiles", ProfileSite(Chrome.load(config_file, docs, site, pages, compiled_in(cache)),
                                                                   profiles_out, key, last.pages, last.tables))
                except MkDocsException as exc:
                    raise SiteBuildError(f"MkDocs 构建失败：{exc}") from exc

            with _source_date(epoch), ExitStack() as running:
                started: list[tuple[_Indexer, bool]] = []  # the indexer, and whether it only copies the last bundle (deferred)

                def start_index(written: Callable[[], None] | None) -> bool:
                    # The search index is built from the entries while the cards are drawn and MkDocs builds the
                    # other pages (a separate process). The last bundle, checked against its digest (there, in
                    # ``build``), is the one Pagefind wrote over the last entries. ``written`` (docs.EntriesDone):
                    # the indexer waits for the entries; serve's, which first compares them with the last ones, cannot.
                    if written is not None and defer_index:
                        return False
                    trusted = not clean and bool(last.bundle) and keys.bundle_digest(site_dir / BUNDLE) == last.bundle \
                        if defer_index else None
                    # Deferred (serve), where a search entry changed, the last bundle stands in (recorded as no bundle:
                    # never taken as this build's).
                    deferred = defer_index and not clean and not (trusted and keys.same_files(entries, entries_dir)) \
                        and (site_dir / BUNDLE / "pagefind.js").is_file()
                    checked = "" if clean or trusted is False else last.bundle
                    indexer = _Indexer(link_tree, site_dir / BUNDLE, site_work / "pagefind") if deferred else \
                        _Indexer(_index_checked, entries, site_work / "pagefind", (site_dir / BUNDLE, entries_dir), checked, stop,
                                 docs_work / CARRIED, bundle_journal, written)
                    started.append((running.enter_context(indexer), deferred))
                    return True

                left_out = Deferred(defer_artefacts)
                pages = render_docs(registry, docs, options, environ if environ is not None else os.environ, history, entries,
                                    profiles=profile_site, cache=cache,
                                    last=None if clean else LastBuild(docs_dir, entries_dir, site_dir, carry=carrying),
                                    stop=stop, defer=left_out, entries_done=start_index, settle=settle,
                                    lines=DataLines(None if clean else docs_dir.parent / DATA_LINES, docs_work / DATA_LINES, key))
                check_stopped(stop)
                index, deferred = started[0]
                profiles = profile_pages(docs)
                beside = static_folders(docs)
                part = site_work / "docs-pages"
                prepare_part(docs, part, set(profiles), beside)
                check_stopped(stop)
                # MkDocs' pages (lists, home, search, theme files) are taken from the last site when its input is
                # the same: a one-record change seldom changes them (0.5-0.8 s at M).
                made_key = part_key(part, key, str(epoch), str(strict), repr(_read_config(config_file, environ)))
                mkdocs_ran = clean or last.made is None or last.made.key != made_key or not take_made(last.made, site_dir, site)
                if mkdocs_ran:
                    shutil.rmtree(site, ignore_errors=True)
                    _mkdocs_build(config_file, part, site, strict)
                made_now = made_by_mkdocs(site, made_key) if mkdocs_ran else last.made
                # While the indexer works: the sitemap, whether anything besides the profiles changed, and (when
                # nobody serves the site meanwhile, as in ``build``) the profiles taken into the new site.
                sort_sitemap(site, _profile_dates(history), [page_url(p) for p in profiles])
                others = clean or differs(site, site_dir, skip={BUNDLE}) \
                    or any(differs(docs / folder, site_dir / folder, both_ways=True) for folder in beside)
                if commit is None:
                    taken.take(profiles)
                try:
                    updated, bundle = (index.result(), "") if deferred else index.result()
                except SearchIndexError as exc:
                    raise SiteBuildError(str(exc)) from exc
                except Exception as exc:  # noqa: BLE001 - the child's failure, told as a build failure
                    raise SiteBuildError(f"生成搜索索引失败：{exc}") from exc
            if gate is not None:
                gate()
            (site_work / "pagefind").rename(site / BUNDLE)
            with commit if commit is not None else nullcontext():
                check_stopped(stop)
                records_file.unlink(missing_ok=True)  # no records while the folders are swapped
                _swap(entries, entries_dir, (site_dir.parent,))
                _swap(docs, docs_dir, (site_dir.parent,))
                taken.take(profiles)  # last (unless taken above): the unchanged ones leave the last site, which goes next
                for folder in beside:  # likewise: the last site's folders, with only the files that changed replaced
                    take_tree(docs_dir / folder, site / folder, None if clean else site_dir / folder)
                _swap(site, site_dir, (docs_dir.parent,))
                taken.kept()
                if bundle_journal is not None:
                    carry.Carried(bundle_journal).kept()
                finished = made["profiles"]
                _write_records(records_file, pagedeps.Records(pagedeps.stamped(finished.records, str(site_dir)), bundle, made_now,
                                                              finished.tables))
                if (docs_work / DATA_LINES).is_file():  # written with the open data (docs._write_aside)
                    (docs_work / DATA_LINES).replace(docs_dir.parent / DATA_LINES)
            readings.save(cache)
        except BaseException:
            taken.undo()  # the last site's profiles back where they were: it stays whole
            carry.undo(docs_work / CARRIED)
            if bundle_journal is not None:
                if (site / BUNDLE).is_dir() and not (site_work / "pagefind").exists():
                    (site / BUNDLE).rename(site_work / "pagefind")  # where the journal has the fragments' folder
                carry.undo(bundle_journal)
            raise
        finally:
            shutil.rmtree(docs_work, ignore_errors=True)
            shutil.rmtree(site_work, ignore_errors=True)
        return SiteBuild(pages, *asked, len(profiles), len(finished.rendered), tuple(sorted(finished.rendered)), deferred, others,
                         bool(left_out.left), updated, mkdocs_ran)


class _Taken:
    """The profiles put into the new site (``take_profile``): the unchanged ones leave the last site, so
    until the new site is in place, ``undo`` can put them back. With ``aside`` (a folder of the build's own,
    given when nobody serves the last site meanwhile: ``build``), each profile folder of the last site
    (``masters/``…) is carried over whole (carry.py), and only what changed in it is replaced (at M, three
    renames instead of 10,000)."""

    def __init__(self, made: Path, site: Path, last_site: Path | None, aside: Path | None = None) -> None:
        self.made, self.site, self.last_site, self.aside = made, site, last_site, aside
        self.moved: list[str] | None = None  # urls moved from the last site; None: not taken yet
        self.carried = carry.Carried(aside / "carried") if aside is not None else None

    def take(self, profiles: list[str]) -> None:
        if self.moved is not None:
            return
        self.moved = []
        urls = [page_url(page) for page in profiles]
        by_folder: dict[str, set[str]] = {}
        for url in urls:
            folder, _, name = url.rstrip("/").rpartition("/")
            by_folder.setdefault(folder, set()).add(name)
        carried = set()
        if self.last_site is not None and self.carried is not None:
            for folder in sorted(by_folder):
                if self._carry(self.carried, folder, by_folder[folder]):
                    carried.add(folder)
        for url in urls:
            if url.rstrip("/").rpartition("/")[0] in carried:
                continue
            if self.last_site is not None and not os.path.isdir(os.path.join(self.made, url)):
                self.moved.append(url)
            take_profile(self.made, url, self.site, self.last_site)

    def _carry(self, carried: carry.Carried, folder: str, names: set[str]) -> bool:
        """The last site's ``folder`` moved into the new site whole: the pages MkDocs made there (the list) and
        the profiles rendered now put in, the profiles no longer wanted set aside. False when it cannot be."""
        assert self.last_site is not None and self.aside is not None
        last, target, made = self.last_site / folder, self.site / folder, self.made / folder
        if last.is_symlink() or not last.is_dir():
            return False
        mkdocs = self.aside / f"mkdocs-{folder}"
        if target.exists():
            mkdocs.parent.mkdir(parents=True, exist_ok=True)
            target.rename(mkdocs)  # what MkDocs made there (the list's page): put in below
        carried.carry([(last, target)])
        rendered = set(os.listdir(made)) if made.is_dir() else set()
        listed = set(os.listdir(mkdocs)) if mkdocs.is_dir() else set()
        for name in os.listdir(target):
            if name in rendered or name in listed or name not in names:
                carried.set_aside(target / name)  # replaced below, or a profile no longer wanted
        for source, moved in ((made, rendered), (mkdocs, listed)):
            for name in sorted(moved):
                os.rename(source / name, target / name)
        if not names <= set(os.listdir(target)):
            raise OSError(f"上次生成的网站缺少 {folder}/ 中的页面")
        return True

    def kept(self) -> None:
        """The new site is in place: nothing to put back."""
        self.moved = []
        if self.carried is not None:
            self.carried.kept()

    def undo(self) -> None:
        for url in reversed(self.moved or []):
            assert self.last_site is not None
            try:
                os.rename(os.path.join(self.site, url), os.path.join(self.last_site, url))
            except OSError:
                continue  # not moved (the failure came half-way): still where it was
        self.moved = []
        if self.carried is not None:
            carry.undo(self.carried.journal)
            self.carried.kept()


class _Indexer(Forked):
    """The search index's work in a child process, so that its own Python work runs on the other core while
    MkDocs builds in this one (forked.py)."""

    def __init__(self, work: Callable[..., Any], *args: Any) -> None:
        super().__init__(work, *args, lost=_index_lost)


def _index_lost(message: str) -> SearchIndexError:
    return SearchIndexError(f"生成搜索索引失败：{message.replace('子进程', '索引进程')}")


def _index_checked(entries: Path, output: Path, last: tuple[Path, Path], expected: str,
                   stop: Callable[[], bool] | None = None, carried: Path | None = None,
                   journal: Path | None = None, written: Callable[[], None] | None = None) -> tuple[int | None, str]:
    """``index_entries`` in the indexer's process, with the two walks over the bundles that held up the main
    process before (at L, 100,000 fragments: a second or two each): the last bundle taken only when its
    digest is ``expected`` (else every entry is indexed), and the new bundle's digest, returned with the result.
    ``carried``: the journal of the folders the docs moved from the last build's (some of them the entries');
    ``journal``: where moving the last bundle's fragments into the new one is journalled (``update_bundle``).
    ``written``, when given, returns once the entries are all written: the last bundle is checked meanwhile."""
    trusted = bool(expected) and keys.bundle_digest(last[0]) == expected
    if written is not None:
        written()
    moved = carry.replaced(carried, entries) if carried is not None else {}
    updated = index_entries(entries, output, last if trusted else None, stop, moved, journal)
    return updated, keys.bundle_digest(output)


def index_entries(entries: Path, output: Path, last: tuple[Path, Path] | None,
                  stop: Callable[[], bool] | None = None, moved: Mapping[str, Path] | None = None,
                  journal: Path | None = None) -> int | None:
    """The search bundle of ``entries`` in ``output``: with ``last`` (the last bundle and the entries it was
    written from), that bundle updated for the entries that changed, when it can be (returns how many);
    else Pagefind over every entry (returns None). ``moved`` and ``journal``: see ``update_bundle``."""
    if last is not None:
        try:
            return update_bundle(*last, entries, output, lambda site, out: index_site(site, out, stop), moved, journal)
        except NotUpdatable:
            shutil.rmtree(output, ignore_errors=True)
        except BaseException:
            if journal is not None:
                carry.undo(journal)  # the last bundle's fragments back, before the caller removes ``output``
            raise
    index_site(entries, output, stop)
    # The chunks' layouts and the entries' order, for the next build's update (a second at M, beside MkDocs in a whole build).
    with contextlib.suppress(NotUpdatable, OSError, ValueError):
        record_layout(output, entries)
        record_order(entries)
    return None


def _profiles_key(config_file: Path, options: SiteOptions) -> str:
    # serve's local backend address carries a token new at each start; only /admin/'s settings,
    # written by every build, show it: the profiles rendered at the last start stay good.
    return keys.build_key(config_file, replace(options, cms=replace(options.cms, local_backend="local" if options.cms.local_backend else None)))


def _epoch(registry: Registry, history: Mapping[str, date] | None) -> int:
    """The pages' dates (sitemap): the registry's last change in git, else the newest date it mentions."""
    day = max(history.values()) if history else newest_date(registry)
    return int(datetime.combine(day, datetime.min.time(), tzinfo=UTC).timestamp())


_CHROME: dict[tuple[Any, ...], Chrome] = {}  # show_changed's, for the next save

IN_PLACE_LIMIT = 200  # profiles changed by one save: beyond this, serve builds the whole site before it reloads


def show_changed(registry: Registry, *, config_file: Path, site_dir: Path, docs_dir: Path, options: SiteOptions,
                 history: Mapping[str, date] | None = None) -> SiteBuild | None:
    """``serve``, right after a save: the profiles it changed, rendered over the last build's files in
    place (each file in one rename), so that the browser can show the page at once; ``build_site``
    then builds the whole site in the background, takes these pages over by their records (or renders
    them again where they are not what it would make) and puts the rest in place. None, and nothing
    written, when there is no last build here, more than IN_PLACE_LIMIT profiles changed, or the
    pages MkDocs builds changed (their navigation is on every page): then the whole build it is."""
    with collector_paused():
        return _show_changed(registry, config_file, site_dir.absolute(), docs_dir.absolute(), options, history)


def _show_changed(registry: Registry, config_file: Path, site_dir: Path, docs_dir: Path, options: SiteOptions,
                  history: Mapping[str, date] | None) -> SiteBuild | None:
    records_file, entries_dir = docs_dir.parent / PAGE_RECORDS, docs_dir.parent / ENTRIES
    last = _last_records(records_file)
    if not last.pages or not site_dir.is_dir() or not entries_dir.is_dir():
        return None
    site = _site_data(registry, options, history)
    # The photos as the last build published them: a photo replaced since shows at its new size
    # once the whole build has run (its pages' records then differ, and they are rendered again).
    site.add_photos(published(registry, docs_dir))
    planned = list(plan_pages(site))
    others = [page.path for page in planned if not is_profile(page.path)] + [FORMS_PAGE]
    if any(not (docs_dir / page).is_file() for page in others):
        return None
    from mkdocs.exceptions import MkDocsException

    key, epoch = _profiles_key(config_file, options), _epoch(registry, history)
    with _source_date(epoch):
        # MkDocs' configuration and theme, loaded at the first save (a third of a second): the key
        # holds the code, templates, theme and configuration; the epoch, the pages' dates.
        chrome_key = (key, epoch, tuple(others), docs_dir, site_dir)
        chrome = _CHROME.get(chrome_key)
        if chrome is None:
            try:
                chrome = Chrome.load(config_file, docs_dir, site_dir, others)
            except MkDocsException as exc:
                raise SiteBuildError(f"MkDocs 构建失败：{exc}") from exc
            _CHROME.clear()
            _CHROME[chrome_key] = chrome
        patch = render_in_place(site, ProfileSite(chrome, site_dir, key, last.pages, last.tables),
                                LastBuild(docs_dir, entries_dir, site_dir), limit=IN_PLACE_LIMIT, planned=planned)
    if patch is None:
        return None
    records = pagedeps.Records(patch.records, "" if patch.entries_changed else last.bundle, last.made, patch.tables)
    if patch.entries_changed:
        # Written first: a changed search entry leaves no bundle recorded, even should this stop half-way
        # (the pages not yet what their records say are then rendered again by the next build).
        _write_records(records_file, records)
    else:
        # Kept in memory only (a tenth of a second saved): this process's next build, and the whole build
        # forked from it, start from these; any other finds pages that differ from the file's records
        # (their finished pages are checked against them) and renders them again.
        _remember(records_file, records)
    patch.apply((docs_dir, entries_dir, site_dir))
    return SiteBuild(len(others) + len(patch.records), site_dir, docs_dir, len(patch.records), len(patch.rendered), patch.rendered,
                     patch.entries_changed, False)


def index_pending(site_dir: Path, docs_dir: Path, stop: Callable[[], bool] | None = None,
                  commit: AbstractContextManager[Any] | None = None) -> bool:
    """The search bundle a ``defer_index`` build left for later: the last build's search entries
    indexed, put in the site in one rename and recorded, so the next build takes it over.
    False when ``stop`` said so first (the site keeps the bundle it had). ``commit`` is held while
    the bundle is put in place."""
    site_dir, docs_dir = site_dir.absolute(), docs_dir.absolute()
    work = _aside(site_dir)
    try:
        index_site(docs_dir.parent / ENTRIES, work / BUNDLE, stop)
        bundle = keys.bundle_digest(work / BUNDLE)
        records_file = docs_dir.parent / PAGE_RECORDS
        with commit if commit is not None else nullcontext():
            if stop is not None and stop():  # the entries changed meanwhile: this bundle is stale
                return False
            last = _last_records(records_file)
            _swap(work / BUNDLE, site_dir / BUNDLE, (site_dir.parent, docs_dir.parent))
            _write_records(records_file, pagedeps.Records(last.pages, bundle, last.made, last.tables))
    except IndexCancelled:
        return False
    except SearchIndexError as exc:
        raise SiteBuildError(str(exc)) from exc
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return True


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""


def _write_records(path: Path, records: pagedeps.Records) -> None:
    write_atomically(path, pagedeps.dump(records), path.parent)
    _remember(path, records)


# The records this process last wrote or read, by file: ``serve`` reads them at every save (0.4 s at M).
_KNOWN: dict[Path, tuple[tuple[int, int, int], pagedeps.Records]] = {}
KNOWN_KEPT = 4  # folders (serve uses one; a process that builds several keeps each)


def _stamp(path: Path) -> tuple[int, int, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_ino, info.st_size, info.st_mtime_ns


def _remember(path: Path, records: pagedeps.Records) -> None:
    stamp = _stamp(path)
    _KNOWN.pop(path, None)
    if len(_KNOWN) >= KNOWN_KEPT:
        del _KNOWN[next(iter(_KNOWN))]  # the oldest
    if stamp is not None:
        _KNOWN[path] = (stamp, records)


def known_records(docs_dir: Path) -> pagedeps.Records:
    """What the last build beside ``docs_dir`` recorded of its pages (kept in memory for the next call)."""
    return _last_records(docs_dir.absolute().parent / PAGE_RECORDS)


def _last_records(path: Path) -> pagedeps.Records:
    """The records file's contents; taken from memory when the file is the one this process last saw
    (every write is a new file, by rename: another inode)."""
    stamp = _stamp(path)
    known = _KNOWN.get(path)
    if stamp is not None and known is not None and known[0] == stamp:
        return known[1]
    records = pagedeps.load(_read(path))
    if stamp is not None:
        _remember(path, records)
    return records


# A record's folder -> where its public page is (a programme's page is its progress page).
_PAGE_FOLDERS = {"masters": "masters", "studios": "studios", "units": "units", "programmes": "progress"}


def _profile_dates(history: Mapping[str, date] | None) -> dict[str, str]:
    """Each profile page's date for the sitemap: its record's last change, as the page shows it."""
    return {f"{_PAGE_FOLDERS[Path(k).parent.name]}/{Path(k).stem}/": d.isoformat()
            for k, d in (history or {}).items() if Path(k).parent.name in _PAGE_FOLDERS and k.endswith(".yml")}
