"""The Python kind's finishing step, after the rules ran on the model a program was read into.

- Findings inside an unknown value (a region recorded by the reader) are dropped: the rule
  judged a value the program only computes at run time.
- A rule that does not list the Python kind among its kinds wrote its fix for YAML text (an
  annotation, a list item): that fix is dropped. Rules that list it build their fixes through
  `fixers.fields`, which writes them in the program's own style.
"""
from __future__ import annotations

from dockerlint.model import Finding
from dockerlint.parse.yaml import ScalarNode


def finish(findings: list[Finding], model) -> list[Finding]:
    """Drop findings about unknown values and the YAML-only fixes of rules that do not know
    programs."""
    from dockerlint import ruleset
    from dockerlint.model import FileKind

    findings = drop_unknown(findings, model)
    for f in findings:
        rule = ruleset.rule_class(f.code)
        if f.fix is not None and rule is not None and FileKind.PYTHON not in rule.kinds:
            f.fix = None
    return findings


def drop_unknown(findings: list[Finding], model) -> list[Finding]:
    """Findings inside an unknown value's region, except those at a container's own anchor
    (`name=...`, where missing fields are reported): a container whose name is a parameter is
    still judged on what it writes."""
    regions = model.unknown_regions
    if not regions:
        return findings
    from dockerlint.rulekit.k8s_model import workloads

    anchors = {
        (c.missing_span.start, c.missing_span.end)
        for w in workloads(model)
        for c in w.containers
        if any(type(k) is ScalarNode and k.value in ("name", "image") for k, _ in c.node.pairs)
    }
    return [
        f for f in findings
        if (f.span.start, f.span.end) in anchors
        or not any(start <= f.span.start and f.span.end <= end for start, end in regions)
    ]
