from dockerlint.rulekit.analysis import parse_arg, stage_infos
from dockerlint.fixers.shell_edits import insert_after_word
from dockerlint.model import Applicability, FileKind, Severity
from dockerlint.rule import Rule, bad, make_fix, ok
from dockerlint.rulekit.package_managers import mounts
from dockerlint.rulekit.run_helpers import TRUTHY, env_pairs, is_pip_wrapper, pip_install_index, scripts

MESSAGE = "Avoid use of cache directory with pip. Use `pip install --no-cache-dir <package>`"


def _cache_mounted(instruction) -> bool:
    """A cache or tmpfs mount over pip's cache directory keeps the cache out of the layer."""
    for kind, target in mounts(instruction):
        if kind in ("cache", "tmpfs"):
            target = target.rstrip("/")
            if target.endswith(("/.cache/pip", "/.cache")) or target in (".cache", ".cache/pip"):
                return True
    return False


def _script_sets_no_cache(rs, before: int) -> bool:
    """`export PIP_NO_CACHE_DIR=1` earlier in the script."""
    for cmd in rs.script.commands:
        if cmd.start >= before:
            break
        if cmd.name == "export" and not cmd.in_substitution:
            for word in cmd.args:
                name, sep, value = word.value.partition("=")
                if sep and name == "PIP_NO_CACHE_DIR":
                    return value in TRUTHY
    return False


class PipNoCacheDir(Rule):
    """Avoid use of cache directory with pip.

    ## What it does
    Flags `pip install` (also `pip3`, `python -m pip install`) without `--no-cache-dir`, unless
    pip's cache is otherwise kept out of the image: `PIP_NO_CACHE_DIR` set to a true value
    (`ENV`, `ARG` default, `export`, or a `PIP_NO_CACHE_DIR=1 pip ...` prefix), or a
    `--mount=type=cache` / `type=tmpfs` over pip's cache directory (`/root/.cache/pip`).

    ## Why is this bad?
    pip keeps every downloaded wheel in `~/.cache/pip`. In an image that cache is dead weight,
    often tens or hundreds of MB, baked into the layer forever.

    ## Scope
    Every stage; `ENV` is inherited by stages built `FROM` an earlier stage. `ONBUILD RUN` is
    checked too, as hadolint does (with its own `ONBUILD ENV` state). `pipx` and `pipenv`
    are not pip.

    ## Fix safety
    Safe: inserting `--no-cache-dir` after `install` only stops pip writing its download
    cache; what gets installed is the same.

    ## Compared with other tools
    hadolint DL3042 (same meaning; we also accept an `ARG PIP_NO_CACHE_DIR=1` default and
    cache mounts whose target is `~/.cache`). Like hadolint we treat `PIP_NO_CACHE_DIR=0` /
    `false` as not disabling the cache, although pip, for backward compatibility, disables it
    for any valid value: set it to `1` to be clear. hadolint flags a pip under a cache mount
    on `/root/.cache` (which holds pip's cache: nothing reaches the layer), and misses a pip
    called by path (`/venv/bin/pip`, `/opt/venv/bin/python3 -m pip`) or through `sudo`.
    """

    code = "DL3042"
    name = "pip-no-cache-dir"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.WARNING
    aliases = ("hadolint:DL3042",)
    examples = [
        bad(
            "FROM python:3.12\nRUN pip install flask==3.0.0\n",
            fixed="FROM python:3.12\nRUN pip install --no-cache-dir flask==3.0.0\n",
            at=(2, 5),
        ),
        bad(
            "FROM python:3.12\nRUN python3 -m pip install \\\n    flask==3.0.0\n",
            fixed="FROM python:3.12\nRUN python3 -m pip install --no-cache-dir \\\n    flask==3.0.0\n",
            at=(2, 5),
        ),
        bad("FROM python:3.12\nENV PIP_NO_CACHE_DIR=false\nRUN pip install flask==3.0.0\n", at=(3, 5)),
        ok("FROM python:3.12\nRUN pip install --no-cache-dir flask==3.0.0\n"),
        ok("FROM python:3.12 AS base\nENV PIP_NO_CACHE_DIR=1\nFROM base\nRUN pip install flask==3.0.0\n"),
        ok("FROM python:3.12\nRUN --mount=type=cache,target=/root/.cache/pip pip install flask==3.0.0\n"),
        ok("FROM python:3.12\nRUN export PIP_NO_CACHE_DIR=1 && pip install flask==3.0.0\n"),
        ok("FROM python:3.12\nRUN pipx install black==24.4.0\n"),
    ]

    def check(self, ctx):
        df = ctx.dockerfile
        infos = ctx.cached("stage_infos", lambda: stage_infos(df, ctx.settings.build_args))
        # PIP_NO_CACHE_DIR per stage, from ENV/ARG in the stage or the stage it is built FROM.
        no_cache: dict[int, bool] = {}
        onbuild_no_cache = False
        state_at: dict[int, bool] = {}  # id(RUN instruction) -> env disables the cache
        for instruction in df.instructions:
            kw = instruction.keyword
            stage = instruction.stage
            if kw == "FROM":
                parent = infos[stage].parent if 0 <= stage < len(infos) else None
                no_cache[stage] = no_cache.get(parent, False) if parent is not None else False
            elif kw in ("ENV", "ARG"):
                pairs = env_pairs(instruction) if kw == "ENV" else parse_arg(instruction)
                for name, value in pairs:
                    if name == "PIP_NO_CACHE_DIR" and value is not None:
                        no_cache[stage] = value in TRUTHY
            elif kw == "RUN":
                state_at[id(instruction)] = no_cache.get(stage, False)
            elif kw == "ONBUILD" and instruction.inner is not None:
                inner = instruction.inner
                if inner.keyword == "ENV":
                    for name, value in env_pairs(inner):
                        if name == "PIP_NO_CACHE_DIR":
                            onbuild_no_cache = value in TRUTHY
                elif inner.keyword == "RUN":
                    state_at[id(inner)] = onbuild_no_cache
        for rs in scripts(ctx, onbuild=True):
            if state_at.get(id(rs.instruction)) or _cache_mounted(rs.instruction):
                continue
            for cmd in rs.script.commands:
                eff = cmd.effective()
                index = pip_install_index(eff)
                if index is None or is_pip_wrapper(eff) or "--no-cache-dir" in eff.arg_values:
                    continue
                env = dict(eff.assignments)
                if "PIP_NO_CACHE_DIR" in env:
                    if env["PIP_NO_CACHE_DIR"] in TRUTHY:
                        continue
                elif _script_sets_no_cache(rs, cmd.start):
                    continue
                install = eff.args[index]
                edit = insert_after_word(rs, install, " --no-cache-dir")
                fix = make_fix([edit], Applicability.SAFE, "Add `--no-cache-dir`") if edit else None
                ctx.report(rs.command_span(cmd), MESSAGE, fix=fix)
