from dockerlint.rulekit.analysis import final_image_stages
from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok


def _covers_22(port: str) -> bool:
    port = port.split(":")[-1].split("/", 1)[0]
    low, _, high = port.partition("-")
    try:
        return int(low) <= 22 <= int(high or low)
    except ValueError:
        return False


class SshPortExposed(Rule):
    """Port 22 (SSH) is exposed.

    ## What it does
    Flags `EXPOSE 22` (any protocol, or a range that contains 22) in the final image.

    ## Why is this bad?
    An exposed SSH port means an SSH server runs in the container: one more network service,
    long-lived credentials or keys in the image, and a way around the container's audit trail.
    Use `docker exec` / `kubectl exec` to get into a container.

    ## Scope
    Only stages in the final image (the last stage and the stages it is built `FROM`):
    `EXPOSE` in a builder stage has no effect on the result. Ports written with variables are
    skipped.

    ## Compared with other tools
    Checkov CKV_DOCKER_1 and Trivy DS004 (AVD-DS-0004) flag `EXPOSE 22` in any stage (Checkov
    only the plain `22`, Trivy `22`, `22/tcp` and `22/udp`). hadolint has no equivalent.
    """

    code = "DF205"
    name = "ssh-port-exposed"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.WARNING
    aliases = ("CKV_DOCKER_1", "AVD-DS-0004")
    stages = "final"
    security = True
    examples = [
        bad("FROM debian:12\nEXPOSE 80 22\n", at=(2, 11)),
        bad("FROM debian:12\nEXPOSE 20-25/tcp\n", at=(2, 8)),
        ok("FROM debian:12\nEXPOSE 80 2222\n"),
        ok("FROM debian:12 AS test\nEXPOSE 22\nFROM debian:12\nEXPOSE 8080\n"),
    ]

    def check(self, ctx):
        df = ctx.dockerfile
        final = final_image_stages(df, ctx.settings.build_args)
        for ins in df.instructions:
            if ins.keyword != "EXPOSE" or ins.stage not in final:
                continue
            for word in ins.words():
                if "$" not in word.text and _covers_22(word.value):
                    ctx.report(word.span, f"Port 22 should not be exposed (`EXPOSE {word.value}`): do not run an SSH server in a container")
