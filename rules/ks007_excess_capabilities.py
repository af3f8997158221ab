from dockerlint.model import Applicability, FileKind, Severity
from dockerlint.parse.yaml import MappingNode
from dockerlint.rule import Rule, bad, ok
from dockerlint.fixers.security_context import ensure_fields, fix_of
from dockerlint.rulekit.host_access import host_access_reason
from dockerlint.rulekit.run_as import default_capabilities_needed
from dockerlint.rulekit.k8s import describe, is_true, key_span, pod_workloads, pss, sequence_items, text, trivy

# PSS baseline: the container runtimes' default capabilities may be added back (exact names)
DEFAULT_CAPABILITIES = frozenset({
    "AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD",
    "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT",
})
ALLOWED_ADD = "NET_BIND_SERVICE"
_ADD_ALIASES = ("CKV_K8S_25", *trivy(22), *trivy(106), "C-0200", "C-0219")
_DROP_ALIASES = ("CKV_K8S_37", *trivy(3), *trivy(4), *trivy(106), "polaris:insecureCapabilities", "C-0201", "C-0220")


class ExcessCapabilities(Rule):
    """
    Drop all capabilities and add back at most `NET_BIND_SERVICE`.

    ## What it does
    Flags a container whose `securityContext.capabilities.drop` does not contain `ALL`, or
    whose `capabilities.add` contains anything other than `NET_BIND_SERVICE`. One finding per
    container, at the first offending `add` entry, else at `drop:`, else at the container.

    ## Why is this bad?
    Container runtimes grant about a dozen capabilities by default (`CHOWN`, `DAC_OVERRIDE`,
    `SETUID`, `NET_RAW`...), most of which an application never needs and an attacker can use
    (`NET_RAW` for ARP/DNS spoofing, `SYS_ADMIN` for nearly everything). Adding one outside the
    runtime default set violates the Pod Security Standards baseline control "Capabilities";
    not dropping `ALL`, or adding anything but `NET_BIND_SERVICE`, violates the restricted one.

    ## Scope
    Regular, init and ephemeral containers of every workload with a pod template; capabilities
    exist only on containers, so a container without `securityContext` fails. Names match
    exactly and case-sensitively, as in the kernel API: `chown`, `CAP_CHOWN` or dropping each
    capability by name instead of `ALL` do not count. Pods with `spec.os.name: windows` are
    exempt from the restricted part (PSS v1.25+); an addition outside the default set is still a
    baseline violation there. Findings about additions are warnings; a container that only
    fails to drop `ALL` is reported at info level.

    ## Compared with other tools
    Checkov CKV_K8S_25 fails on any addition, including `NET_BIND_SERVICE`; we allow it, as PSS
    restricted and Trivy KSV-0106 do, because binding a low port is the one capability a
    non-root web server commonly needs. Checkov CKV_K8S_37 matches `ALL` as a substring and case
    insensitively; we require the exact `ALL` that the runtime understands. polaris
    `insecureCapabilities` also passes when a list of 12 insecure capabilities is dropped one
    by one; we require `ALL`, as PSS does. Trivy KSV-0022 (PSS baseline) and KSV-0003
    (drop ALL) are the two halves of this rule; their aliases are carried by the finding that
    matches.

    ## Fix safety
    When `ALL` is not dropped, the fix adds it: `capabilities:` / `drop:` / `- ALL` in block
    style (creating `securityContext` and `capabilities` as needed), or `ALL` appended to an
    existing `drop` list. Additions are left alone: which of them the application needs is not
    something a fix can know. The fix is unsafe: a process that relied on a default capability
    (`CHOWN` or `SETUID`/`SETGID` in an entrypoint that drops to another user, `NET_BIND_SERVICE`
    for a port below 1024 as non-root, `NET_RAW` for `ping`) fails until that one is added
    back. No fix for Windows pods, where the field does not exist. Display-only, with the
    reason, where a default capability is known to be needed: the image's server starts as
    root and drops to its own user (`nginx`, `httpd`, `php`, the `gosu` entrypoints of
    `postgres`, `redis`, `mysql`, ..., from the image knowledge base: CHOWN, SETUID, SETGID), or
    the container declares a `containerPort` below 1024 and is not known to run as non-root
    (NET_BIND_SERVICE). Display-only, with the
    reason, for a container that is privileged or adds capabilities in a pod whose shape shows a
    node agent (see KS003's hostPath, socket, CSI and `SYS_ADMIN`/`SYS_MODULE` signs): which
    default capabilities such an agent uses is not something a fix can know.
    """

    code = "KS007"
    whole_object = True
    name = "excess-capabilities"
    kinds = frozenset({FileKind.KUBERNETES})
    severity = Severity.WARNING
    security = True
    presets = frozenset({"pss-baseline", "pss-restricted"})
    aliases = tuple(dict.fromkeys(_ADD_ALIASES + _DROP_ALIASES))
    examples = [
        bad(
            """
            apiVersion: v1
            kind: Pod
            metadata:
              name: web
            spec:
              containers:
              - name: web
                image: nginx:1.27
            """
        ),  # nginx's master process needs CHOWN, SETUID, SETGID and port 80: display-only
        bad(
            """
            apiVersion: apps/v1
            kind: DaemonSet
            metadata:
              name: agent
            spec:
              template:
                spec:
                  containers:
                  - name: agent
                    image: example/agent:2.1
                    securityContext:
                      capabilities:
                        drop: [ALL]
                        add: [NET_BIND_SERVICE, NET_RAW]
            """,
            count=1,
        ),
        bad(
            """
            apiVersion: v1
            kind: Pod
            metadata:
              name: web
            spec:
              containers:
              - name: web
                image: example/api:1.0
                securityContext:
                  capabilities:
                    drop: [NET_RAW]
            """,
            """
            apiVersion: v1
            kind: Pod
            metadata:
              name: web
            spec:
              containers:
              - name: web
                image: example/api:1.0
                securityContext:
                  capabilities:
                    drop: [NET_RAW, ALL]
            """,
            count=1,
        ),
        bad(
            """
            apiVersion: v1
            kind: Pod
            metadata:
              name: web
            spec:
              containers:
              - name: web
                image: example/api:1.0
                securityContext:
                  runAsNonRoot: true
              - name: sidecar
                image: envoyproxy/envoy:v1.31.0
                securityContext:
                  capabilities:
                    add: [NET_ADMIN]
            """,
            """
            apiVersion: v1
            kind: Pod
            metadata:
              name: web
            spec:
              containers:
              - name: web
                image: example/api:1.0
                securityContext:
                  runAsNonRoot: true
                  capabilities:
                    drop:
                    - ALL
              - name: sidecar
                image: envoyproxy/envoy:v1.31.0
                securityContext:
                  capabilities:
                    add: [NET_ADMIN]
                    drop:
                    - ALL
            """,
            count=2,
        ),
        bad(
            """
            apiVersion: v1
            kind: Pod
            metadata:
              name: web
            spec:
              containers:
                - name: web
                  image: example/api:1.0
            """,
            """
            apiVersion: v1
            kind: Pod
            metadata:
              name: web
            spec:
              containers:
                - name: web
                  image: example/api:1.0
                  securityContext:
                    capabilities:
                      drop:
                        - ALL
            """,
            count=1,
        ),
        ok(
            """
            apiVersion: v1
            kind: Pod
            metadata:
              name: web
            spec:
              containers:
              - name: web
                image: example/api:1.0
                securityContext:
                  capabilities:
                    drop: ["ALL"]
                    add: ["NET_BIND_SERVICE"]
            """
        ),
        ok(
            """
            apiVersion: v1
            kind: Pod
            metadata:
              name: iis
            spec:
              os: {name: windows}
              containers:
              - name: iis
                image: mcr.microsoft.com/windows/servercore/iis:windowsservercore-ltsc2022
            """
        ),
    ]

    def check(self, ctx):
        for workload in pod_workloads(ctx):
            windows = workload.is_windows
            for container in workload.containers:
                sc = container.security_context
                caps = sc.get("capabilities") if sc is not None else None
                caps = caps if type(caps) is MappingNode else None
                added = sequence_items(caps.get("add")) if caps is not None else []
                dropped = sequence_items(caps.get("drop")) if caps is not None else []
                outside_default = [n for n in added if text(n) not in DEFAULT_CAPABILITIES]
                not_allowed = [n for n in added if text(n) != ALLOWED_ADD]
                drops_all = any(text(n) == "ALL" for n in dropped)
                baseline_bad = bool(outside_default)
                restricted_bad = not windows and (bool(not_allowed) or not drops_all)
                if not (baseline_bad or restricted_bad):
                    continue
                problems, aliases = [], ()
                if baseline_bad:
                    problems.append(f"adds {_names(outside_default)}, outside the runtime's default set")
                if not windows and not_allowed and not_allowed != outside_default:
                    extra = [n for n in not_allowed if n not in outside_default]
                    problems.append(f"adds {_names(extra)} (only NET_BIND_SERVICE may be added)")
                if not_allowed:
                    aliases += _ADD_ALIASES
                if not windows and not drops_all:
                    problems.append("does not drop ALL")
                    aliases += _DROP_ALIASES
                if outside_default:
                    span = outside_default[0].span
                elif not_allowed:
                    span = not_allowed[0].span
                elif caps is not None and "drop" in caps:
                    span = key_span(caps, "drop")
                else:
                    span = container.missing_span
                fix = None
                if not windows and not drops_all:
                    edits = ensure_fields(ctx, container.node, ["capabilities"], {"drop": ["ALL"]})
                    needs_host = (added or is_true(sc.get("privileged") if sc is not None else None)) and host_access_reason(workload)
                    needs_defaults = None if needs_host else default_capabilities_needed(workload, container)
                    if needs_defaults:
                        fix = fix_of(
                            edits,
                            f"drop ALL capabilities and add back the ones it needs; not applied because {needs_defaults}",
                            Applicability.DISPLAY_ONLY,
                        )
                    elif needs_host:
                        fix = fix_of(
                            edits,
                            f"drop ALL capabilities and add back the ones it needs; not applied because {needs_host},"
                            " so this privileged node agent may need default capabilities (CHOWN, DAC_OVERRIDE, ...) too",
                            Applicability.DISPLAY_ONLY,
                        )
                    else:
                        fix = fix_of(edits, "drop ALL capabilities")
                ctx.report(
                    span,
                    f"{describe(container)} {' and '.join(problems)}",
                    fix=fix,
                    severity=Severity.WARNING if not_allowed else Severity.INFO,
                    aliases=tuple(dict.fromkeys(aliases))
                    + pss(
                        baseline="capabilities_baseline" if baseline_bad else None,
                        restricted="capabilities_restricted" if restricted_bad else None,
                    ),
                )


def _names(nodes) -> str:
    return ", ".join(text(n) or "a non-string entry" for n in nodes)
