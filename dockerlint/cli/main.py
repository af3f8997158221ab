"""Command line: `dockerlint check|fix|ast|rule|rules|...`.

argparse rather than typer: importing typer alone costs about 77 ms here, half the 150 ms
cold-start budget for linting one Dockerfile (see README, design notes).
Exit codes: 0 nothing at or above the failure threshold, 1 findings, 2 usage/config/I-O error.
"""
from __future__ import annotations

import argparse
import importlib
import os
import sys
import time
from collections import namedtuple
from contextlib import contextmanager
from functools import lru_cache

from dockerlint import __version__
from dockerlint.model import FileError, FileKind, FileResult, SourceText
from dockerlint.frontend import (  # noqa: F401 - the command line's own vocabulary
    EXIT_ERROR,
    EXIT_FINDINGS,
    EXIT_OK,
    UsageError,
    add_selection_options,
    make_resolver,
)

class _HelpFormatter(argparse.HelpFormatter):
    """argparse's, with the terminal's width found as shutil.get_terminal_size finds it, without
    importing shutil (and bz2, lzma...): argparse makes a formatter for every add_argument, and
    that import was ~5 ms of every run."""

    def __init__(self, prog, indent_increment=2, max_help_position=24, width=None):
        if width is None:
            try:
                width = int(os.environ["COLUMNS"])
            except (KeyError, ValueError):
                width = 0
            if width <= 0:
                try:
                    width = os.get_terminal_size(sys.__stdout__.fileno()).columns or 80
                except (AttributeError, ValueError, OSError):
                    width = 80
            width -= 2
        super().__init__(prog, indent_increment, max_help_position, width)


class _ArgumentParser(argparse.ArgumentParser):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", _HelpFormatter)
        super().__init__(*args, **kwargs)


def build_parser(wanted: str | None = None) -> argparse.ArgumentParser:
    from dockerlint.cli import extensions

    parser = _ArgumentParser(prog="dockerlint", description="Lint and fix Dockerfiles, Kubernetes manifests and Compose files.")
    parser.add_argument("--version", action="version", version=f"dockerlint {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    # Only the command being run gets a parser (argparse costs ~0.1 ms per option, and each
    # parser asks gettext for its titles: four stat() calls apiece); an unknown or missing
    # command (help, a usage error) gets every command's, to list them.
    every = wanted not in COMMANDS and wanted not in extensions.EXTENSIONS

    if every or wanted == "check":
        _check_options(sub.add_parser("check", help="lint files and report findings"))

    if every or wanted == "fix":
        fix = sub.add_parser("fix", help="apply fixes in place")
        add_selection_options(fix)
        fix.add_argument("--diff", action="store_true", help="print a unified diff and write nothing")
        fix.add_argument("--exit-non-zero-on-fix", action="store_true", help="exit 1 when a file was changed")
        fix.add_argument("--verbose", "-v", action="store_true", help="say which fixes were refused and why (always with --diff)")

    if every or wanted == "ast":
        ast_cmd = sub.add_parser("ast", help="print the parsed model as JSON")
        ast_cmd.add_argument("paths", nargs="+", metavar="PATH")
        ast_cmd.add_argument("--format", choices=["json", "jsonl"], default="json")
        ast_cmd.add_argument("--kind", choices=[k.value for k in FileKind])

    if every or wanted == "rule":
        rule_cmd = sub.add_parser("rule", help="explain a rule")
        rule_cmd.add_argument("code", metavar="CODE")
        rule_cmd.add_argument("--format", choices=["text", "json", "markdown"], default="text")

    if every or wanted == "rules":
        rules_cmd = sub.add_parser("rules", help="list all rules")
        rules_cmd.add_argument("--format", choices=["text", "json"], default="text")

    extensions.register(sub, wanted, every)
    return parser


def _check_options(check: argparse.ArgumentParser) -> None:
    add_selection_options(check)
    from dockerlint.report import FORMATS

    check.add_argument("--format", "-f", choices=sorted(FORMATS), help="output format (default text; github under GitHub Actions)")
    check.add_argument("--output-file", "-o", metavar="FILE", help="write the report here")
    check.add_argument("--statistics", action="store_true", help="count findings per rule")
    check.add_argument("--fix", action="store_true", help="apply safe fixes, then report what remains")
    check.add_argument("--no-source", action="store_true", help="don't show source lines")
    check.add_argument("--color", choices=["auto", "always", "never"], default="auto")
    check.add_argument("--template-dir", metavar="DIR", help="override the markdown report templates")
    check.add_argument("--baseline", metavar="FILE", help="hide the findings recorded in this baseline (also `baseline` in config)")
    check.add_argument("--write-baseline", metavar="FILE", help="record today's findings as the baseline (prunes entries that no longer match)")
    check.add_argument("--no-cache", action="store_true", help="neither read nor write the result cache")


# ---- running ----------------------------------------------------------------------------------

class Progress:
    """A progress bar on stderr, only when stderr is a terminal and there are many files."""

    def __init__(self, total: int, enabled: bool):
        self.total = total
        self.enabled = enabled and total >= 20 and sys.stderr.isatty()
        self.done = 0

    def step(self, n: int = 1):
        if not self.enabled:
            return
        before, self.done = self.done, self.done + n
        if before // 10 != self.done // 10 or self.done == self.total:
            width = 30
            filled = width * self.done // self.total
            sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total}")
            sys.stderr.flush()

    def close(self):
        if self.enabled:
            sys.stderr.write("\r" + " " * 60 + "\r")
            sys.stderr.flush()


def read_stdin() -> str:
    data = sys.stdin.buffer.read()
    from dockerlint.files import DecodeError, decode

    try:
        return decode(data).text
    except DecodeError as e:
        raise UsageError(f"stdin: {e}") from None


def iter_targets(args, resolver):
    """The files to lint (discovered under the current directory's `exclude`), the ones
    discovery skipped with a reason, and the forced kind if any."""
    from pathlib import Path

    from dockerlint.discovery import discover

    # `--stdin-filename F` with no paths lints stdin as F (as ruff does), not the current directory
    paths = args.paths or (["-"] if getattr(args, "stdin_filename", None) else ["."])
    base = resolver.for_directory(Path.cwd())
    candidates, skipped = discover(paths, base.exclude)
    forced = FileKind(args.kind) if args.kind else None
    return candidates, skipped, forced


def process_candidate(cand, args, resolver, forced, fixing: bool, diff: bool):
    """Lint (or fix) one file: returns (result or None when skipped, change or None)."""
    if cand.kind is not None and _lazy("dockerlint.kinds").plugin(cand.kind).directory:  # a chart: results and changes in several files
        from dockerlint.engine import fix_directory, lint_directory

        settings = resolver.for_file(os.path.join(cand.path, "Chart.yaml"))
        if not fixing:
            return lint_directory(cand.path, cand.kind, settings), None
        results, changes, applied = fix_directory(cand.path, cand.kind, settings)
        if applied:  # counted once, on the chart's first result
            if not results:
                results = [FileResult(os.path.join(cand.path, "Chart.yaml"), cand.kind)]
            results[0].fixes_applied = dict(applied)
        return results, changes
    display = args.stdin_filename if cand.path == "-" and args.stdin_filename else cand.path
    settings = resolver.for_file(display if display != "-" else ".")
    kind = forced or cand.kind
    if cand.path == "-":
        text, encoding = read_stdin(), "utf-8"
    else:
        decoded, error = _lazy("dockerlint.files").read_file(cand.path, _PRESCANNED.pop(cand.path, None), _READS)
        if error is not None:
            return FileResult(cand.path, kind, error=error), None
        text, encoding = decoded.text, decoded.encoding
    anchors = _wants_anchors(args, settings)
    cache_at = None
    if not fixing and cand.path != "-" and settings.cache and not _cache_off(args):
        missed = _MISSED.pop(cand.path, None)
        if missed is not None and missed.text == text:  # looked up (and missed) a moment ago
            cache_at, hit = missed, None
        else:
            cache_at, hit = _cache_lookup(display, text, settings, kind, anchors, absolute=resolver.absolute(display), cwd=resolver.cwd)
        if hit is not None:
            return (_not_linted(cand, display) if hit is _UNRECOGNISED else hit), None
    loaded = _lazy("dockerlint.loader").load_text(text, display, kind, encoding=encoding)
    if loaded is None:
        result = None
    elif isinstance(loaded, FileError):
        result = FileResult(display, loaded.kind, error=loaded, source=SourceText(text, display))
    elif not fixing:
        result = _lint_with_anchors(loaded, settings, anchors)
    else:
        return _fix_loaded(loaded, cand, text, encoding, display, settings, diff)
    if cache_at is not None:
        _cache_store(cache_at, result, encoding != "utf-8" or "CustomResourceDefinition" in text)
    return (_not_linted(cand, display) if result is None else result), None


def _fix_loaded(loaded, cand, text, encoding, display, settings, diff):
    from dockerlint.engine import lint_loaded
    from dockerlint.fix import fix_source
    from dockerlint.model import SourceText

    outcome = fix_source(text, display, settings, loaded.kind)
    change = None
    if (outcome.changed and outcome.text != text) or (cand.path == "-" and not diff):
        change = (cand.path, text, outcome.text, encoding)
    if outcome.error:
        return lint_loaded(loaded, settings), change
    result = FileResult(display, loaded.kind, outcome.findings, source=SourceText(outcome.text, display))
    result.fixes_applied = dict(outcome.applied)
    result.fixes_refused = list(outcome.refusals)
    return result, change


_UNRECOGNISED = object()


# Where a file's result goes in the cache, and what its key was made of: the cache directory,
# the key, the text keyed (when it was decoded, else None), the path as shown, the digest of
# its bytes (`cache.digest`), the absolute path. (collections' namedtuple: typing.NamedTuple
# imports typing, ~2 ms of a run that has no other use for it.)
_Where = namedtuple("_Where", "directory key text display content absolute")


# path -> where its result goes in the cache, for files the parent already looked up and missed
# (child processes fork after the lookups, so they see it too)
_MISSED: dict = {}
# path -> its bytes, read by the CRD pre-scan: the cache lookup and the linting take them from
# here (one read of each file; a pipe named on the command line can only be read once). Child
# processes fork with it and take the bytes of the files they lint from it.
_PRESCANNED: dict = {}
# path -> (stat before the read, time just before it) of the bytes last read (the cache's stamps)
_READS: dict = {}
# path -> (digest, may hold a CRD, pack, absolute path) of a file unchanged since a run recorded
# its stamp (not read)
_STAMPED: dict = {}


def _cache_off(args) -> bool:
    return bool(getattr(args, "no_cache", False) or os.environ.get("DOCKERLINT_NO_CACHE"))


def _cached_outcome(cand, args, resolver, forced):
    """(result, None) from the cache for an unchanged file, or None (not cached, or unreadable:
    the normal path reports it)."""
    data = _PRESCANNED.pop(cand.path, None)  # read a moment ago by the CRD pre-scan
    found = _STAMPED.pop(cand.path, None)
    settings = resolver.for_file(cand.path)  # (with the run's CRDs: not the pre-scan's settings)
    kind, anchors = forced or cand.kind, _wants_anchors(args, settings)
    if data is None and found is not None:  # the stamp recorded: the key without reading the file
        digest, _crd, pack, absolute = found
        _directory, base = _key_base(settings, kind, anchors, resolver.cwd)
        cache = _lazy("dockerlint.state.cache")
        hit = cache.STORE.get_in(pack, cache.key_from(base, absolute, digest), cand.path, None)
        if hit is not None:
            return (_not_linted(cand, cand.path) if _unrecognised(hit) else hit), None
    if not settings.cache:
        return None
    absolute = resolver.absolute(cand.path)
    from dockerlint.files import DecodeError, decode, is_utf16, read_bytes  # (after the stamps' hits)

    if data is None:
        data, error = read_bytes(cand.path, _READS)
        if error is not None:
            return None
    utf8 = not is_utf16(data)  # a UTF-16 file is keyed by its text as UTF-8
    if utf8:
        # the bytes are what the key is made of (the text encoded again): a hit needs no text
        where, hit = _cache_lookup(cand.path, None, settings, kind, anchors, data, absolute=absolute, cwd=resolver.cwd)
    try:
        text = decode(data).text if not utf8 or hit is None else None
    except DecodeError:
        _PRESCANNED[cand.path] = data
        return None  # binary or not UTF-8: the normal path reports it
    if utf8:
        where = where._replace(text=text)
    else:
        where, hit = _cache_lookup(cand.path, text, settings, kind, anchors, absolute=absolute, cwd=resolver.cwd)
    if hit is None:
        _MISSED[cand.path] = where  # process_candidate stores there without a second key and lookup
        _PRESCANNED[cand.path] = data  # and lints these bytes
        return None
    _note_stamp(where, cand.path, not utf8 or b"CustomResourceDefinition" in data)
    return (_not_linted(cand, cand.path) if hit is _UNRECOGNISED else hit), None


def _lazy(name: str):
    """The module `name`, imported when first asked for (a run with the cache off never imports
    the cache), then taken from sys.modules: asked for each file, a from-import inside the
    function cost 0.3-1.1 us a time."""
    module = sys.modules.get(name)
    return module if module is not None else importlib.import_module(name)


def _find_stamped(files, resolver) -> None:
    """Fill `_STAMPED` with the files unchanged since a run recorded their stamps (`cache.Store.
    unchanged_all`): files walked or named were stat'ed by discovery; the others (only those with
    a stamp) are stat'ed here. Nothing is read."""
    cache = _lazy("dockerlint.state.cache")

    by_directory: dict[str, list] = {}
    directories: dict[int, str | None] = {}  # id(settings) -> its cache directory (None: no cache)
    for_file, absolute, cwd = resolver.for_file, resolver.absolute, resolver.cwd
    for c in files:
        settings = for_file(c.path)
        directory = directories.get(id(settings), False)
        if directory is False:
            directory = directories[id(settings)] = cache.directory_for(settings, cwd) if settings.cache else None
        if directory is not None:
            by_directory.setdefault(directory, []).append((c.path, absolute(c.path), c.stat))
    for directory, stamped in by_directory.items():
        _STAMPED.update(cache.STORE.unchanged_all(directory, stamped))


def _crd_free_stamped(path: str):
    """For the CRD pre-scan: True for a file unchanged since its stamp was recorded and holding
    no CRD, or what the pre-scan found in it when it holds some (either way not read: `_STAMPED`
    keeps its digest for the cache lookup); False: read it."""
    found = _STAMPED.get(path)
    if found is None or found[1] is True:
        return False
    return found[1] or True


def _note_stamp(where, path: str, crd: bool) -> None:
    """Record the stamp of the bytes just keyed (if they were read from a regular file), with
    what the CRD pre-scan found in them when they hold a CRD."""
    read = _READS.pop(path, None)
    if read is not None:
        cache = _lazy("dockerlint.state.cache")

        if crd and "dockerlint.schemas.crds" in sys.modules:
            from dockerlint.schemas.crds import summary_of

            crd = summary_of(where.absolute) or crd
        cache.STORE.note(where.directory, path, read, where.content, crd, where.absolute)


def _wants_anchors(args, settings) -> bool:
    """Do findings need their baseline anchor (a baseline is read or written)?"""
    return bool(settings.baseline or getattr(args, "baseline", None) or getattr(args, "write_baseline", None))


def _not_linted(cand, display):
    if cand.explicit and cand.path != "-" and not display.lower().endswith((".yaml", ".yml", ".py")):
        print(f"{display}: not a Dockerfile, Kubernetes manifest or Compose file; skipped", file=sys.stderr)
    return None


def _lint_with_anchors(loaded, settings, anchors: bool):
    """Lint a loaded file, with each finding's baseline anchor when a baseline needs them."""
    from dockerlint.engine import lint_loaded

    result = lint_loaded(loaded, settings)
    if anchors:
        for f in result.findings:
            f.anchor = loaded.plugin.anchor(f, loaded.model, loaded.source)
    return result


def _cache_lookup(display, text, settings, kind, anchors, utf8: bytes | None = None, content: bytes | None = None,
                  absolute: str | None = None, cwd: str | None = None):
    """(a `_Where`, the cached result, _UNRECOGNISED, or None on a miss). Keyed by the text as
    UTF-8: `utf8`, when the caller has those bytes already (`text` None); or by `content`, their
    digest, when a stamp gave it (neither text nor bytes read). `absolute`: os.path.abspath(display), and `cwd` the working directory, when the
    caller has them."""
    cache = _lazy("dockerlint.state.cache")

    absolute = absolute or os.path.abspath(display)
    directory, base = _key_base(settings, kind, anchors, cwd)
    if content is None:
        content = cache.digest(utf8 if utf8 is not None else text.encode("utf-8", "surrogatepass"))
    k = cache.key_from(base, absolute, content)
    hit = cache.STORE.get(directory, k, display, utf8 if text is None else text, absolute)
    if hit is not None and _unrecognised(hit):
        hit = _UNRECOGNISED
    return _Where(directory, k, text, display, content, absolute), hit


def _unrecognised(hit) -> bool:
    """Is a cached result that of a file no kind recognised (not linted)?"""
    return hit.kind is None and hit.error is None


def _key_base(settings, kind, anchors: bool, cwd: str | None) -> tuple:
    """(the settings' cache directory, the hash the keys of their files of `kind` start from:
    `cache.key_base`), worked out once per run, settings and kind, not once per file."""
    shared = _KEY_BASES.get((id(settings), kind, anchors, cwd))
    if shared is None or shared[0] is not settings:
        cache = _lazy("dockerlint.state.cache")

        # the end-of-life rules judge against today unless `as-of` is set: a result is for one day
        day = settings.as_of or _today()
        if len(_KEY_BASES) > 256:
            _KEY_BASES.clear()
        shared = _KEY_BASES[(id(settings), kind, anchors, cwd)] = (
            settings, cache.directory_for(settings, cwd), cache.key_base(settings, f"{kind}|{anchors}|{day}"))
    return shared[1:]


# (id(settings), kind, anchors, working directory) -> (the settings, kept so that their id is
# not another's, and `_key_base`'s answer)
_KEY_BASES: dict[tuple, tuple] = {}


@contextmanager
def _collector_off(freeze: bool = False):
    """For work that builds only acyclic data (cached results, a report's text): the collector
    would walk every result of the run again and again (6% of a cached run). `freeze`: what
    exists at the end is kept out of later collections (it lives to the end of the run)."""
    import gc

    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if freeze:
            gc.freeze()
        if collecting:
            gc.enable()


@lru_cache(maxsize=1)
def _today() -> str:
    """The day a run judges end-of-life dates on (asked once per file, answered once per run)."""
    # date.today() is the local date: the same as strftime's, without importing datetime (~2 ms)
    return os.environ.get("DOCKERLINT_AS_OF") or time.strftime("%Y-%m-%d", time.localtime())


def _cache_store(where, result, crd: bool):
    cache = _lazy("dockerlint.state.cache")

    cache.put(where.directory, where.key, result if result is not None else FileResult(where.display, None))
    _note_stamp(where, where.display, crd)


def _child_run(cand, args, resolver, forced, fixing, diff):
    """One file in a child process: its outcome, and the cache entries it made for the parent
    to write (the parent writes each pack once, at the end of the run). A linted file's result
    crosses as the cache's plain tuples and its text (`_from_child` rebuilds it): pickling the
    dataclasses, and rebuilding them in the parent, was a fifth of the parent's CPU in a run of
    the Kubernetes corpus (instructions, callgrind), CPU taken from the children on two cores."""
    cache = _lazy("dockerlint.state.cache")

    outcome = process_candidate(cand, args, resolver, forced, fixing, diff)
    entries = cache.STORE.take_new()
    part = _render_part(outcome)  # the text report's part of it, when the run makes them here
    result, change = outcome
    if change is None and cache.encodable(result):
        # the entry the cache stored for it, when it stored one (pickled once, in `entries`)
        data = cache.stored_entry(entries) or cache.encode(result)
        return None, entries, (data, result.path, result.source.text if result.source is not None else None), part
    return outcome, entries, None, part


def _from_child(_i, sent):
    """A child's outcome as `_child_run` sent it; the cache entries it made are adopted."""
    cache = _lazy("dockerlint.state.cache")

    outcome, entries, compact, part = sent
    cache.STORE.adopt(entries)
    if compact is not None:
        data, path, text = compact
        outcome = cache.decode(data, path, text), None
    _keep_part(outcome, part)
    return outcome


def _import_rules_before_fork(files, resolver, forced) -> None:
    """Import the rules the files need (and the parsers they use) before the fork: the children
    share them, where each would otherwise import them again (~60 ms of CPU apiece for the
    Dockerfile rules; the wall time is about the same, the import happening before the fork)."""
    from dockerlint.engine import selected_rules
    from dockerlint.model import FileKind

    first: dict = {}  # kind -> a file of it, whose settings select the rules
    for c in files:
        kind = forced or c.kind
        if kind is None:  # decided by content: the likely kinds by name
            lower = c.path.lower()
            kinds = (FileKind.KUBERNETES, FileKind.COMPOSE) if lower.endswith((".yaml", ".yml")) else (
                () if lower.endswith(".py") else (FileKind.DOCKERFILE,))
        else:
            kinds = (kind,) if kind in (FileKind.DOCKERFILE, FileKind.KUBERNETES, FileKind.COMPOSE) else ()
        for k in kinds:
            first.setdefault(k, c.path)
    for kind, path in first.items():
        selected_rules(kind, resolver.for_file(path))


# Child processes pay once a run has enough to lint: forking costs a few ms, and each child
# pays the first-use costs (schemas, patterns) again. A run's work is told from its files'
# sizes, a byte of a Dockerfile (or a Python program) counting 4 times a byte of YAML: shell
# parsing and 126 rules, 1.7 ms of CPU per KiB of the Dockerfile corpus against 0.45 for its
# manifests. Measured on two CPUs (the parent and one child, `cli/workers.py`), median of 11:
# 32 manifests (103 KiB) took as long either way, 64 (175 KiB) 0-7% less time with a child,
# 100 (214 KiB) 10%; 4 Dockerfiles (17 KiB, 68 weighted) 5% more, 8 (32 KiB, 127) 12% less.
_PARALLEL_FROM = 128 * 1024  # weighted bytes


def _is_yaml(c) -> bool:
    """A Kubernetes or Compose file, by name or (kind told by content) by its YAML suffix."""
    if c.kind is None:
        from dockerlint.discovery import YAML_SUFFIXES

        return c.path.lower().endswith(YAML_SUFFIXES)
    return c.kind in (FileKind.KUBERNETES, FileKind.COMPOSE)


def job_count(args, files: list) -> int:
    """Processes to lint `files` (Candidates) with: this one and its children (`cli/workers.py`)."""
    requested = getattr(args, "jobs", None)
    if requested is not None:
        return max(1, requested)
    if len(files) < 2:
        return 1
    work = 0
    for c in files:
        if c.stat is None or c.kind in (FileKind.HELM, FileKind.KUSTOMIZE):
            break  # a size not known, or a whole chart or overlay to render: worth a child
        work += c.stat.st_size if _is_yaml(c) else 4 * c.stat.st_size
        if work >= _PARALLEL_FROM:
            break
    else:
        return 1
    return max(1, min(os.cpu_count() or 1, 8))


def lint_candidates(args, resolver, *, fixing: bool = False, diff: bool = False):
    candidates, skipped, forced = iter_targets(args, resolver)
    # the run's CRDs for KS100-KS103 (nothing is read unless those rules run on YAML files)
    yaml_like = [c.path for c in candidates if c.path != "-" and c.kind in (None, FileKind.KUBERNETES)]
    crds = None
    cached = not fixing and not _cache_off(args)  # cached results are looked up before linting
    _STAMPED.clear()
    if cached or yaml_like:
        # they may read the cache's packs, hundreds of thousands of tuples, kept to the end of the
        # run: collected with the collector on, and walked by it once it is back on, unless frozen
        with _collector_off(freeze=True):
            if cached:
                _find_stamped([c for c in candidates if c.path != "-"], resolver)
            if yaml_like:  # not even imported for a run of Dockerfiles
                from dockerlint.schemas.crds import prescan_crds

                crds = prescan_crds(resolver, yaml_like, _PRESCANNED, _READS, _crd_free_stamped if cached else None)
    for s in skipped:  # links that loop, dangle or leave the tree; FIFOs: said, not linted
        print(f"{s.path}: skipped: {s.reason}", file=sys.stderr)
    results: list[FileResult] = []
    changed: list[tuple[str, str, str, str]] = []  # (path, before, after, encoding)
    progress = Progress(len(candidates), not args.no_progress)
    order = {id(c): i for i, c in enumerate(candidates)}  # results keep the candidates' order
    files = [c for c in candidates if c.path != "-"]
    outcomes: list = [None] * len(candidates)
    if cached:
        # Cached results are read here: a warm run never pays for child processes. What was
        # read is kept to the end of the run and never walked by the collector again.
        misses = []
        with _collector_off(freeze=True):
            for cand in files:
                hit = _cached_outcome(cand, args, resolver, forced)
                if hit is None:
                    misses.append(cand)
                else:
                    outcomes[order[id(cand)]] = hit
                    progress.step()
        files = misses
    if crds is not None and crds.run_files:
        # CRD files first: linting them hands their parsed CRDs to the catalogue, so a custom
        # resource met later needs no second parse of its CRD file (results keep their order)
        rank = {path: i for i, path in enumerate(crds.run_files)}
        first = sorted((c for c in files if c.path in rank), key=lambda c: rank[c.path])
        files = first + [c for c in files if c.path not in rank]
    jobs = job_count(args, files)
    if jobs > 1:
        for c in files:  # config errors surface here, in the parent, with a clear message
            resolver.for_file(c.path)
        _import_rules_before_fork(files, resolver, forced)
        from dockerlint.cli.workers import run_shared

        def here(i):
            outcome = process_candidate(files[i], args, resolver, forced, fixing, diff)
            _keep_part(outcome, _render_part(outcome))
            return outcome

        def there(i):
            return _child_run(files[i], args, resolver, forced, fixing, diff)

        for cand, outcome in zip(files, run_shared(len(files), jobs, here, there, _from_child, progress.step if progress.enabled else None)):
            outcomes[order[id(cand)]] = outcome
        sequential = [c for c in candidates if c.path == "-"]
    else:
        sequential = files + [c for c in candidates if c.path == "-"]
    for cand in sequential:
        outcomes[order[id(cand)]] = process_candidate(cand, args, resolver, forced, fixing, diff)
        progress.step()
    progress.close()
    if "dockerlint.state.cache" in sys.modules:  # write what this run added to the cache, once
        sys.modules["dockerlint.state.cache"].flush()
    changed_paths: set[str] = set()
    for result, change in filter(None, outcomes):
        if isinstance(result, list):  # a directory-level input: one result per file
            results.extend(result)
        elif result is not None:
            results.append(result)
        for c in change if isinstance(change, list) else [change] if change is not None else []:
            # two overlays sharing a base may both fix it: the first change is kept, the next run does the rest
            if c[0] == "-" or c[0] not in changed_paths:
                changed.append(c)
                changed_paths.add(c[0])
    return results, changed, skipped


def exit_code(results: list[FileResult], resolver) -> int:
    code = EXIT_OK
    for r in results:
        if r.error is not None:
            if r.error.code == "E001":
                return EXIT_ERROR
            code = EXIT_FINDINGS
        if code == EXIT_FINDINGS:
            continue  # only an E001 error could change it now
        threshold = resolver.for_file(r.path if r.path != "-" else ".").failure_threshold
        if any(severity <= threshold for severity in r.severities()):
            code = EXIT_FINDINGS
    return code


def use_color(choice: str, stream) -> bool:
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return stream.isatty()


def cmd_check(args) -> int:
    from dockerlint.report import render_pieces

    resolver = make_resolver(args)
    check_output_file(args.output_file)
    lines = args.format == "json" and not args.fix and not _cache_off(args)
    if lines or "dockerlint.state.cache" in sys.modules:  # (set for this run: a process may run several)
        from dockerlint.state import cache

        cache.STORE.json_lines = lines  # results stored with their lines of the report (cache._json_lines)
    global _PRERENDER
    _RENDERED.clear()
    _PRERENDER = _text_options(args, resolver)
    try:
        results, changed, skipped = lint_candidates(args, resolver, fixing=args.fix)
    finally:
        _PRERENDER = None
    baselined = apply_baseline(args, resolver, results)
    say_if_nothing_to_lint(args, results, skipped)
    write_failed = False
    written = 0
    for path, before, after, encoding in changed:
        if path != "-" and before != after:
            ok = _write(path, after, encoding)
            write_failed |= not ok
            written += ok
    if args.fix:
        applied = sum(sum(r.fixes_applied.values()) for r in results)
        print(f"Fixed {applied} problem{'s' if applied != 1 else ''} in {written} file{'s' if written != 1 else ''}.", file=sys.stderr)
    fmt = _report_format(args)
    try:
        out = open(args.output_file, "w", encoding="utf-8") if args.output_file else sys.stdout
    except OSError as e:
        raise UsageError(f"cannot write the report to {args.output_file}: {e.strerror or e}") from None
    try:
        options = _report_options(args, fmt, out)
        if baselined is not None:
            options.extra["baselined"] = baselined.hidden
        if _RENDERED:
            options.extra["rendered"] = _RENDERED
        # the run's results and the report live to its end: frozen, they are not walked by the
        # collection that turning the collector back on would start (5 ms, ~27,000 objects,
        # after a report of 100 Dockerfiles)
        with _collector_off(freeze=True):
            _write_report(out, render_pieces(fmt, results, options))
    finally:
        if out is not sys.stdout:
            out.close()
    # kept to the next run in this process: a command-line run leaves without freeing its
    # results one by one (`entry`), where returning from here would (3-4 ms for 1,000 manifests)
    _last_run[:] = [results, resolver]
    return EXIT_ERROR if write_failed else exit_code(results, resolver)


_last_run: list = []


# A text report's part for each result, made where the result was, by the process that linted
# it (`report.text.render_result`): in a parallel run the parent no longer renders every
# result after the last one (17 ms of 100 Dockerfiles, 26 of 1,000 manifests) while its
# children are done; the parts are made while both lint, the work shared as the files are.
_RENDERED: dict[int, tuple] = {}  # id(result) -> its part, for this run's results
_PRERENDER = None  # the text report's options when parts are made as results are


def _report_format(args) -> str:
    return args.format or ("github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text")


def _report_options(args, fmt: str, out):
    from dockerlint.report import ReportOptions

    return ReportOptions(color=use_color(args.color, out) and fmt == "text", show_source=not args.no_source,
                         statistics=args.statistics, unsafe_fixes=args.unsafe_fixes, template_dir=args.template_dir)


def _text_options(args, resolver):
    """The report's options, when they are known before the files are linted and the parts of a
    text report can be made as results are: text to standard output, no fixing, no baseline
    (which takes findings out after linting)."""
    if _report_format(args) != "text" or args.fix or args.output_file or _baseline_path(args, resolver):
        return None
    return _report_options(args, "text", sys.stdout)


def _render_part(outcome):
    """Make the text report's part of a file's outcome (`_PRERENDER`), where the run makes parts."""
    if _PRERENDER is None or outcome is None or not isinstance(outcome[0], FileResult):
        return None
    from dockerlint.report.text import render_result

    return render_result(outcome[0], _PRERENDER)


def _keep_part(outcome, part) -> None:
    """Keep the part made for `outcome`'s result (in this process or a child) for the report."""
    if part is not None:
        _RENDERED[id(outcome[0])] = part


def _write_report(out, pieces: list) -> None:
    """Write the report's pieces (`report.render_pieces`): strings, and the report lines a
    cached result kept as UTF-8 (bytes-like, in the cache's mapped pack). Strings go a quarter
    of a MiB at a time: written whole, a report is first encoded into one new buffer as large
    as itself, whose pages the system hands over one fault at a time (the Kubernetes corpus's
    JSON report, 17 MB: 9.6 ms written whole, 2.0 ms in pieces), after the join into one string
    made another such copy. Where the stream writes UTF-8 to a file descriptor, the stored
    lines go to it as they are, gathered (`os.writev`): never decoded, copied or encoded."""
    fd = _utf8_descriptor(out)
    if fd is None:
        pieces = [p if type(p) is str else str(p, "utf-8", "replace") for p in pieces]
    else:
        out.flush()
    step = 1 << 18
    batch: list[str] = []
    size = 0
    gathered: list = []  # (fd) bytes to write with one call
    errors = getattr(out, "errors", None) or "strict"

    def emit(text: str) -> None:
        if fd is None:
            out.write(text)
        else:
            gathered.append(text.encode("utf-8", errors))
            if len(gathered) >= _GATHER:
                _write_all(fd, gathered)

    for piece in pieces:
        if type(piece) is not str:  # stored UTF-8 (fd is set)
            if batch:
                emit("".join(batch))
                batch, size = [], 0
            gathered.append(piece)
            if len(gathered) >= _GATHER:
                _write_all(fd, gathered)
            continue
        if len(piece) > step:
            if batch:
                emit("".join(batch))
                batch, size = [], 0
            for start in range(0, len(piece), step):
                emit(piece[start : start + step])
            continue
        batch.append(piece)
        size += len(piece)
        if size >= step:
            emit("".join(batch))
            batch, size = [], 0
    if batch:
        emit("".join(batch))
    if gathered:
        _write_all(fd, gathered)


_GATHER = 512  # buffers per os.writev call (the system takes at least 1,024)


def _utf8_descriptor(out) -> int | None:
    """The file descriptor a text stream writes UTF-8 to, when bytes may be written to it
    directly (and the system gathers writes), else None."""
    import codecs

    try:
        if not hasattr(os, "writev") or codecs.lookup(out.encoding).name != "utf-8":
            return None
    except (AttributeError, TypeError, LookupError):  # no encoding, or one Python does not know
        return None
    try:
        return out.fileno()
    except (AttributeError, OSError, ValueError):
        return None


def _write_all(fd: int, buffers: list) -> None:
    """Write `buffers` in order (emptying the list), as many calls as the system needs."""
    views = [memoryview(b) for b in buffers]
    buffers.clear()
    first = 0
    while first < len(views):
        written = os.writev(fd, views[first:first + _GATHER])
        while first < len(views) and written >= len(views[first]):
            written -= len(views[first])
            first += 1
        if written:  # a part of a buffer was written
            views[first] = views[first][written:]


def _baseline_path(args, resolver) -> str | None:
    """The baseline a check run writes or applies: `--write-baseline`, `--baseline`, else the
    working directory's `baseline` setting."""
    from pathlib import Path

    return args.write_baseline or args.baseline or resolver.for_directory(Path.cwd()).baseline


def apply_baseline(args, resolver, results):
    """Write (`--write-baseline`) and/or apply the baseline: the findings it records are taken
    out of `results`; what was hidden and what no longer matches is said on stderr."""
    path = _baseline_path(args, resolver)
    if not path:
        return None
    from dockerlint.state import baseline as bl
    if args.write_baseline:
        try:
            count = bl.write(path, results)
        except OSError as e:
            raise UsageError(f"--write-baseline: cannot write {path}: {e.strerror or e}") from None
        print(f"Wrote {count} finding{'s' if count != 1 else ''} to the baseline {path}.", file=sys.stderr)
    try:
        outcome = bl.apply(results, bl.load(path))
    except bl.BaselineError as e:
        raise UsageError(str(e)) from None
    if outcome.hidden:
        print(f"{outcome.hidden} finding{'s' if outcome.hidden != 1 else ''} hidden by the baseline {path}.", file=sys.stderr)
    if outcome.stale:
        stale = sum(count for *_rest, count in outcome.stale)
        print(f"{stale} baseline entr{'ies' if stale != 1 else 'y'} no longer match (fixed, or the code changed); "
              f"`--write-baseline {path}` prunes them:", file=sys.stderr)
        for rel, code, source, count in outcome.stale[:20]:
            print(f"  {rel}: {code} x{count}: {source[:100]}", file=sys.stderr)
    return outcome


def check_output_file(path: str | None) -> None:
    """`-o DIR/x.json` whose directory is missing: a usage error before any work, not a traceback."""
    if not path:
        return
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise UsageError(f"cannot write the report to {path}: no such directory {directory}")
    if os.path.isdir(path):
        raise UsageError(f"cannot write the report to {path}: it is a directory")


def say_if_nothing_to_lint(args, results, skipped) -> None:
    """A directory walk that recognised no file says so, instead of a silent exit 0 (files named
    one by one, as pre-commit passes them, are skipped quietly as before). What was skipped has
    been named with its reason already."""
    paths = args.paths or (["-"] if getattr(args, "stdin_filename", None) else ["."])
    if not results and any(os.path.isdir(p) for p in paths):
        where = ", ".join(paths)
        if skipped:
            print(f"No files to lint under {where} but the {len(skipped)} skipped above.", file=sys.stderr)
        else:
            print(f"No files to lint: nothing under {where} is a Dockerfile, Kubernetes manifest or Compose file.", file=sys.stderr)


def _write(path: str, text: str, encoding: str) -> bool:
    """Write the fixed text; False (and a message) when the file cannot be written, e.g. it
    was deleted or made read-only while the run went on: the other files are still written."""
    from dockerlint.files import encode_like, write_atomic

    if path == "-":
        sys.stdout.write(text)
        return True
    try:
        write_atomic(path, encode_like(text, encoding))
    except OSError as e:
        reason = "no such file (was it deleted during the run?)" if isinstance(e, FileNotFoundError) else (e.strerror or str(e))
        print(f"{path}: error: fixed text not written: {reason}", file=sys.stderr)
        return False
    return True


def cmd_fix(args) -> int:
    import difflib

    resolver = make_resolver(args)
    results, changed, skipped = lint_candidates(args, resolver, fixing=True, diff=args.diff)
    say_if_nothing_to_lint(args, results, skipped)
    applied_total = 0
    failed: list[str] = []
    for r in results:
        applied_total += sum(r.fixes_applied.values())
    if args.diff:
        for path, before, after, _enc in changed:
            name = path if path != "-" else (args.stdin_filename or "-")
            sys.stdout.writelines(
                difflib.unified_diff(
                    before.splitlines(keepends=True), after.splitlines(keepends=True), f"a/{name}", f"b/{name}"
                )
            )
    else:
        failed = [path for path, _before, after, encoding in changed if not _write(path, after, encoding)]
        changed = [c for c in changed if c[0] not in failed]
        changed_files = [c for c in changed if c[0] != "-"]
        if changed_files or not any(c[0] == "-" for c in changed):
            remaining = sum(len(r.findings) for r in results)
            print(
                f"Fixed {applied_total} problem{'s' if applied_total != 1 else ''} in {len(changed_files)} file{'s' if len(changed_files) != 1 else ''}"
                f"; {remaining} remaining.",
                file=sys.stderr,
            )
    if args.diff or args.verbose:
        for r in results:
            for refusal in r.fixes_refused:
                print(f"{r.path}:{refusal.line}: {refusal.code} fix refused ({refusal.description}): {refusal.reason}", file=sys.stderr)
    for r in results:
        if r.error is not None:
            print(r.error.describe(), file=sys.stderr)
    if any(r.error is not None and r.error.code == "E001" for r in results) or bool(failed):
        return EXIT_ERROR
    if any(r.error is not None for r in results):
        return EXIT_FINDINGS  # a file that does not parse was not fixed
    if args.diff and changed:
        return EXIT_FINDINGS
    if args.exit_non_zero_on_fix and any(before != after for _p, before, after, _e in changed):
        return EXIT_FINDINGS
    return EXIT_OK


def cmd_ast(args) -> int:
    import json

    from dockerlint.loader import load_path, load_text, not_recognised
    from dockerlint.model import FileError

    status = EXIT_OK
    documents = []
    for path in args.paths:
        kind = FileKind(args.kind) if args.kind else None
        loaded = load_text(read_stdin(), path, kind) if path == "-" else load_path(path, kind)
        if loaded is None:
            loaded = not_recognised(path)
        if isinstance(loaded, FileError):  # a parse error is the file's problem (1), the rest ours (2)
            print(loaded.describe(), file=sys.stderr)
            status = max(status, EXIT_FINDINGS if loaded.code == "E002" else EXIT_ERROR)
            continue
        documents.append(loaded.plugin.to_dict(loaded.model, path))
    if args.format == "jsonl":
        for d in documents:
            sys.stdout.write(json.dumps(d, ensure_ascii=False) + "\n")
    else:
        payload = documents[0] if len(documents) == 1 else documents
        sys.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
    return status


def cmd_rule(args) -> int:
    import json

    from dockerlint import ruleset
    from dockerlint.docs import rule_json, rule_markdown, rule_text

    rule = ruleset.lookup(args.code)
    if rule is None:  # a custom rule of the config here?
        key = args.code.strip()
        rule = next((r for r in ruleset.custom_rules() if r.code == key.upper() or r.name == key.lower()), None)
    rules = [rule] if rule is not None else ruleset.by_alias(args.code)  # CKV_DOCKER_3, AVD-DS-0002
    if not rules:
        raise UsageError(f"unknown rule {args.code!r} (see `dockerlint rules`)")
    if args.format == "json":
        payload = [rule_json(r) for r in rules]
        sys.stdout.write(json.dumps(payload[0] if rule is not None or len(rules) == 1 else payload, indent=2) + "\n")
        return EXIT_OK
    render = rule_markdown if args.format == "markdown" else rule_text
    if rule is None:
        sys.stdout.write(f"{args.code} is the same check as {', '.join(r.code for r in rules)}\n\n")
    sys.stdout.write("\n".join(render(r) for r in rules))
    return EXIT_OK


def cmd_rules(args) -> int:
    import json

    from dockerlint import ruleset
    from dockerlint.docs import rule_json

    rules = ruleset.all_rules() + ruleset.custom_rules()
    if args.format == "json":
        sys.stdout.write(json.dumps([rule_json(r) for r in rules], indent=2) + "\n")
        return EXIT_OK
    for r in rules:
        flags = ("" if r.enabled_by_default else " (off by default)") + (" [fix]" if r.fixable() else "")
        kinds = ",".join(sorted(k.value for k in r.kinds))
        print(f"{r.code:8} {r.name:40} {str(r.severity):8} {kinds:12} {r.summary()}{flags}")
    return EXIT_OK


COMMANDS = {"check": cmd_check, "fix": cmd_fix, "ast": cmd_ast, "rule": cmd_rule, "rules": cmd_rules}


def main(argv: list[str] | None = None) -> int:
    from dockerlint.cli import extensions
    from dockerlint.config import ConfigError

    argv = sys.argv[1:] if argv is None else argv
    wanted = next((a for a in argv if not a.startswith("-")), None)
    parser = build_parser(wanted)
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_ERROR
    handler = COMMANDS.get(args.command) or extensions.handler(args.command)
    try:
        return handler(args)
    except (UsageError, ConfigError) as e:
        print(f"dockerlint: error: {e}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        try:
            sys.stdout = open(os.devnull, "w")
        except OSError:
            pass
        return EXIT_OK


def _crashed(error: BaseException) -> int:
    """A crash of dockerlint itself: one line saying what and where, the traceback only with
    DOCKERLINT_TRACEBACK=1, and exit status 2, an error: with Python's default (a traceback,
    status 1) CI took a crash for findings."""
    import traceback

    if os.environ.get("DOCKERLINT_TRACEBACK"):
        traceback.print_exception(error, file=sys.stderr)
    else:
        frames = traceback.extract_tb(error.__traceback__)
        where = f" at {os.path.basename(frames[-1].filename)}:{frames[-1].lineno}" if frames else ""
        print(f"dockerlint: internal error: {type(error).__name__}: {error}{where}. This is a bug in dockerlint: "
              "please report it with the command and its input (DOCKERLINT_TRACEBACK=1 prints the traceback).",
              file=sys.stderr)
    return EXIT_ERROR


def entry() -> None:
    import gc

    from dockerlint import patterncache

    patterncache.install()

    # Collect young objects every 25,000 allocations rather than 700 (and the older generations
    # half as often): a run's results accumulate, and the collector walked them again and again,
    # ~7% of the Kubernetes corpus's CPU at 700. Time in the collector per process (child /
    # parent, ms) at 10,000 -> 25,000: 100 Dockerfiles 3/8 -> 0/0, 1,000 manifests 11/12 -> 3/3,
    # the Dockerfile corpus 122/162 -> 36/55, the Kubernetes corpus 21/66 -> 14/31; 50,000 and
    # 100,000 spent more on the Dockerfile corpus. Peak memory in one process: Kubernetes corpus
    # 131 MB either way, Dockerfile corpus 158 -> 165 MB (parsed scripts the memo does not keep
    # hold reference cycles, freed a little later).
    gc.set_threshold(25_000, 20, 20)
    try:
        code = main()
    except Exception as e:  # a bug of ours (input errors are reported per file, usage errors by main)
        code = _crashed(e)
    # Leave without tearing the interpreter down (as mypy does): freeing a large run's objects
    # one by one was a quarter of the CPU of a cached run over the Dockerfile corpus. Every file
    # is written and closed and child processes are waited for by now; only the streams need flushing.
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (BrokenPipeError, ValueError):
        pass
    from dockerlint import codecache, modulecache

    codecache.save()
    modulecache.save()
    patterncache.save()
    os._exit(code)
