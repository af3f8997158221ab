"""The CEL runtime for custom rules: Google's CEL C++ through `cel-expr-python` (the `cel`
extra; see bench/cel_libraries.md for why), imported only when a config has custom rules.

Every variable is declared `dyn`: objects are plain dicts/lists from the YAML, so the checker
catches syntax errors, unknown functions and undeclared variables at load time, and field
errors surface when evaluating, as in an admission policy evaluated against unstructured data.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any


class CelUnavailable(Exception):
    pass


class CelCompileError(Exception):
    def __init__(self, message: str, line: int | None = None, column: int | None = None):
        super().__init__(message)
        self.message, self.line, self.column = message, line, column


class CelEvalError(Exception):
    pass


def cel_module():
    try:
        from cel_expr_python import cel
    except ImportError:
        raise CelUnavailable(
            "custom rules need the CEL runtime: the cel extra: pip install cel-expr-python (cel-expr-python, Python >= 3.11)"
        ) from None
    return cel


@lru_cache(maxsize=16)
def environment(variables: tuple[str, ...]):
    """A CEL environment declaring these variables (all `dyn`), the standard extensions and the
    Kubernetes library functions. Cached per variable set: environments are immutable."""
    cel = cel_module()
    from cel_expr_python.ext import ext_bindings, ext_encoders, ext_math, ext_optional, ext_strings

    from dockerlint.policies.k8s_functions import declarations

    # the Kubernetes functions as an extension after the strings one: `indexOf` and
    # `lastIndexOf` gain list overloads instead of clashing with the string ones
    extensions = [ext_strings.ExtStrings(), ext_optional.ExtOptional(), ext_math.ExtMath(),
                  ext_bindings.ExtBindings(), ext_encoders.ExtEncoders(), cel.CelExtension("kubernetes", declarations(cel))]
    return cel.NewEnv(variables={name: cel.Type.DYN for name in variables}, extensions=extensions)


_POSITION = re.compile(r"<input>:(\d+):(\d+): (.*)")


@lru_cache(maxsize=1)
def _error_type():
    return cel_module().Type.ERROR


def activation(variables: tuple[str, ...], data: dict[str, Any]):
    """The values of one evaluation, converted once and reused by every program compiled in the
    same environment (evaluating with a prepared activation is ~40x faster than passing a dict)."""
    return environment(variables).Activation(data)


@dataclass(frozen=True)
class Program:
    """A compiled CEL expression and the variables it was compiled with."""

    source: str
    program: Any
    variables: tuple[str, ...] = ()  # the environment it was compiled in

    def evaluate(self, data: dict[str, Any] | None = None, prepared=None) -> Any:
        """The plain Python result; CelEvalError when the expression evaluates to an error.
        `prepared`: an `activation(self.variables, data)` to reuse."""
        try:
            value = self.program.eval(prepared) if prepared is not None else self.program.eval(data=data)
        except Exception as e:  # the runtime raises for some errors instead of returning them
            raise CelEvalError(_first_line(str(e))) from None
        if value.type() == _error_type():
            raise CelEvalError(_first_line(str(value.value())))
        return value.plain_value()


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else "evaluation error"


def compile_expression(source: str, variables: tuple[str, ...]) -> Program:
    """Compile (parse and check) one expression; CelCompileError with the position inside it."""
    key = tuple(sorted(variables))
    env = environment(key)
    try:
        return Program(source, env.compile(source), key)
    except Exception as e:
        text = str(e)
        m = _POSITION.search(text)
        if m:
            message = m.group(3).split(" [INVALID_ARGUMENT]")[0].strip()
            name = re.match(r"undeclared reference to '(\w+)'", message)
            if name and name.group(1) in UNSUPPORTED:
                message += f": not available offline ({UNSUPPORTED[name.group(1)]})"
            return _raise(message, int(m.group(1)), int(m.group(2)))
        _raise(_first_line(text).replace("INVALID_ARGUMENT: ", ""))


from dockerlint.policies.k8s_functions import UNSUPPORTED  # noqa: E402


def _raise(message: str, line: int | None = None, column: int | None = None):
    raise CelCompileError(message, line, column)


def plain(value: Any, depth: int = 0) -> Any:
    """YAML data -> what CEL accepts: dates become RFC 3339 strings, keys strings; deep nesting
    is cut (a hostile document must not exhaust the C++ stack)."""
    if depth > 200:
        return None
    if isinstance(value, dict):
        return {str(k) if not isinstance(k, (str, int, bool)) else k: plain(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v, depth + 1) for v in value]
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def stringify(value: Any) -> str:
    """How a `{expression}` of a message is shown."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, (list, dict)):
        import json

        return json.dumps(value, default=str)
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("utf-8", "replace")
    return str(value)
