"""Where a rule's documentation lives: one page per rule, generated into the repository's
`docs/rules/CODE.md` (`python -m dockerlint.docs --write-rules`).

The base URL defaults to those files on GitHub, pages that exist; set `DOCKERLINT_DOCS_BASE_URL`
to serve them elsewhere (a fork, an internal mirror, a docs site). The code is appended with
`.md`, unless the base holds a `{code}` placeholder (`https://docs.example.com/rules/{code}/`).
"""
from __future__ import annotations

import os

REPOSITORY_URL = "https://github.com/dockerlint/dockerlint"
DEFAULT_DOCS_BASE_URL = f"{REPOSITORY_URL}/blob/main/docs/rules/"
ENV_VAR = "DOCKERLINT_DOCS_BASE_URL"


def docs_base_url() -> str:
    return os.environ.get(ENV_VAR, "").strip() or DEFAULT_DOCS_BASE_URL


def rule_url(code: str) -> str:
    if code.startswith("SC") and code[2:].isdigit():
        return f"https://www.shellcheck.net/wiki/{code}"  # ShellCheck's own page
    base = docs_base_url()
    if "{code}" in base:
        return base.replace("{code}", code)
    return base + ("" if base.endswith("/") else "/") + f"{code}.md"
