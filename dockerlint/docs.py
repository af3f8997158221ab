"""Rule documentation pages, generated from each rule's docstring sections and examples."""
from __future__ import annotations

from dockerlint.rule import Rule

SECTION_ORDER = ("What it does", "Why is this bad?", "Scope", "Options", "Fix safety", "Compared with other tools", "References")


# Rules that judge a whole image or pod (a non-root USER, a slim base, a digest, a hardened
# securityContext, resources and probes): a minimal "Use instead" example cannot satisfy them
# without burying its point, so they do not count against it.
CONTEXT_RULES = frozenset({
    "DF001", "DF002", "DF003", "DF004",
    "KS002", "KS004", "KS005", "KS006", "KS007", "KS008", "KS019", "KS020", "KS021", "KS022",
    "KS023", "KS024", "KS038", "KS039", "EC003", "EC004",
})
_DEFAULT_NAMES = {"dockerfile": "Dockerfile", "kubernetes": "manifest.yaml", "compose": "compose.yaml", "python": "app.py"}


def example_filename(rule: type[Rule], example) -> str:
    if example.filename:
        return example.filename
    return _DEFAULT_NAMES.get(sorted(k.value for k in rule.kinds)[0], "Dockerfile")


def example_problems(rule: type[Rule], example) -> list[str]:
    """Codes the default rule set (and `rule` itself) reports on an example, context rules aside."""
    from dockerlint.config import apply_dockerlint_table
    from dockerlint.engine import lint_source
    from dockerlint.settings import Settings

    settings = Settings(select=["DEFAULT", rule.code])
    if example.config:
        settings = apply_dockerlint_table(settings, {**example.config, "select": ["DEFAULT", rule.code]}, "<docs>")
    result = lint_source(example.text, example_filename(rule, example), settings)
    codes = sorted({f.code for f in result.findings} - CONTEXT_RULES)
    return codes + (["parse error"] if result.error is not None else [])


def shown_good_example(rule: type[Rule]):
    """The "Use instead" of the rule's page: its first ok example that lints clean; the other ok
    examples are edge cases for the tests (`ARG BASE=debian` + `FROM ${BASE}` is fine for DL3006
    but DF006 flags it, so it is not shown as the thing to write)."""
    oks = [e for e in rule.examples if not e.expect_finding]
    return next((e for e in oks if not example_problems(rule, e)), None)


def _example_blocks(rule: type[Rule]) -> tuple[list[str], list[str]]:
    bad_blocks = [e.text for e in rule.examples if e.expect_finding]
    good = shown_good_example(rule)
    return bad_blocks, [good.text] if good is not None else []


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
        out.append("## Example\n" + _fence(bad_blocks[0], lang))
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
