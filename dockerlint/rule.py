"""The rule API: one small class per rule, carrying its own docs and examples.

A rule reports spans, messages and optional fixes through `Context.report`; it never reads
files, formats output or knows which reporter is used. Its docstring holds the user docs in
fixed sections, and its `examples` are at once its tests and the examples of its docs page.
"""
from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass

TYPE_CHECKING = False  # (typing.TYPE_CHECKING: typing is not imported at run time, ~2 ms)
if TYPE_CHECKING:
    from typing import Any, Callable, ClassVar, Iterable

from dockerlint.model import Applicability, FileKind, Finding, Fix, Severity, SourceText, Span

def _cleandoc(doc: str) -> str:
    """inspect.cleandoc without importing inspect (start-up time): the first line stripped,
    the rest dedented."""
    first, _, rest = doc.expandtabs().partition("\n")
    return (first.strip() + "\n" + textwrap.dedent(rest)).strip()


class Example:
    """One example of a rule: its text, whether the rule reports it, and what is expected.

    `ok()` and `bad()` build them at import time for every rule; the dedenting of their texts
    is left to the first read (most runs never read an example)."""

    __slots__ = ("_text", "_fixed", "_dedent", "expect_finding", "count", "config", "filename", "at", "message")

    def __init__(
        self,
        text: str,
        expect_finding: bool,
        fixed: str | None = None,  # expected text after applying this rule's fixes (unsafe included)
        count: int | None = None,  # exact number of findings expected, when given
        config: dict[str, Any] | None = None,  # settings for this example (as in [tool.dockerlint])
        filename: str | None = None,  # file name to lint as (decides the kind when ambiguous)
        at: tuple[tuple[int, int], ...] | None = None,  # (line, column) of each finding, 1-based, in order
        message: str | None = None,  # a fragment every finding's message contains
        *,
        dedent: bool = False,
    ):
        self._text, self._fixed, self._dedent = text, fixed, dedent
        self.expect_finding, self.count, self.config, self.filename = expect_finding, count, config, filename
        self.at, self.message = at, message

    @staticmethod
    def _clean(text: str) -> str:
        return textwrap.dedent(text).lstrip("\n")

    @property
    def text(self) -> str:
        if self._dedent:
            self._text, self._dedent = self._clean(self._text), False
            if self._fixed is not None:
                self._fixed = self._clean(self._fixed)
        return self._text

    @property
    def fixed(self) -> str | None:
        self.text  # noqa: B018 - dedents both
        return self._fixed

    def __repr__(self) -> str:
        return f"Example({'bad' if self.expect_finding else 'ok'}, {self.text!r})"


def _positions(at) -> tuple[tuple[int, int], ...] | None:
    """`at=(2, 5)` or `at=[(2, 5), (4, 1)]` -> ((2, 5),) / ((2, 5), (4, 1))."""
    if at is None:
        return None
    if len(at) == 2 and all(isinstance(x, int) for x in at):
        return (tuple(at),)
    return tuple(tuple(p) for p in at)


def ok(text: str, *, config: dict | None = None, filename: str | None = None) -> Example:
    return Example(text, False, config=config, filename=filename, dedent=True)


def bad(
    text: str,
    fixed: str | None = None,
    *,
    at=None,
    message: str | None = None,
    count: int | None = None,
    config: dict | None = None,
    filename: str | None = None,
) -> Example:
    """An example the rule reports: `at` gives where ((line, column), 1-based, or a list of
    them in order: the finding count too), `message` a fragment of every finding's message,
    `fixed` the text after the rule's fixes (unsafe ones included)."""
    return Example(
        text, True, fixed, count, config=config, filename=filename, at=_positions(at), message=message, dedent=True
    )


@dataclass(frozen=True)
class Option:
    """A typed rule option with its default, validated when config is loaded."""

    type: type | tuple[type, ...]
    default: Any
    help: str = ""


class Rule:
    code: ClassVar[str]
    name: ClassVar[str]  # kebab-case, usable anywhere a code is
    kinds: ClassVar[frozenset[FileKind]]
    severity: ClassVar[Severity] = Severity.WARNING
    aliases: ClassVar[tuple[str, ...]] = ()  # the same check in other tools: "CKV_DOCKER_7", "BuildKit:FromAsCasing"
    enabled_by_default: ClassVar[bool] = True
    presets: ClassVar[frozenset[str]] = frozenset()  # e.g. {"pss-baseline", "pss-restricted"}
    # For Dockerfile rules: "all" stages, or only the stages in the "final" image.
    stages: ClassVar[str] = "all"
    options: ClassVar[dict[str, Option]] = {}
    examples: ClassVar[list[Example]] = []
    security: ClassVar[bool] = False  # a security rule (SARIF security-severity, tags)
    # Judges a whole image or pod (a non-root USER, a slim base, a hardened securityContext,
    # resources, probes): the minimal "Use instead" example of another rule's page need not
    # satisfy it.
    whole_object: ClassVar[bool] = False
    # Its verdict depends on the date (end-of-life data): docs examples are not held to it.
    judged_by_date: ClassVar[bool] = False
    # Judges an object's namespace, which a rendered Helm chart shows as `default` when Helm sets
    # it at install time (`.Release.Namespace`): such findings are not reported on charts.
    judges_namespace: ClassVar[bool] = False
    # The code of a rule judging the same concept at the same place (DF106 -> DL3000): when both
    # report a finding starting at the same position, one finding is shown, the other rule's
    # code and aliases become its aliases (dockerlint/engine.py).
    same_finding_as: ClassVar[str | None] = None

    def check(self, ctx: "Context") -> None:  # pragma: no cover - every rule overrides
        raise NotImplementedError

    # ---- docs -----------------------------------------------------------------------------
    @classmethod
    def doc_sections(cls) -> dict[str, str]:
        doc = _cleandoc(cls.__doc__ or "")
        sections: dict[str, str] = {}
        current = "Summary"
        lines: list[str] = []
        for line in doc.splitlines():
            m = re.match(r"^##\s+(.*?)\s*$", line)
            if m:
                sections[current] = "\n".join(lines).strip()
                current, lines = m.group(1), []
            else:
                lines.append(line)
        sections[current] = "\n".join(lines).strip()
        return {k: v for k, v in sections.items() if v}

    @classmethod
    def summary(cls) -> str:
        what = cls.doc_sections().get("What it does", "")
        first = what.split("\n\n")[0].replace("\n", " ").strip()
        return first or cls.name

    @classmethod
    def fixable(cls) -> bool:
        return any(e.fixed is not None for e in cls.examples)

    @classmethod
    def docs_url(cls) -> str:
        from dockerlint.docs import rule_url  # the generated docs/rules page (configurable base)

        return rule_url(cls.code)

    @classmethod
    def option_values(cls, overrides: dict[str, Any] | None) -> dict[str, Any]:
        values = {name: opt.default for name, opt in cls.options.items()}
        values.update(overrides or {})
        return values


class Context:
    """What a rule sees of one file: the parsed model, settings, and `report`."""

    def __init__(
        self,
        *,
        path: str,
        kind: FileKind,
        source: SourceText,
        model: Any,
        settings: Any,
        options: dict[str, Any] | None = None,
    ):
        self.path = path
        self.kind = kind
        self.source = source
        self.model = model
        self.settings = settings
        self.options = options or {}
        self.rule: type[Rule] | None = None
        self.findings: list[Finding] = []
        self._cache: dict[str, Any] = {}
        self.related: dict[str, str | None] = {}  # other files read -> digest (None: absent)

    def read_related(self, path: str) -> str | None:
        """The text of another file a rule's verdict depends on (`.dockerignore`, ...), or None
        when it cannot be read. Recorded, so a cached result is dropped when that file changes."""
        from dockerlint.files import digest_of

        try:
            with open(path, encoding="utf-8", errors="replace") as f:
                text = f.read()
        except OSError:
            self.related[path] = None
            return None
        self.related[path] = digest_of(text)
        return text

    # Convenience views of the model, typed by kind.
    @property
    def dockerfile(self):
        return self.model

    @property
    def documents(self):
        return self.model

    def cached(self, key: str, compute: Callable[[], Any]) -> Any:
        """Share derived analyses (shell parses, workload lists) between rules of one file."""
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]

    def report(
        self,
        span: Span,
        message: str,
        *,
        fix: Fix | None = None,
        severity: Severity | None = None,
        aliases: Iterable[str] | None = None,
    ) -> None:
        rule = self.rule
        assert rule is not None, "report() called outside a rule's check()"
        self.findings.append(
            Finding(
                code=rule.code,
                name=rule.name,
                severity=severity if severity is not None else rule.severity,
                message=message,
                span=span,
                path=self.path,
                fix=fix,
                aliases=tuple(aliases) if aliases is not None else rule.aliases,
                kind=self.kind,
            )
        )


def make_fix(edits, applicability: Applicability = Applicability.SAFE, description: str = "") -> Fix:
    return Fix(tuple(edits), applicability, description)
