"""The rule API: one small class per rule, carrying its own docs and examples.

A rule reports spans, messages and optional fixes through `Context.report`; it never reads
files, formats output or knows which reporter is used. Its docstring holds the user docs in
fixed sections, and its `examples` are at once its tests and the examples of its docs page.
"""
from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass, field
from typing import Any, Callable, ClassVar, Iterable

from dockerlint.model import Applicability, FileKind, Finding, Fix, Severity, SourceText, Span

REQUIRED_SECTIONS = ("What it does", "Why is this bad?")


def _cleandoc(doc: str) -> str:
    """inspect.cleandoc without importing inspect (start-up time): the first line stripped,
    the rest dedented."""
    first, _, rest = doc.expandtabs().partition("\n")
    return (first.strip() + "\n" + textwrap.dedent(rest)).strip()


@dataclass(frozen=True)
class Example:
    text: str
    expect_finding: bool
    fixed: str | None = None  # expected text after applying this rule's fixes (unsafe included)
    count: int | None = None  # exact number of findings expected, when given
    config: dict[str, Any] | None = None  # settings for this example (as in [tool.dockerlint])
    filename: str | None = None  # file name to lint as (decides the kind when ambiguous)


def ok(text: str, *, config: dict | None = None, filename: str | None = None) -> Example:
    return Example(textwrap.dedent(text).lstrip("\n"), False, config=config, filename=filename)


def bad(
    text: str,
    fixed: str | None = None,
    *,
    count: int | None = None,
    config: dict | None = None,
    filename: str | None = None,
) -> Example:
    fixed_text = textwrap.dedent(fixed).lstrip("\n") if fixed is not None else None
    return Example(
        textwrap.dedent(text).lstrip("\n"), True, fixed_text, count, config=config, filename=filename
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
    # The code of a rule judging the same concept at the same place (DF106 -> DL3000): when both
    # report a finding starting at the same position, one finding is shown, the other rule's
    # code and aliases become its aliases (dockerlint/overlaps.py).
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
        from dockerlint.links import rule_url  # the generated docs/rules page (configurable base)

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
