"""Tags and values of YAML scalars as PyYAML's SafeLoader gives them, without importing PyYAML.

Importing PyYAML cost 7-12 ms of every run that reads YAML, serial, before any file is linted
(a tenth of linting 100 manifests), while the C composer needs only its resolver's table and
the rules only the values of strings, booleans, integers, floats and nulls. Here are that table
(YAML 1.1, registered in PyYAML's order: the first pattern that matches gives the tag) and those
constructors, written as PyYAML 6 writes them (`yaml/resolver.py`, `yaml/constructor.py`, MIT
licence); tests/test_yaml_scalars.py holds both equal to the installed PyYAML's. Any other tag
with a safe constructor (timestamp, binary, set, ...) is constructed by PyYAML, imported then.
"""
from __future__ import annotations

import re

STR_TAG = "tag:yaml.org,2002:str"
NULL_TAG = "tag:yaml.org,2002:null"
BOOL_TAG = "tag:yaml.org,2002:bool"
INT_TAG = "tag:yaml.org,2002:int"
FLOAT_TAG = "tag:yaml.org,2002:float"
MERGE_TAG = "tag:yaml.org,2002:merge"

# (tag, pattern, first characters), in the order PyYAML's Resolver registers them
_RESOLVERS = (
    (BOOL_TAG, r'''^(?:yes|Yes|YES|no|No|NO
                    |true|True|TRUE|false|False|FALSE
                    |on|On|ON|off|Off|OFF)$''', re.X, "yYnNtTfFoO"),
    (FLOAT_TAG, r'''^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?
                    |\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?
                    |[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*
                    |[-+]?\.(?:inf|Inf|INF)
                    |\.(?:nan|NaN|NAN))$''', re.X, "-+0123456789."),
    (INT_TAG, r'''^(?:[-+]?0b[0-1_]+
                    |[-+]?0[0-7_]+
                    |[-+]?(?:0|[1-9][0-9_]*)
                    |[-+]?0x[0-9a-fA-F_]+
                    |[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$''', re.X, "-+0123456789"),
    (MERGE_TAG, r'^(?:<<)$', 0, "<"),
    (NULL_TAG, r'''^(?: ~
                    |null|Null|NULL
                    | )$''', re.X, ("~", "n", "N", "")),
    ("tag:yaml.org,2002:timestamp", r'''^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]
                    |[0-9][0-9][0-9][0-9] -[0-9][0-9]? -[0-9][0-9]?
                     (?:[Tt]|[ \t]+)[0-9][0-9]?
                     :[0-9][0-9] :[0-9][0-9] (?:\.[0-9]*)?
                     (?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$''', re.X, "0123456789"),
    ("tag:yaml.org,2002:value", r'^(?:=)$', 0, "="),
    ("tag:yaml.org,2002:yaml", r'^(?:!|&|\*)$', 0, "!&*"),  # PyYAML's, for documentation: never matches a plain scalar
)

# first character -> the resolvers to try (the C composer asks only whether a character has any)
FIRST_CHARS: dict[str, list] = {}
for _tag, _pattern, _flags, _chars in _RESOLVERS:
    for _char in _chars:
        FIRST_CHARS.setdefault(_char, []).append((_tag, _pattern, _flags))
_implicit: dict[str, list] | None = None  # the same, with the patterns compiled (on first use)


def implicit_resolvers() -> dict[str, list]:
    """first character -> [(tag, compiled pattern)], as PyYAML's `yaml_implicit_resolvers`."""
    global _implicit
    if _implicit is None:
        _implicit = {char: [(tag, re.compile(pattern, flags)) for tag, pattern, flags in entries]
                     for char, entries in FIRST_CHARS.items()}
    return _implicit


def resolve_plain(value: str) -> str:
    """The tag PyYAML's resolver gives a plain scalar without a tag."""
    for tag, pattern in implicit_resolvers().get(value[:1], ()):
        if pattern.match(value):
            return tag
    return STR_TAG


_BOOLS = {"yes": True, "no": False, "true": True, "false": False, "on": True, "off": False}
_INF = 1e300
while _INF != _INF * _INF:
    _INF *= _INF
_NAN = -_INF / _INF  # PyYAML's quiet NaN
# the other tags SafeConstructor constructs (PyYAML 6): left to it
_PYYAML_TAGS = frozenset(f"tag:yaml.org,2002:{name}" for name in ("binary", "timestamp", "omap", "pairs", "set", "seq", "map"))
# libyaml's safe loader, for those, made once (the pure-Python one checks its empty stream for
# unprintable characters with the pattern `yaml._import_pyyaml` leaves uncompiled)
_constructor: list = [None]


def construct(tag: str, value: str):
    """What PyYAML's SafeLoader makes of a scalar with this tag and value; a tag it has no
    constructor for (and `<<`, `=`) gives the text. Raises what PyYAML's constructor raises on
    a value the tag does not fit (`!!int abc`)."""
    if tag == STR_TAG:
        return value
    if tag == NULL_TAG:
        return None
    if tag == BOOL_TAG:
        return _BOOLS[value.lower()]
    if tag == INT_TAG:
        return _int(value)
    if tag == FLOAT_TAG:
        return _float(value)
    if tag in _PYYAML_TAGS:
        from dockerlint.parse import yaml as ours

        yaml = ours.pyyaml()
        if _constructor[0] is None:  # only its construct_* methods are used
            _constructor[0] = ours.SAFE_LOADER("")
        return yaml.SafeLoader.yaml_constructors[tag](_constructor[0], yaml.ScalarNode(tag, value))
    return value


def _int(value: str) -> int:
    value = value.replace("_", "")
    sign = -1 if value[0] == "-" else 1
    if value[0] in "+-":
        value = value[1:]
    if value == "0":
        return 0
    if value.startswith("0b"):
        return sign * int(value[2:], 2)
    if value.startswith("0x"):
        return sign * int(value[2:], 16)
    if value[0] == "0":
        return sign * int(value, 8)
    if ":" in value:  # sexagesimal: 1:30 is 90
        number = 0
        for digit in (int(part) for part in value.split(":")):
            number = number * 60 + digit
        return sign * number
    return sign * int(value)


def _float(value: str) -> float:
    value = value.replace("_", "").lower()
    sign = -1 if value[0] == "-" else 1
    if value[0] in "+-":
        value = value[1:]
    if value == ".inf":
        return sign * _INF
    if value == ".nan":
        return _NAN
    if ":" in value:  # summed from the last part up, as PyYAML does
        number, base = 0.0, 1
        for digit in reversed([float(part) for part in value.split(":")]):
            number += digit * base
            base *= 60
        return sign * number
    return sign * float(value)

