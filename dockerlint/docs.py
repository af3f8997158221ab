"""Rule documentation pages, generated from each rule's docstring sections and examples."""
from __future__ import annotations

from dockerlint.rule import Rule

SECTION_ORDER = ("What it does", "Why is this bad?", "Scope", "Options", "Fix safety", "Compared with other tools", "References")


def _example_blocks(rule: type[Rule]) -> tuple[list[str], list[str]]:
    bad_blocks, ok_blocks = [], []
    for e in rule.examples:
        (bad_blocks if e.expect_finding else ok_blocks).append(e.text)
    return bad_blocks, ok_blocks


def _where(example) -> str:
    """"Reported at line 2, column 5." under an example that says where."""
    if not example.at:
        return ""
    places = "; ".join(f"line {line}, column {col}" for line, col in example.at)
    return f"\nReported at {places}.\n"


def _fence(text: str, lang: str) -> str:
    fence = "```"
    while fence in text:
        fence += "`"
    return f"{fence}{lang}\n{text.rstrip()}\n{fence}\n"


def _lang(rule: type[Rule]) -> str:
    kinds = {k.value for k in rule.kinds}
    return "dockerfile" if kinds == {"dockerfile"} else "yaml"


def rule_markdown(rule: type[Rule]) -> str:
    sections = rule.doc_sections()
    lang = _lang(rule)
    out = [f"# {rule.code} `{rule.name}`\n"]
    meta = [
        f"- Default severity: **{rule.severity}**" + ("" if rule.enabled_by_default else " (off by default; enable with `--select " + rule.code + "`)"),
        f"- Applies to: {', '.join(sorted(k.value for k in rule.kinds))}",
    ]
    if "dockerfile" in {k.value for k in rule.kinds}:
        meta.append(f"- Stages: {'every stage' if rule.stages == 'all' else 'stages in the final image only'}")
    if rule.aliases:
        meta.append(f"- Same check as: {', '.join(rule.aliases)}")
    if rule.presets:
        meta.append(f"- Presets: {', '.join(sorted(rule.presets))}")
    meta.append(f"- Fix: {'available' if rule.fixable() else 'none'}")
    out.append("\n".join(meta) + "\n")
    if sections.get("Summary"):
        out.append(sections["Summary"] + "\n")
    for name in SECTION_ORDER:
        if name in sections:
            out.append(f"## {name}\n{sections[name]}\n")
    for name, body in sections.items():
        if name not in SECTION_ORDER and name != "Summary":
            out.append(f"## {name}\n{body}\n")
    bad_blocks, ok_blocks = _example_blocks(rule)
    if bad_blocks:
        out.append("## Example\n" + _fence(bad_blocks[0], lang) + _where(next(e for e in rule.examples if e.expect_finding)))
    fixed = next((e.fixed for e in rule.examples if e.fixed is not None), None)
    if fixed is not None:
        out.append("## Fixed\n" + _fence(fixed, lang))
    if ok_blocks:
        out.append("## Use instead\n" + _fence(ok_blocks[0], lang))
    if rule.options:
        lines = [f"- `{n}` ({getattr(o.type, '__name__', o.type)}, default `{o.default!r}`): {o.help}" for n, o in rule.options.items()]
        out.append("## Configuration\n" + "\n".join(lines) + "\n")
    return "\n".join(out)


def rule_text(rule: type[Rule]) -> str:
    return rule_markdown(rule)


def rule_json(rule: type[Rule]) -> dict:
    return {
        "code": rule.code,
        "name": rule.name,
        "aliases": list(rule.aliases),
        "kinds": sorted(k.value for k in rule.kinds),
        "severity": str(rule.severity),
        "enabled_by_default": rule.enabled_by_default,
        "fixable": rule.fixable(),
        "presets": sorted(rule.presets),
        "summary": rule.summary(),
        "url": rule.docs_url(),
    }
