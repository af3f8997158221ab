"""Control-plane static pods (kube-apiserver, kube-controller-manager, kube-scheduler, etcd,
kubelet): finding the component's container, reading its command-line flags, and a table-driven
base rule. The CIS Kubernetes Benchmark items are checked as Checkov and Trivy check them,
except where their reading ignores a flag's default (noted per check).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from dockerlint.images.reference import parse_image
from dockerlint.model import Severity, Span
from dockerlint.parse.yaml import ScalarNode
from dockerlint.rule import Rule
from dockerlint.rulekit.k8s import pod_workloads, sequence_items, text
from dockerlint.rulekit.patterns import lazy

TYPE_CHECKING = False  # (typing.TYPE_CHECKING: typing is not imported at run time, ~2 ms)
if TYPE_CHECKING:
    from typing import Callable


@dataclass
class Flag:
    """One `--flag` or `--flag=value` of a control-plane container's command or args."""

    name: str
    value: str | None  # None for a bare `--flag`
    node: ScalarNode  # the command/args item that holds it


@dataclass
class Flags:
    """The flags of a control-plane container, by name."""

    by_name: dict[str, Flag]
    where: Span  # where to report a missing flag: `command:`/`args:` key, else the container

    def get(self, name: str) -> Flag | None:
        return self.by_name.get(name)

    def value(self, name: str) -> str | None:
        flag = self.by_name.get(name)
        return flag.value if flag is not None else None

    def values(self, name: str) -> list[str]:
        """A comma-separated list flag (`--authorization-mode=Node,RBAC`)."""
        value = self.value(name)
        return [v.strip() for v in value.split(",") if v.strip()] if value else []

    def feature_gate(self, gate: str) -> tuple[str | None, Flag | None]:
        flag = self.by_name.get("feature-gates")
        for item in (flag.value or "").split(",") if flag is not None else []:
            key, _, value = item.partition("=")
            if key.strip() == gate:
                return value.strip().lower(), flag
        return None, None


def _component_of(container, component: str) -> bool:
    command = [text(n) or "" for n in sequence_items(container.node.get("command"))]
    if command:
        first = command[0].strip().split()[0] if command[0].strip() else ""
        return first.rsplit("/", 1)[-1] == component
    image = text(container.image)
    if not image:
        return False
    name = parse_image(image).short_name
    return name == component or name.startswith(component + "-")


def component_flags(ctx, component: str) -> list[Flags]:
    """The flags of every container that runs `component` (by the command's first word, else,
    with no command, by the image name)."""
    out = []
    for workload in pod_workloads(ctx):
        for container in workload.containers:
            if not _component_of(container, component):
                continue
            found: dict[str, Flag] = {}
            command = [n for n in sequence_items(container.node.get("command")) if type(n) is ScalarNode]
            items = command[1:] + [n for n in sequence_items(container.node.get("args")) if type(n) is ScalarNode]
            for node in items:
                for word in (node.value or "").split():
                    if not word.startswith("--"):
                        continue
                    name, eq, value = word[2:].partition("=")
                    found[name] = Flag(name, value if eq else None, node)
            key = container.node.key_node("command") or container.node.key_node("args")
            out.append(Flags(found, key.span if key is not None else container.missing_span))
    return out


if TYPE_CHECKING:
    Test = Callable[[Flags], "tuple[Flag | None, str] | None"]


@dataclass(frozen=True)
class Check:
    """One CIS item: `test` returns None when the flags are fine, else (offending flag or None
    when it is missing, message)."""

    aliases: tuple[str, ...]
    severity: Severity
    test: Test = field(compare=False)


# ---- predicates ---------------------------------------------------------------------------------


def must_equal(name: str, wanted: str, *, default_ok: bool, why: str) -> Test:
    """`--name` must be `wanted` (case-insensitive); unset passes only when the default is."""

    def test(flags: Flags):
        flag = flags.get(name)
        if flag is None:
            return None if default_ok else (None, f"--{name} is not set (the default is unsafe): set --{name}={wanted}; {why}")
        value = "true" if flag.value is None else flag.value
        if value.strip().lower() != wanted.lower():
            return flag, f"--{name}={value}: set --{name}={wanted}; {why}"
        return None

    return test


def must_not_equal(name: str, bad: str, *, why: str) -> Test:
    def test(flags: Flags):
        flag = flags.get(name)
        if flag is None:
            return None
        value = "true" if flag.value is None else flag.value
        if value.strip().lower() == bad.lower():
            return flag, f"--{name}={value}: {why}"
        return None

    return test


def must_be_unset(name: str, *, why: str) -> Test:
    def test(flags: Flags):
        flag = flags.get(name)
        return (flag, f"--{name} is set: {why}") if flag is not None else None

    return test


def must_be_set(*names: str, why: str, suffixes: tuple[str, ...] = (), optional: bool = False) -> Test:
    """Every flag of `names` set to a non-empty value (ending with one of `suffixes`, if given).
    `optional`: only judge the value when the flag is present."""

    def test(flags: Flags):
        for name in names:
            flag = flags.get(name)
            if flag is None:
                if optional:
                    continue
                return None, f"--{name} is not set: {why}"
            if not (flag.value or "").strip():
                return flag, f"--{name} has no value: {why}"
            if suffixes and not flag.value.strip().lower().endswith(suffixes):
                return flag, f"--{name}={flag.value} does not name a key or certificate file ({', '.join(suffixes)}): {why}"
        return None

    return test


def list_has(name: str, item: str, *, why: str) -> Test:
    def test(flags: Flags):
        if item in flags.values(name):
            return None
        flag = flags.get(name)
        return flag, f"--{name} does not include {item}: {why}"

    return test


def list_lacks(name: str, item: str, *, why: str) -> Test:
    def test(flags: Flags):
        if item in flags.values(name):
            return flags.get(name), f"--{name} includes {item}: {why}"
        return None

    return test


def at_least(name: str, minimum: int, *, why: str) -> Test:
    def test(flags: Flags):
        flag = flags.get(name)
        if flag is None:
            return None, f"--{name} is not set: set it to {minimum} or more; {why}"
        try:
            number = int((flag.value or "").strip())
        except ValueError:
            return None  # templated or not a number: not judged
        if number < minimum:
            return flag, f"--{name}={number}: set it to {minimum} or more; {why}"
        return None

    return test


def bind_localhost(why: str) -> Test:
    def test(flags: Flags):
        flag = flags.get("bind-address")
        value = (flag.value or "").strip() if flag is not None else None
        if value in ("127.0.0.1", "::1", "localhost"):
            return None
        if flag is None:
            return None, f"--bind-address is not set, so it listens on all interfaces: set --bind-address=127.0.0.1; {why}"
        return flag, f"--bind-address={value}: set --bind-address=127.0.0.1; {why}"

    return test


def gate_not_false(gate: str, *, why: str) -> Test:
    def test(flags: Flags):
        value, flag = flags.feature_gate(gate)
        if value == "false":
            return flag, f"the feature gate {gate} is disabled: {why}"
        return None

    return test


# Go's TLS suites that CIS accepts (no CBC with SHA-1, RC4, 3DES or plain RSA key exchange)
STRONG_CIPHERS = frozenset({
    "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
    "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
    "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
    "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
    "TLS_RSA_WITH_AES_128_GCM_SHA256", "TLS_RSA_WITH_AES_256_GCM_SHA384",
})


def strong_ciphers(why: str) -> Test:
    def test(flags: Flags):
        weak = [c for c in flags.values("tls-cipher-suites") if c not in STRONG_CIPHERS]
        if weak:
            return flags.get("tls-cipher-suites"), f"--tls-cipher-suites allows {', '.join(weak)}: {why}"
        return None

    return test


_NUMBER = lazy(r"^\d+$")


def positive(name: str, *, why: str) -> Test:
    """Set, and not 0 (a bare flag counts as set)."""

    def test(flags: Flags):
        flag = flags.get(name)
        if flag is None:
            return None, f"--{name} is not set: {why}"
        value = (flag.value or "").strip()
        if _NUMBER.match(value) and int(value) == 0:
            return flag, f"--{name}=0: {why}"
        return None

    return test


# ---- the base rule ------------------------------------------------------------------------------


class ControlPlaneFlags(Rule):
    """Base of KS055-KS059: every `Check` of `checks` on each container running `component`."""

    component: str = ""
    checks: tuple[Check, ...] = ()

    def check(self, ctx):
        for flags in component_flags(ctx, self.component):
            for check in self.checks:
                problem = check.test(flags)
                if problem is None:
                    continue
                flag, message = problem
                ctx.report(
                    flag.node.span if flag is not None else flags.where,
                    f"{self.component}: {message}",
                    severity=check.severity,
                    aliases=check.aliases,
                )


def kcv(*numbers: int) -> tuple[str, ...]:
    """Trivy's AVD id and legacy id of KCV-00nn checks."""
    out: list[str] = []
    for n in numbers:
        out += [f"AVD-KCV-{n:04d}", f"KCV{n:03d}"]
    return tuple(out)


def all_aliases(checks) -> tuple[str, ...]:
    return tuple(dict.fromkeys(a for c in checks for a in c.aliases))
