"""Rule documentation pages, generated from each rule's docstring sections and examples."""
from __future__ import annotations

import os

from functools import lru_cache

from dockerlint.rule import Rule

# ---- where a rule's page lives ----------------------------------------------------------------
# Where a rule's documentation lives: one page per rule, generated into the repository's
# `docs/rules/CODE.md` (`python -m dockerlint.docs --write-rules`).
# 
# The base URL defaults to those files on GitHub, pages that exist; set `DOCKERLINT_DOCS_BASE_URL`
# to serve them elsewhere (a fork, an internal mirror, a docs site). The code is appended with
# `.md`, unless the base holds a `{code}` placeholder (`https://docs.example.com/rules/{code}/`).
REPOSITORY_URL = "https://github.com/dockerlint/dockerlint"
DEFAULT_DOCS_BASE_URL = f"{REPOSITORY_URL}/blob/main/docs/rules/"
ENV_VAR = "DOCKERLINT_DOCS_BASE_URL"


def docs_base_url() -> str:
    return os.environ.get(ENV_VAR, "").strip() or DEFAULT_DOCS_BASE_URL


def rule_url(code: str) -> str:
    if code.startswith("SC") and code[2:].isdigit():
        from dockerlint import ruleset

        if not ruleset.has_rule(code):  # reported by the binary, not in our table: no page here
            return f"https://www.shellcheck.net/wiki/{code}"
    base = docs_base_url()
    if "{code}" in base:
        return base.replace("{code}", code)
    return base + ("" if base.endswith("/") else "/") + f"{code}.md"


SECTION_ORDER = ("What it does", "Why is this bad?", "Scope", "Options", "Fix safety", "Compared with other tools", "References")


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
    from dockerlint import ruleset

    def counts(code: str) -> bool:
        rule_class = ruleset.rule_class(code)
        return not (getattr(rule_class, "whole_object", False) or getattr(rule_class, "judged_by_date", False))

    codes = sorted({f.code for f in result.findings if counts(f.code)})
    return codes + (["parse error"] if result.error is not None else [])


@lru_cache(maxsize=None)  # the rule's own examples: the same answer for the whole process
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
    if kinds == {"dockerfile"}:
        return "dockerfile"
    return "python" if kinds == {"python"} else "yaml"


@lru_cache(maxsize=1)
def _environment():
    """One environment a process, which keeps its compiled templates: a SARIF report renders a
    page for each rule it names, and a new environment compiled the template again each time
    (46 compilations, ~0.1 s, for the Kubernetes corpus)."""
    import jinja2  # only when a page is rendered

    from pathlib import Path

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(Path(__file__).parent / "templates" / "rules")),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
        undefined=jinja2.StrictUndefined,
    )


def _tidy(text: str) -> str:
    """At most one blank line in a row (outside code fences), one final line break."""
    out: list[str] = []
    fence = None
    for line in text.splitlines():
        marker = line.strip()
        if fence is None and marker.startswith("```"):
            fence = marker[: len(marker) - len(marker.lstrip("`"))]
        elif fence is not None and marker == fence:
            fence = None
        elif fence is None and not marker and (not out or not out[-1].strip()):
            continue
        out.append(line)
    return "\n".join(out).strip() + "\n"


def rule_markdown(rule: type[Rule]) -> str:
    from dockerlint.docs import rule_url

    sections = rule.doc_sections()
    lang = _lang(rule)
    meta = [
        f"Default severity: **{rule.severity}**" + ("" if rule.enabled_by_default else " (off by default; enable with `--select " + rule.code + "`)"),
        f"Applies to: {', '.join(sorted(k.value for k in rule.kinds))}",
    ]
    if "dockerfile" in {k.value for k in rule.kinds}:
        meta.append(f"Stages: {'every stage' if rule.stages == 'all' else 'stages in the final image only'}")
    if rule.aliases:
        meta.append(f"Same check as: {', '.join(rule.aliases)}")
    if rule.presets:
        meta.append(f"Presets: {', '.join(sorted(rule.presets))}")
    meta.append(f"Fix: {'available' if rule.fixable() else 'none'}")
    meta.append(f"Documentation: {rule_url(rule.code)}")
    ordered = [(name, sections[name]) for name in SECTION_ORDER if name in sections]
    ordered += [(name, body) for name, body in sections.items() if name not in SECTION_ORDER and name != "Summary"]
    bad_blocks, ok_blocks = _example_blocks(rule)
    # a section the docstring writes itself is not generated a second time
    bad_blocks = [] if "Example" in sections else bad_blocks
    ok_blocks = [] if "Use instead" in sections else ok_blocks
    fixed = next((e.fixed for e in rule.examples if e.fixed is not None), None)
    options = [f"- `{n}` ({getattr(o.type, '__name__', o.type)}, default `{o.default!r}`): {o.help}" for n, o in rule.options.items()]
    page = _environment().get_template("rule.md.j2").render(
        rule=rule,
        meta=meta,
        summary=sections.get("Summary", ""),
        sections=ordered,
        bad=_fence(bad_blocks[0], lang).rstrip("\n") if bad_blocks else "",
        where=_where(next(e for e in rule.examples if e.expect_finding)).strip() if bad_blocks else "",
        fixed=_fence(fixed, lang).rstrip("\n") if fixed is not None else "",
        good=_fence(ok_blocks[0], lang).rstrip("\n") if ok_blocks else "",
        options=options,
    )
    return _tidy(page)


def rules_index_markdown(rules) -> str:
    rows = [
        {
            "code": r.code,
            "name": r.name,
            "kinds": ", ".join(sorted(k.value for k in r.kinds)),
            "default": str(r.severity) if r.enabled_by_default else f"off ({r.severity})",
            "fix": "yes" if r.fixable() else "",
            "summary": r.summary().replace("|", "\\|"),
        }
        for r in rules
    ]
    return _tidy(_environment().get_template("index.md.j2").render(rules=rows))


def rule_pages(rules) -> dict[str, str]:
    """File name -> text of the generated reference, with the default base URL whatever
    DOCKERLINT_DOCS_BASE_URL says (the files in the repository are the default's target)."""
    import os

    from dockerlint.docs import ENV_VAR

    saved = os.environ.pop(ENV_VAR, None)
    try:
        pages = {f"{r.code}.md": rule_markdown(r) for r in rules}
        pages["README.md"] = rules_index_markdown(rules)
    finally:
        if saved is not None:
            os.environ[ENV_VAR] = saved
    return pages


def write_rule_pages(directory: str) -> list[str]:
    """Write docs/rules/CODE.md for every rule and README.md (the index); remove pages of
    rules that no longer exist. Returns the paths written."""
    from pathlib import Path

    from dockerlint import ruleset

    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    rules = ruleset.all_rules()
    pages = rule_pages(rules)
    for old in out.glob("*.md"):
        if old.name not in pages:
            old.unlink()
    written = []
    for name, text in pages.items():
        path = out / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        written.append(str(path))
    return written


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


def main(argv: list[str] | None = None) -> int:
    import argparse
    from pathlib import Path

    parser = argparse.ArgumentParser(prog="python -m dockerlint.docs", description="generate the rule reference")
    parser.add_argument("--write-rules", nargs="?", const=str(Path(__file__).resolve().parents[1] / "docs" / "rules"),
                        metavar="DIR", help="write one page per rule (default: the checkout's docs/rules)")
    args = parser.parse_args(argv)
    if args.write_rules is None:
        parser.print_help()
        return 2
    written = write_rule_pages(args.write_rules)
    print(f"{len(written)} pages in {args.write_rules}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
