from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.package_managers import (
    YARN_VALUE_OPTS, path_below, append_cleanup_fix, command_span, invocations, missing_cleanup,
    mounts, removes_path, runs, stage_persists,
)

YARN_CACHES = ("/root/.cache/yarn", "/usr/local/share/.cache/yarn")
_NOT_INSTALL_FLAGS = frozenset({"-v", "--version", "-h", "--help"})


def is_yarn_install(inv) -> bool:
    """`yarn install ...`, or a bare `yarn` (which is `yarn install`)."""
    if inv.words:
        return inv.verb == "install"
    return not any(w.value in _NOT_INSTALL_FLAGS for w in inv.command.args)


def yarn_cleans(cmd) -> bool:
    if cmd.is_named("yarn"):
        pos = [w.value for w in cmd.positional(YARN_VALUE_OPTS)]
        if pos[:2] == ["cache", "clean"]:
            return True
    return removes_path(cmd, *YARN_CACHES)


def cache_outside_layer(run, inv) -> bool:
    """The yarn cache lives on a cache/tmpfs mount: the default locations, or the folder
    `--cache-folder`/`YARN_CACHE_FOLDER` names."""
    targets = [t for kind, t in mounts(run.instruction) if kind in ("cache", "tmpfs")]
    if not targets:
        return False
    folders = list(YARN_CACHES) + inv.command.flag_values("--cache-folder")
    folders += [v for k, v in inv.command.assignments if k == "YARN_CACHE_FOLDER"]
    return any(path_below(f, t) for f in folders for t in targets)


class YarnCacheClean(Rule):
    """`yarn cache clean` missing after `yarn install` was run.

    ## What it does
    Flags a RUN that runs `yarn install` (or a bare `yarn`) without `yarn cache clean` after
    it, in a stage whose files are kept: the last stage, or a stage another stage is built
    `FROM`. A cache or tmpfs mount on yarn's cache folder (`/root/.cache/yarn`,
    `/usr/local/share/.cache/yarn`, or the `--cache-folder`/`YARN_CACHE_FOLDER` in use) is
    fine.

    ## Why is this bad?
    Yarn (v1) keeps a copy of every package it downloaded in its global cache. In an image
    that copy is dead weight, often as large as `node_modules` itself, and it stays in the
    layer unless the same RUN removes it.

    ## Scope
    Stage-level, like hadolint: a RUN in a stage that nothing is built `FROM` and that is not
    the last stage is not reported. RUNs inside `ONBUILD` are checked as their own pass, and
    all of them are reported. Heredoc RUN bodies are read like RUN lines. The clean-up must
    come after the last install.

    ## Fix safety
    Appends ` && yarn cache clean` to the RUN (on a new continuation line when the RUN
    already spans lines). Safe when the RUN is a plain `a && b` chain with the install one of
    its items: the cache is cleaned only once everything succeeded, and nothing reads it
    later in the image. Unsafe otherwise.

    ## Compared with other tools
    hadolint DL3060, which does not count a bare `yarn` as an install and accepts a
    `yarn cache clean` placed before the install.
    """

    code = "DL3060"
    name = "yarn-cache-clean"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.INFO
    aliases = ("hadolint:DL3060",)
    examples = [
        bad(
            "FROM node:20\nRUN yarn install --frozen-lockfile\n",
            fixed="FROM node:20\nRUN yarn install --frozen-lockfile && yarn cache clean\n",
            at=(2, 5),
        ),
        bad("FROM node:20\nRUN yarn cache clean && yarn\n", fixed="FROM node:20\nRUN yarn cache clean && yarn && yarn cache clean\n", at=(2, 25)),
        bad("FROM node:20 AS deps\nRUN yarn install\nFROM deps\nCMD [\"node\", \"index.js\"]\n", at=(2, 5)),
        ok("FROM node:20\nRUN yarn install --frozen-lockfile && yarn cache clean\n"),
        ok("FROM node:20 AS build\nRUN yarn install && yarn build\nFROM nginx:1.27\nCOPY --from=build /app/dist /usr/share/nginx/html\n"),
        ok("FROM node:20\nRUN --mount=type=cache,target=/yarn YARN_CACHE_FOLDER=/yarn yarn install\n"),
    ]

    def check(self, ctx):
        for run in runs(ctx):
            installs = [i for i in invocations(run, ("yarn",), YARN_VALUE_OPTS) if is_yarn_install(i)]
            installs = [i for i in installs if not cache_outside_layer(run, i)]
            last = missing_cleanup(run, installs, yarn_cleans)
            if last is None:
                continue
            if not run.onbuild and not stage_persists(ctx, run.stage):
                continue
            ctx.report(
                command_span(last),
                "`yarn cache clean` missing after `yarn install` was run.",
                fix=append_cleanup_fix(ctx, last, "yarn cache clean", "Add `yarn cache clean`"),
            )
