import os
import posixpath

from dockerlint.rulekit.buildkit import args_span, arg_words, ignored, parse_dockerignore
from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok

_ROOT_PATTERNS = {"*", "**", "**/*"}
_FIXTURE = "tests/fixtures/df112/Dockerfile"  # examples run from the repository root


def _read_dockerignore(ctx, dockerfile_path: str):
    """The patterns that apply to a build of `dockerfile_path` with its directory as context:
    `<Dockerfile>.dockerignore` beside it wins over the context's `.dockerignore`."""
    if not dockerfile_path or dockerfile_path == "-":
        return None
    context = os.path.dirname(os.path.abspath(dockerfile_path))
    for candidate in (os.path.abspath(dockerfile_path) + ".dockerignore", os.path.join(context, ".dockerignore")):
        text = ctx.read_related(candidate)
        if text is not None:
            return parse_dockerignore(text)
    return None


class CopyIgnoredFile(Rule):
    """`COPY`/`ADD` of a file that `.dockerignore` excludes from the build context.

    ## What it does
    Reads the `.dockerignore` that applies to the Dockerfile (`<name>.dockerignore` next to the
    Dockerfile, else `.dockerignore` in its directory, taken as the build context) and flags a
    `COPY` or `ADD` source from the build context that it excludes: `COPY .env /app/` with `.env`
    in `.dockerignore`.

    ## Why is this bad?
    Excluded files never reach the builder: the instruction fails with "not found", or, for a
    directory or a wildcard, silently copies less than intended.

    ## Scope
    Every stage; `COPY --from`, URLs, heredocs and sources with variables are skipped. As in
    BuildKit, nothing is reported when `.dockerignore` has exception patterns (`!keep.txt`),
    whose effect cannot be decided without the files. The build context is assumed to be the
    Dockerfile's directory; the rule is silent for standard input and when there is no
    `.dockerignore`.

    ## Compared with other tools
    Docker build check `CopyIgnoredFile` (experimental in BuildKit; same meaning, except that a
    source written with a leading `/`, which is relative to the context root, is checked too).
    hadolint has no equivalent.
    """

    code = "DF112"
    name = "copy-ignored-file"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.WARNING
    aliases = ("BuildKit:CopyIgnoredFile",)
    examples = [
        # tests/fixtures/df112/.dockerignore excludes .env, node_modules and **/*.log
        bad("FROM node:20-slim\nCOPY .env package.json /app/\n", filename=_FIXTURE, at=(2, 6)),
        bad("FROM node:20-slim\nADD ./node_modules/left-pad /app/node_modules/left-pad\n", filename=_FIXTURE, at=(2, 5)),
        ok("FROM node:20-slim\nCOPY package.json src /app/\n", filename=_FIXTURE),
        ok("FROM alpine:3.20\nCOPY . /app\n"),
        ok("FROM alpine:3.20 AS build\nFROM scratch\nCOPY --from=build /etc/passwd /etc/passwd\n"),
    ]

    def check(self, ctx):
        patterns = ctx.cached("dockerignore", lambda: _read_dockerignore(ctx, ctx.path))
        if not patterns or any(p.exclusion for p in patterns):
            return
        root_ignored = any(p.text in _ROOT_PATTERNS for p in patterns)
        for ins in ctx.dockerfile.instructions:
            if ins.keyword not in ("COPY", "ADD") or ins.json is not None:
                continue
            if ins.keyword == "COPY" and ins.flag("from") is not None:
                continue
            words = arg_words(ins)
            for word in words[:-1]:
                src = word.text
                if src.startswith("<<") or "$" in src or "://" in src or src.startswith("git@"):
                    continue
                if any(c in src for c in "\"'\\"):
                    continue
                path = posixpath.normpath(src).lstrip("/") or "."
                if path == ".":
                    hit = root_ignored
                else:
                    hit = ignored(patterns, path)
                if hit:
                    verb = "Copy" if ins.keyword == "COPY" else "Add"
                    ctx.report(
                        args_span(ins, word.start, word.end),
                        f'Attempting to {verb} file "{path}" that is excluded by .dockerignore',
                    )
