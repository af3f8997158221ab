"""The ShellCheck codes we do not check natively: rules provided by the ShellCheck binary.

Generated from the table in `dockerlint.shellcheck.codes` (one rule class per row), so each
code is listed by `dockerlint rules`, explained by `dockerlint rule SCxxxx` and selected like
any rule. They are off by default: they need the optional `shellcheck` binary (`pip install
dockerlint[shellcheck]`). Whatever number of them is selected, the binary runs once per file
(`ctx.cached`: all RUN scripts in one batched call), and codes the native rules check are
left to those (no duplicates).
"""
from __future__ import annotations

from dockerlint.model import FileKind, Severity
from dockerlint.parse.shell_checks import NATIVE_CODES
from dockerlint.rule import Rule
from dockerlint.shellcheck.codes import CODES

_LEVELS = {"error": Severity.ERROR, "warning": Severity.WARNING, "info": Severity.INFO, "style": Severity.STYLE}


class ShellCheckBinaryRule(Rule):
    """Base of the generated rules (not a rule itself: it has no code)."""

    kinds = frozenset({FileKind.DOCKERFILE})
    enabled_by_default = False

    def check(self, ctx):
        from dockerlint.shellcheck import runner

        result = ctx.cached("shellcheck_binary", lambda: _run(ctx))
        if result is None:
            _missing(ctx, runner)
            return
        for finding in result:
            if finding.code == ctx.rule.code:
                finding.name = ctx.rule.name
                ctx.findings.append(finding)
        # Codes the binary found that have no row in the table: still reported, once, when
        # the selection covers them (they are real ShellCheck findings).
        if not ctx.cached("shellcheck_binary_unknown", lambda: False):
            ctx._cache["shellcheck_binary_unknown"] = True
            known = {row[0] for row in CODES}
            ctx.findings.extend(f for f in result if f.code not in known and runner.code_selected(f.code, ctx.settings))


def _run(ctx):
    """Every non-native SC finding for this file, or None when the binary is missing/failed."""
    from dockerlint.shellcheck import runner

    binary = runner.find_binary()
    if binary is None:
        return None
    from dockerlint.rulekit.runs import cached_run_scripts

    jobs = runner.plan(ctx.dockerfile, ctx.source, scripts=cached_run_scripts(ctx))
    if not jobs:
        return []
    results = runner.run_shellcheck(binary, [job.text for job in jobs])
    if results is None:
        return []
    from dockerlint.settings import Settings

    every = Settings(select=["SC"])
    found = runner.findings_for(jobs, results, ctx.source, every, ctx.path, skip=NATIVE_CODES)
    # `# shellcheck disable=` on a RUN's continuation lines: the binary never sees those lines
    from dockerlint.parse.shell_checks_extra import code_in
    from dockerlint.rulekit.shell_native import continuation_scopes

    scopes = continuation_scopes(ctx.dockerfile, jobs)
    return [f for f in found if not any(a <= f.span.start < b and code_in(f.code, codes) for a, b, codes in scopes)]


def _missing(ctx, runner) -> None:
    code = ctx.rule.code
    selectors = [s.strip().upper() for s in (*ctx.settings.select, *ctx.settings.extend_select)]
    if any(s.startswith("SC") and code.startswith(s) for s in selectors):
        runner._warn_once(
            "missing",
            "ShellCheck codes (SC) were selected but the `shellcheck` binary was not found; "
            "install it with `pip install dockerlint[shellcheck]` (or put shellcheck on PATH). "
            "The codes it provides were skipped; the native ones (SC2086, SC2046...) still ran.",
        )


def _make(code: str, level: str, name: str, description: str) -> type[Rule]:
    doc = f"""
    ## What it does
    {description}

    ## Why is this bad?
    ShellCheck's {code}, run by the ShellCheck binary on every RUN script (with hadolint's
    conventions: the shell from SHELL, ARG/ENV variables defined). Not checked natively, so it
    needs `pip install dockerlint[shellcheck]` and is off by default: select it with
    `--select {code}` (or `SC` for every ShellCheck code). See ShellCheck's own documentation
    of {code} for the details.
    """
    return type(
        f"ShellCheck{code}",
        (ShellCheckBinaryRule,),
        {
            "__doc__": doc,
            "__module__": __name__,
            "code": code,
            "name": f"shellcheck-{name}",
            "severity": _LEVELS[level],
            "aliases": (f"hadolint:{code}", f"ShellCheck:{code}"),
            # No examples: their findings come from the optional binary, so the generic example
            # test could not check them (tests/test_shellcheck.py runs the binary instead).
            "examples": [],
            "provided_by": "the ShellCheck binary",
        },
    )


for _row in CODES:
    if _row[0] not in NATIVE_CODES:
        globals()[f"ShellCheck{_row[0]}"] = _make(*_row)
del _row
