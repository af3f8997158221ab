"""Finds every rule in dockerlint.rules and answers selection queries (codes, prefixes, names).

Importing all ~130 rule modules costs more than linting one file, so selection works from a
small index (rules/_index.json: code, name, module, kinds, default, presets) and only the
selected rules are imported. The index carries a checksum of the rule files (checked by reading
them once, then remembered under their sizes and times: `_checksum_matches`); when it does not
match (a rule was added or edited), everything is imported as before, so a stale index costs
speed, never correctness. `python -m dockerlint.ruleset --write-index` refreshes it, and a
test fails while it is stale.
"""
from __future__ import annotations

import importlib
import json
import os
import zlib
from collections import namedtuple
from functools import lru_cache

from dockerlint.model import FileKind
from dockerlint.rule import Rule

INDEX_NAME = "_index.json"
STAMP_PREFIX = "rule-index-"  # a stamp's name in the user's cache, before its rules directory's CRC


# A rule as the compiled index lists it (code, name, module, kinds, enabled_by_default,
# presets), with schema_issue: a schema-validation rule (KS100-KS103), whose run needs its CRDs.
# (collections' namedtuple: typing.NamedTuple imports typing.)
IndexEntry = namedtuple("IndexEntry", "code name module kinds enabled_by_default presets schema_issue", defaults=(False,))


def _package_dir() -> str:
    import dockerlint.rules as package

    return list(package.__path__)[0]


def _rule_files(directory: str) -> list[str]:
    return sorted(n for n in os.listdir(directory) if n.endswith(".py") and not n.startswith("__"))


def rules_checksum() -> str:
    directory = _package_dir()
    crc = 0
    for name in _rule_files(directory):
        crc = zlib.crc32(name.encode(), crc)
        with open(os.path.join(directory, name), "rb") as f:
            crc = zlib.crc32(f.read(), crc)
    return f"{crc:08x}"


def _checksum_matches(recorded) -> bool:
    """Does the index's checksum match the rule files? Reading every rule file costs 4-10 ms
    of each start, so a match is remembered in the user's cache directory under the files'
    names, sizes and modification times (one directory listing): a file that changes changes
    that signature and is read again. `DOCKERLINT_NO_CACHE` always reads."""
    if not isinstance(recorded, str):
        return False
    directory = _package_dir()
    stamp = None
    if not os.environ.get("DOCKERLINT_NO_CACHE"):
        try:
            signature = zlib.crc32(repr(sorted(
                (e.name, e.stat().st_size, e.stat().st_mtime_ns) for e in os.scandir(directory) if e.name.endswith(".py")
            )).encode("utf-8", "surrogatepass"))
            from dockerlint import user_cache_dir

            stamp = os.path.join(user_cache_dir(), f"{STAMP_PREFIX}{zlib.crc32(directory.encode('utf-8', 'surrogatepass')):08x}")
            line = f"{signature:08x} {recorded}\n"
            with open(stamp, encoding="utf-8") as f:
                if f.read() == line:
                    return True
        except OSError:
            pass
    if rules_checksum() != recorded:
        return False
    if stamp is not None:
        try:
            os.makedirs(os.path.dirname(stamp), exist_ok=True)
            temporary = f"{stamp}.{os.getpid()}"
            with open(temporary, "w", encoding="utf-8") as f:
                f.write(line)
            os.replace(temporary, stamp)
            _prune_stamps(os.path.dirname(stamp), stamp)
        except OSError:
            pass
    return True


_STAMPS_KEPT = 32  # a stamp per rules directory: checkouts, virtual environments, test copies


def _prune_stamps(directory: str, written: str) -> None:
    """Keep the `_STAMPS_KEPT` most recently written rule-index stamps, `written` among them.
    Each checkout, virtual environment or temporary copy of dockerlint leaves one (96 had piled
    up on one machine); done only when a stamp is written, so a run that finds its own pays
    nothing. A pruned stamp costs its directory one reading of the rule files, once."""
    stamps = []
    for entry in os.scandir(directory):
        # (a name with a dot is another process's stamp being written)
        if entry.name.startswith(STAMP_PREFIX) and "." not in entry.name and entry.path != written:
            try:
                stamps.append((entry.stat().st_mtime_ns, entry.path))
            except OSError:
                pass
    stamps.sort(reverse=True)
    for _, path in stamps[_STAMPS_KEPT - 1 :]:
        try:
            os.remove(path)
        except OSError:
            pass


@lru_cache(maxsize=1)
def index() -> tuple[IndexEntry, ...] | None:
    """The rule index, or None when it is missing or does not match the rule files."""
    try:
        with open(os.path.join(_package_dir(), INDEX_NAME), encoding="utf-8") as f:
            data = json.load(f)
        if not _checksum_matches(data.get("checksum")):
            return None
        return tuple(
            IndexEntry(e["code"], e["name"], e["module"], frozenset(FileKind(k) for k in e["kinds"]),
                       e["enabled_by_default"], frozenset(e["presets"]), e["schema_issue"])
            for e in data["rules"]
        )
    except (OSError, ValueError, KeyError):
        return None


def build_index() -> dict:
    return {
        "checksum": rules_checksum(),
        "rules": [
            {
                "code": r.code,
                "name": r.name,
                "module": r.__module__,
                "kinds": sorted(k.value for k in r.kinds),
                "enabled_by_default": r.enabled_by_default,
                "presets": sorted(r.presets),
                "schema_issue": bool(getattr(r, "schema_issue", None)),
            }
            for r in all_rules()
        ],
    }


def write_index() -> str:
    path = os.path.join(_package_dir(), INDEX_NAME)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(build_index(), f, indent=1, sort_keys=True)
        f.write("\n")
    for cached in (index, rule_class, has_rule):
        cached.cache_clear()
    return path


def _entries():
    """Index entries when fresh, else the rule classes themselves (same attribute names)."""
    fresh = index()
    return fresh if fresh is not None else all_rules()


@lru_cache(maxsize=None)
def has_rule(code: str) -> bool:
    """Is `code` one of our rules? From the index when fresh: nothing imported."""
    fresh = index()
    if fresh is None:
        return code in by_code()
    return any(e.code == code for e in fresh)


@lru_cache(maxsize=None)
def rule_class(code: str) -> type[Rule] | None:
    """One rule's class, importing only its module when the index is fresh (asked once per
    finding, so remembered)."""
    fresh = index()
    if fresh is None:
        return by_code().get(code)
    entry = next((e for e in fresh if e.code == code), None)
    return _class_of(entry) if entry is not None else None


def _class_of(entry) -> type[Rule]:
    if isinstance(entry, type):
        return entry
    module = importlib.import_module(entry.module)
    for value in vars(module).values():
        if isinstance(value, type) and issubclass(value, Rule) and getattr(value, "code", None) == entry.code:
            return value
    raise RuntimeError(f"rule {entry.code} not found in {entry.module}: refresh the rule index")


@lru_cache(maxsize=1)
def all_rules() -> tuple[type[Rule], ...]:
    import dockerlint.rules as package

    found: dict[str, type[Rule]] = {}
    import pkgutil

    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, Rule)
                and value is not Rule
                and value.__module__ == module.__name__
                and getattr(value, "code", None)
            ):
                if value.code in found:
                    raise RuntimeError(f"duplicate rule code {value.code} in {module.__name__}")
                found[value.code] = value
    return tuple(sorted(found.values(), key=lambda r: r.code))


@lru_cache(maxsize=1)
def by_code() -> dict[str, type[Rule]]:
    rules = {r.code: r for r in all_rules()}
    return rules


@lru_cache(maxsize=1)
def by_name() -> dict[str, type[Rule]]:
    return {r.name: r for r in all_rules()}


def lookup(code_or_name: str) -> type[Rule] | None:
    key = code_or_name.strip()
    entry = next((e for e in _entries() if e.code == key.upper() or e.name == key.lower()), None)
    return _class_of(entry) if entry is not None else None


def _alias_key(alias: str) -> str:
    """One spelling per peer id: `AVD-DS-0017` = `DS017` = `DS-0017`, `KSV012` = `AVD-KSV-0012`,
    `hadolint:DL3014` = `DL3014`; case-insensitive."""
    import re

    key = alias.strip().upper()
    for prefix in ("HADOLINT:", "BUILDKIT:", "KUBE-LINTER:", "POLARIS:", "KUBE-SCORE:"):
        if key.startswith(prefix) and prefix != "HADOLINT:":
            return key
    key = key.removeprefix("HADOLINT:")
    m = re.fullmatch(r"(?:AVD-)?(DS|KSV|KCV)-?0*(\d+)", key)
    return f"{m.group(1)}-{int(m.group(2)):04d}" if m else key


def by_alias(alias: str) -> list[type[Rule]]:
    """The rules carrying `alias` (Checkov, Trivy, kube-linter, BuildKit ids...), by code."""
    key = _alias_key(alias)
    if not key:
        return []
    return [r for r in all_rules() if any(_alias_key(a) == key for a in r.aliases)]


def presets() -> set[str]:
    names: set[str] = set()
    for rule in _entries():
        names |= set(rule.presets)
    return names


def is_known_selector(selector: str) -> bool:
    """A selector is ALL, DEFAULT, a preset, a rule name, a code or a code prefix."""
    s = selector.strip()
    if s.upper() in ("ALL", "DEFAULT") or s.lower() in presets():
        return True
    if s.upper().startswith("X"):
        return True  # custom rules (`custom-rules`) are only known once their files are read
    return any(r.code.startswith(s.upper()) or r.name == s.lower() for r in _entries())


def matches(rule: type[Rule], selector: str) -> bool:
    s = selector.strip()
    upper = s.upper()
    if upper == "ALL":
        return True
    if upper == "DEFAULT":
        return rule.enabled_by_default
    if s.lower() in rule.presets or s.lower() == rule.name:
        return True
    return bool(upper) and rule.code.startswith(upper)


def specificity(selector: str) -> int:
    """How specific a selector is: a longer code prefix beats a shorter one (like ruff)."""
    s = selector.strip().upper()
    if s in ("ALL", "DEFAULT"):
        return 0
    return len(s)


def rule_selected(rule: type[Rule], select: list[str], ignore: list[str]) -> bool:
    """ruff's logic: the most specific matching selector wins; ignore wins ties."""
    best_select = max((specificity(s) for s in select if matches(rule, s)), default=-1)
    best_ignore = max((specificity(s) for s in ignore if matches(rule, s)), default=-1)
    if best_select < 0:
        return False
    if best_ignore < 0:
        return True
    if best_ignore >= best_select:
        return False
    # A more specific select re-enables, but DEFAULT never re-enables an off-by-default rule.
    return True


def custom_rules(directory: str | None = None) -> tuple:
    """The custom rules (`custom-rules`) of the config that applies in `directory` (default: the
    current directory), for `dockerlint rules` and `dockerlint rule XNNN`. ConfigError when a
    rule file is broken."""
    from pathlib import Path

    from dockerlint.config import ConfigResolver
    from dockerlint.settings import Settings

    settings = ConfigResolver(Settings()).for_directory(Path(directory or os.getcwd()).resolve())
    return settings.policies.native if settings.policies is not None else ()


def entries_for(kind: FileKind, select: list[str], ignore: list[str]) -> list:
    """The selected rules of `kind` as index entries (nothing imported when the index is fresh;
    else the classes, which have the same attributes)."""
    return [r for r in _entries() if kind in r.kinds and rule_selected(r, select, ignore)]


def rules_for(kind: FileKind, select: list[str], ignore: list[str]) -> list[type[Rule]]:
    return [_class_of(r) for r in entries_for(kind, select, ignore)]


if __name__ == "__main__":
    import sys

    if sys.argv[1:] == ["--write-index"]:
        print(write_index())
    else:
        print("usage: python -m dockerlint.ruleset --write-index", file=sys.stderr)
        sys.exit(2)
