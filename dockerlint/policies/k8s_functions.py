"""The Kubernetes CEL library functions that admission policies commonly use, for offline
evaluation: quantity, url, regex (`find`, `findAll`) and the lists extension (`isSorted`,
`sum`, `min`, `max`, `indexOf`, `lastIndexOf`). Semantics follow
https://kubernetes.io/docs/reference/using-api/cel/ ; a Quantity or URL value is carried as a
one-key map (`{"__quantity__": "1Gi"}`), which only these functions look into.

Not available offline, with a clear message when a policy uses them: `ip`/`cidr` (network
library), `semver`, `format.*` named formats, and `authorizer` (needs the cluster's RBAC).
"""
from __future__ import annotations

import re
import urllib.parse
from decimal import Decimal, InvalidOperation
from fractions import Fraction

UNSUPPORTED = {
    "ip": "the Kubernetes IP library", "isIP": "the Kubernetes IP library", "cidr": "the Kubernetes CIDR library",
    "isCIDR": "the Kubernetes CIDR library", "semver": "the Kubernetes semver library", "isSemver": "the Kubernetes semver library",
    "authorizer": "authorization checks (they need the cluster's RBAC)",
}

_QUANTITY = re.compile(r"^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$")
_BINARY = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "Ei": 2**60}
_DECIMAL = {"n": Fraction(1, 10**9), "u": Fraction(1, 10**6), "m": Fraction(1, 1000), "": Fraction(1), "k": Fraction(10**3),
            "M": Fraction(10**6), "G": Fraction(10**9), "T": Fraction(10**12), "P": Fraction(10**15), "E": Fraction(10**18)}
Q, U = "__quantity__", "__url__"


class FunctionError(ValueError):
    pass


def parse_quantity(text: str) -> Fraction:
    m = _QUANTITY.match(text.strip()) if isinstance(text, str) else None
    if m is None:
        raise FunctionError(f"quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$': {text!r}")
    try:
        number = Fraction(Decimal(m.group(1)))
    except InvalidOperation:
        raise FunctionError(f"invalid quantity {text!r}") from None
    suffix = m.group(2) or ""
    if suffix in _BINARY:
        return number * _BINARY[suffix]
    if suffix in _DECIMAL:
        return number * _DECIMAL[suffix]
    return number * Fraction(10) ** int(suffix[1:])


def _q(value) -> Fraction:
    if isinstance(value, dict) and Q in value:
        return parse_quantity(value[Q])
    if isinstance(value, int) and not isinstance(value, bool):
        return Fraction(value)
    raise FunctionError("expected a quantity")


def _qv(number: Fraction) -> dict:
    text = str(number.numerator) if number.denominator == 1 else f"{float(number)!r}"
    return {Q: text}


def quantity(text):
    parse_quantity(text)
    return {Q: text}


def is_quantity(text) -> bool:
    try:
        parse_quantity(text)
        return True
    except FunctionError:
        return False


def as_integer(q) -> int:
    value = _q(q)
    if value.denominator != 1 or not -(2**63) <= value.numerator < 2**63:
        raise FunctionError("cannot convert value to integer")
    return value.numerator


def _parse_url(text: str) -> urllib.parse.SplitResult:
    parts = urllib.parse.urlsplit(text)
    if not (parts.scheme and (parts.netloc or text.startswith("/"))) and not text.startswith("/"):
        raise FunctionError(f"URL {text!r} must be an absolute URI or an absolute path")
    return parts


def url(text):
    _parse_url(text)
    return {U: text}


def is_url(text) -> bool:
    try:
        _parse_url(text)
        return True
    except (FunctionError, ValueError):
        return False


def _u(value) -> urllib.parse.SplitResult:
    if isinstance(value, dict) and U in value:
        return urllib.parse.urlsplit(value[U])
    raise FunctionError("expected a URL")


def _hostname(value) -> str:
    host = _u(value).hostname or ""
    return host


def _port(value) -> str:
    netloc = _u(value).netloc
    if netloc.startswith("["):
        _, _, rest = netloc.partition("]")
        return rest[1:] if rest.startswith(":") else ""
    return netloc.rsplit(":", 1)[1] if ":" in netloc.rpartition("@")[2] else ""


def _query(value) -> dict:
    out: dict[str, list[str]] = {}
    for k, v in urllib.parse.parse_qsl(_u(value).query, keep_blank_values=True):
        out.setdefault(k, []).append(v)
    return out


def _find(s, pattern) -> str:
    m = _regex(pattern).search(s)
    return m.group(0) if m else ""


def _find_all(s, pattern, limit=-1) -> list:
    found = [m.group(0) for m in _regex(pattern).finditer(s)]
    return found if limit < 0 else found[:limit]


def _regex(pattern: str) -> re.Pattern:
    try:
        return re.compile(pattern)
    except re.error as e:
        raise FunctionError(f"invalid regular expression {pattern!r}: {e}") from None


def _numbers(items) -> list:
    if not items:
        raise FunctionError("min/max of an empty list")
    return list(items)


def _sum(items):
    total = 0
    for x in items:
        total = total + x
    return total


def _index_of(items, value) -> int:
    return next((i for i, x in enumerate(items) if x == value), -1)


def _last_index_of(items, value) -> int:
    return next((i for i in range(len(items) - 1, -1, -1) if items[i] == value), -1)


def declarations(cel) -> list:
    """The CEL function declarations of this library, for cel-expr-python's NewEnv."""
    T = cel.Type
    D, S, B, I, F = T.DYN, T.STRING, T.BOOL, T.INT, T.DOUBLE
    M = T.Map(T.STRING, T.DYN)
    L = T.List(T.DYN)

    def fn(name, *overloads):
        return cel.FunctionDecl(name, [cel.Overload(oid, ret, params, is_member=member, impl=impl)
                                       for oid, ret, params, member, impl in overloads])

    return [
        fn("quantity", ("k8s_quantity_string", M, [S], False, quantity)),
        fn("isQuantity", ("k8s_is_quantity_string", B, [S], False, is_quantity)),
        fn("sign", ("k8s_quantity_sign", I, [M], True, lambda q: (_q(q) > 0) - (_q(q) < 0))),
        fn("isInteger", ("k8s_quantity_is_integer", B, [M], True, lambda q: _q(q).denominator == 1)),
        fn("asInteger", ("k8s_quantity_as_integer", I, [M], True, as_integer)),
        fn("asApproximateFloat", ("k8s_quantity_as_float", F, [M], True, lambda q: float(_q(q)))),
        fn("add", ("k8s_quantity_add_quantity", M, [M, M], True, lambda a, b: _qv(_q(a) + _q(b))),
           ("k8s_quantity_add_int", M, [M, I], True, lambda a, b: _qv(_q(a) + b))),
        fn("sub", ("k8s_quantity_sub_quantity", M, [M, M], True, lambda a, b: _qv(_q(a) - _q(b))),
           ("k8s_quantity_sub_int", M, [M, I], True, lambda a, b: _qv(_q(a) - b))),
        fn("isLessThan", ("k8s_quantity_less", B, [M, M], True, lambda a, b: _q(a) < _q(b))),
        fn("isGreaterThan", ("k8s_quantity_greater", B, [M, M], True, lambda a, b: _q(a) > _q(b))),
        fn("compareTo", ("k8s_quantity_compare", I, [M, M], True, lambda a, b: (_q(a) > _q(b)) - (_q(a) < _q(b)))),
        fn("url", ("k8s_url_string", M, [S], False, url)),
        fn("isURL", ("k8s_is_url_string", B, [S], False, is_url)),
        fn("getScheme", ("k8s_url_scheme", S, [M], True, lambda u: _u(u).scheme)),
        fn("getHost", ("k8s_url_host", S, [M], True, lambda u: _u(u).netloc.rpartition("@")[2])),
        fn("getHostname", ("k8s_url_hostname", S, [M], True, _hostname)),
        fn("getPort", ("k8s_url_port", S, [M], True, _port)),
        fn("getEscapedPath", ("k8s_url_path", S, [M], True, lambda u: _u(u).path)),
        fn("getQuery", ("k8s_url_query", T.Map(T.STRING, L), [M], True, _query)),
        fn("find", ("k8s_string_find", S, [S, S], True, _find)),
        fn("findAll", ("k8s_string_find_all", L, [S, S], True, _find_all),
           ("k8s_string_find_all_n", L, [S, S, I], True, _find_all)),
        fn("isSorted", ("k8s_list_is_sorted", B, [L], True, lambda items: all(a <= b for a, b in zip(items, items[1:])))),
        fn("sum", ("k8s_list_sum", D, [L], True, _sum)),
        fn("min", ("k8s_list_min", D, [L], True, lambda items: min(_numbers(items)))),
        fn("max", ("k8s_list_max", D, [L], True, lambda items: max(_numbers(items)))),
        fn("indexOf", ("k8s_list_index_of", I, [L, D], True, _index_of)),
        fn("lastIndexOf", ("k8s_list_last_index_of", I, [L, D], True, _last_index_of)),
    ]
