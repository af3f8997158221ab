"""Finds every rule in dockerlint.rules and answers selection queries (codes, prefixes, names)."""
from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache

from dockerlint.model import FileKind
from dockerlint.rule import Rule


@lru_cache(maxsize=1)
def all_rules() -> tuple[type[Rule], ...]:
    import dockerlint.rules as package

    found: dict[str, type[Rule]] = {}
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
    return by_code().get(key.upper()) or by_name().get(key.lower())


def presets() -> set[str]:
    names: set[str] = set()
    for rule in all_rules():
        names |= set(rule.presets)
    return names


def is_known_selector(selector: str) -> bool:
    """A selector is ALL, DEFAULT, a preset, a rule name, a code or a code prefix."""
    s = selector.strip()
    if s.upper() in ("ALL", "DEFAULT") or s.lower() in presets() or lookup(s):
        return True
    if s.upper().startswith("SC"):
        return True  # ShellCheck codes are only known once ShellCheck runs
    return any(r.code.startswith(s.upper()) for r in all_rules())


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


def rules_for(kind: FileKind, select: list[str], ignore: list[str]) -> list[type[Rule]]:
    return [r for r in all_rules() if kind in r.kinds and rule_selected(r, select, ignore)]
