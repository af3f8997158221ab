from dockerlint.rulekit.analysis import stage_infos
from dockerlint.images.reference import parse_image
from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok

_HUB = ("docker.io", "hub.docker.com")


def registry_allowed(registry: str | None, trusted: list[str]) -> bool:
    """hadolint's matching: an exact registry, `*`, `*suffix` or `prefix*`. An image without a
    registry (Docker Hub) passes when `docker.io` or `hub.docker.com` is trusted."""
    candidates = _HUB if registry is None else (registry,)
    for entry in trusted:
        entry = entry.strip()
        for reg in candidates:
            if entry == "*" or entry == reg:
                return True
            if entry.startswith("*") and reg.endswith(entry[1:]):
                return True
            if entry.endswith("*") and reg.startswith(entry[:-1]):
                return True
    return False


def _mount_from(value: str) -> str | None:
    for part in value.split(","):
        key, _, val = part.partition("=")
        if key.strip().lower() == "from":
            return val.strip().strip("\"'")
    return None


class UntrustedRegistry(Rule):
    """Use only an allowed registry in the `FROM image`.

    ## What it does
    With `trusted-registries` configured, flags images pulled from any other registry: in
    `FROM`, in `COPY --from=<image>` and in `RUN --mount=...,from=<image>`.

    ## Why is this bad?
    Images from unvetted registries bypass the organisation's scanning, signing and mirroring:
    a supply-chain risk.

    ## Scope
    Every stage; inactive while `trusted-registries` is empty. An entry is a registry
    (`ghcr.io`), `*`, `*.example.com` or `registry.example.*`; Docker Hub images (`debian`,
    `docker.io/library/debian`) pass when `docker.io` or `hub.docker.com` is trusted. `scratch`
    and earlier stage names always pass. `ARG` defaults in `FROM` are resolved; an image that
    cannot be resolved is not checked.

    ## Compared with other tools
    hadolint DL3026 (same meaning; hadolint's `trustedRegistries`, which dockerlint reads from
    a `.hadolint.yaml` too).
    """

    code = "DL3026"
    name = "untrusted-registry"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.ERROR
    aliases = ("hadolint:DL3026",)
    security = True
    examples = [
        bad("FROM random.example/debian:12\n", config={"trusted-registries": ["docker.io"]}, at=(1, 6)),
        bad("FROM debian:12\n", config={"trusted-registries": ["ghcr.io"]}, at=(1, 6)),
        bad(
            "FROM ghcr.io/acme/base:1\nCOPY --from=quay.io/x/tool:1 /tool /tool\n",
            config={"trusted-registries": ["ghcr.io"]},
            at=(2, 6),
        ),
        ok("FROM foo.example.com/debian:12 AS base\nFROM base\n", config={"trusted-registries": ["*.example.com"]}),
        ok("FROM debian:12\nFROM docker.io/library/alpine:3.20\n", config={"trusted-registries": ["docker.io"]}),
        ok("FROM random.example/debian:12\n"),
    ]

    def check(self, ctx):
        trusted = list(ctx.settings.trusted_registries or [])
        if not trusted:
            return
        df = ctx.dockerfile
        infos = ctx.cached("stage_infos", lambda: stage_infos(df, ctx.settings.build_args))
        names: set[str] = set()

        def untrusted(image: str | None) -> str | None:
            if not image or "$" in image or image.lower() == "scratch" or image.lower() in names:
                return None
            ref = parse_image(image)
            return None if registry_allowed(ref.registry, trusted) else (ref.registry or "docker.io")

        for ins in df.instructions:
            if ins.keyword == "FROM":
                info = infos[ins.stage]
                registry = untrusted(info.image)
                if registry is not None:
                    word = next((w for w in ins.words() if not w.value.startswith("--")), None)
                    ctx.report(
                        word.span if word else ins.span,
                        f"Use only an allowed registry in the FROM image: `{info.image}` comes from `{registry}`",
                    )
                if info.stage.alias:
                    names.add(info.stage.alias.lower())
                names.add(str(ins.stage))
            elif ins.keyword in ("COPY", "RUN"):
                for flag in ins.flags:
                    if ins.keyword == "COPY" and flag.name == "from":
                        image = (flag.value or "").strip("\"'")
                    elif ins.keyword == "RUN" and flag.name == "mount":
                        image = _mount_from(flag.value or "")
                    else:
                        continue
                    registry = untrusted(image)
                    if registry is not None:
                        ctx.report(
                            flag.span,
                            f"Use only an allowed registry in the FROM image: `{image}` comes from `{registry}`",
                        )
