"""Kinds of input as plug-ins: what the engine, the fix engine and every front end need to
know about one kind of file, in one place each.

A plug-in (one small module per kind, imported only when a file of that kind is seen) says:
- `rule_kinds`: which rules run on it (a Python IaC program is read into the Kubernetes model,
  so the Kubernetes rules run there too);
- `parse(source, documents)`: text -> model, raising a `model.ParseError` subclass with a
  position (YAML kinds reuse the documents detection already parsed);
- `finish(findings, model)`: a step after the rules ran (Python: drop what only the program's
  run time decides);
- `suppress(findings, model, source, settings)`: where its comments and pragmas are and how
  they silence findings;
- `document_count(model)`: the documents a fix must keep (None where that means nothing);
- `fields`: how Kubernetes-style field edits are written in its text (`fixers.fields`);
- `to_dict(model, path)`: the model for `dockerlint ast`;
- `anchor(finding, model, source)`: the finding's normalised source, which a baseline matches
  on (it survives lines moving and reformatting).

A directory-level kind (`directory = True`: a Helm chart) is not one text but a tree whose
findings land in several files: `lint_directory(path, settings)` returns one `FileResult` per
file (or an error result naming the directory's entry file); `fix_directory(path, settings)`
fixes it in memory and returns the results, the changed files and the fixes applied.

Detection (which kind a file is) lives in `dockerlint.parse.detect`: several kinds share one
YAML parse there, and the order of the questions matters. The engine and the fix engine ask
`plugin(kind)` and never branch on a kind themselves.
"""
from __future__ import annotations

import importlib
from functools import lru_cache

TYPE_CHECKING = False  # (typing.TYPE_CHECKING: typing is not imported at run time, ~2 ms)
if TYPE_CHECKING:
    from typing import Any

from dockerlint.model import FileKind, Finding, SourceText

_MODULES = {
    FileKind.DOCKERFILE: "dockerlint.kinds.dockerfile",
    FileKind.KUBERNETES: "dockerlint.kinds.kubernetes",
    FileKind.COMPOSE: "dockerlint.kinds.compose",
    FileKind.PYTHON: "dockerlint.kinds.python",
    FileKind.HELM: "dockerlint.kinds.helm",
    FileKind.KUSTOMIZE: "dockerlint.kinds.kustomize",
}


class KindPlugin:
    """The defaults every plug-in starts from."""

    kind: FileKind
    rule_kinds: frozenset[FileKind]
    label: str  # "Dockerfile", "Kubernetes manifest", ...
    fields = None  # its `fixers.fields` editor: Kubernetes-style field edits in this kind's text
    directory: bool = False  # a tree (a chart), linted through `lint_directory`

    def parse(self, source: SourceText, documents: Any = None) -> Any:  # pragma: no cover - every plug-in overrides
        raise NotImplementedError

    def lint_directory(self, path: str, settings) -> list:  # pragma: no cover - directory kinds override
        raise NotImplementedError

    def fix_directory(self, path: str, settings) -> tuple:  # pragma: no cover - directory kinds override
        """(results after fixing, [(path, before, after, encoding)] changed, code -> fixes applied)."""
        raise NotImplementedError

    def internal_error(self, path: str, entry: str, error: Exception) -> list:
        """A bug of ours while linting a directory: one error result at its entry file (e.g.
        Chart.yaml), never a traceback, and the run goes on."""
        import os

        from dockerlint.model import FileError, FileResult

        where = os.path.join(path, entry)
        message = f"internal error linting this {self.label} ({type(error).__name__}: {error}); please report it"
        return [FileResult(where, self.kind, error=FileError(where, message, code="E001", kind=self.kind))]

    def finish(self, findings: list[Finding], model: Any) -> list[Finding]:
        return findings

    def suppress(self, findings: list[Finding], model: Any, source: SourceText, settings) -> list[Finding]:
        return findings

    def document_count(self, model: Any) -> int | None:
        return None

    def to_dict(self, model: Any, path: str) -> dict:  # pragma: no cover - every plug-in overrides
        raise NotImplementedError

    def anchor(self, finding: Finding, model: Any, source: SourceText) -> str:
        """By default the finding's lines with whitespace folded."""
        last = finding.span.end_line
        if last > finding.span.line and finding.span.end_col == 1:
            last -= 1
        return " ".join(" ".join(source.line_text(n).split()) for n in range(finding.span.line, max(last, finding.span.line) + 1))


@lru_cache(maxsize=None)
def plugin(kind: FileKind) -> KindPlugin:
    """The plug-in of a kind (its module imported on first use)."""
    return importlib.import_module(_MODULES[kind]).PLUGIN


def labels() -> str:
    """"a Dockerfile, Kubernetes manifest, ..." for messages about unrecognised files."""
    return ", ".join(plugin(k).label for k in _MODULES)
