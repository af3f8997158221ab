from dockerlint.model import Applicability, FileKind, Severity
from dockerlint.rule import Rule, bad, make_fix, ok
from dockerlint.fixers.shell_edits import insert_after_word, item_index, remove_chain_item, top_level_chain
from dockerlint.rulekit.package_managers import (
    APK_VALUE_OPTS, cache_mounted, invocations, runs,
)

APK_CACHE = ("/var/cache/apk", "/etc/apk/cache")


def _redundant_update(run, inv, all_apk):
    """The `apk update` right before this `apk add` (`apk update && apk add x`), when nothing
    else in the RUN needs the index it caches: an edit deleting it, or None."""
    script = inv.script
    if len(run.scripts) != 1 or not script.script.parse_ok:
        return None
    updates = [i for i in all_apk if i.verb == "update"]
    others = [i for i in all_apk if i.verb != "update" and i is not inv]
    if len(updates) != 1 or len(updates[0].words) != 1:
        return None
    if any(i.verb != "add" or not i.command.has_flag("--no-cache") for i in others):
        return None
    chain = top_level_chain(script.script)
    if chain is None:
        return None
    u = item_index(chain, updates[0].command)
    a = item_index(chain, inv.command)
    if u is None or a != u + 1 or chain.operators[u] != "&&":
        return None
    return remove_chain_item(script, chain, u)


class ApkNoCache(Rule):
    """Use `apk add --no-cache`.

    ## What it does
    Flags an `apk add` without `--no-cache`, unless the RUN mounts a cache or tmpfs on
    `/var/cache/apk`. A RUN that removes `/var/cache/apk/*` after the install is flagged too,
    as in hadolint: `--no-cache` is what makes that `--update` + `rm` idiom unnecessary.

    ## Why is this bad?
    Without `--no-cache`, apk keeps the downloaded package index (and with `apk update`, a
    fresh copy of it) in `/var/cache/apk`, which then ships in the layer. `--no-cache` fetches
    the index into memory, so neither `apk update` nor a clean-up is needed.

    ## Scope
    Every stage, `sudo apk` included; RUNs inside `ONBUILD` and heredoc RUN bodies too.

    ## Fix safety
    Inserts ` --no-cache` after `add`. When the RUN is `apk update && apk add ...` and nothing
    else in it needs the cached index, the now useless `apk update &&` is removed in the same
    fix. Safe: packages come from the same, freshly fetched index, and nothing is left in
    `/var/cache/apk`.

    ## Compared with other tools
    hadolint DL3019 (same meaning). Trivy AVD-DS-0025.
    """

    code = "DL3019"
    name = "apk-no-cache"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.INFO
    aliases = ("hadolint:DL3019", "AVD-DS-0025")
    examples = [
        bad("FROM alpine:3.20\nRUN apk add curl=8.5.0-r0\n", fixed="FROM alpine:3.20\nRUN apk add --no-cache curl=8.5.0-r0\n", at=(2, 5)),
        bad(
            "FROM alpine:3.20\nRUN apk update \\\n    && apk add curl=8.5.0-r0\n",
            fixed="FROM alpine:3.20\nRUN apk add --no-cache curl=8.5.0-r0\n",
            at=(3, 8),
        ),
        bad(
            "FROM alpine:3.20\nRUN apk update && apk upgrade && apk add curl=8.5.0-r0\n",
            fixed="FROM alpine:3.20\nRUN apk update && apk upgrade && apk add --no-cache curl=8.5.0-r0\n",
            at=(2, 34),
        ),
        ok("FROM alpine:3.20\nRUN apk add --no-cache curl=8.5.0-r0\n"),
        ok("FROM alpine:3.20\nRUN --mount=type=cache,target=/var/cache/apk apk add -U curl=8.5.0-r0\n"),
        bad(
            "FROM alpine:3.20\nRUN apk add --update curl=8.5.0-r0 && rm -rf /var/cache/apk/*\n",
            fixed="FROM alpine:3.20\nRUN apk add --no-cache --update curl=8.5.0-r0 && rm -rf /var/cache/apk/*\n",
            at=(2, 5),
        ),
    ]

    def check(self, ctx):
        for run in runs(ctx):
            if cache_mounted(run.instruction, *APK_CACHE):
                continue
            all_apk = list(invocations(run, ("apk",), APK_VALUE_OPTS))
            for inv in all_apk:
                if inv.verb != "add" or inv.command.has_flag("--no-cache"):
                    continue
                verb = inv.words[0]
                edits = [insert_after_word(inv.script, verb, " --no-cache")]
                fix = None
                if edits[0] is not None:
                    drop = _redundant_update(run, inv, all_apk)
                    if drop is not None:
                        edits.append(drop)
                    fix = make_fix(edits, Applicability.SAFE, "Add --no-cache to `apk add`")
                ctx.report(
                    inv.script.span(inv.command.name_word.start, verb.end),
                    "Use the `--no-cache` switch to avoid the need to use `--update` and remove "
                    "`/var/cache/apk/*` when done installing packages",
                    fix=fix,
                )
