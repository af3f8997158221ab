from dockerlint.model import FileKind, Severity
from dockerlint.parse.yaml import MappingNode, ScalarNode
from dockerlint.rule import Rule, bad, ok
from dockerlint.fixers.security_context import fix_of, set_field, set_value
from dockerlint.rulekit.k8s import describe, is_set, pod_workloads, pss_baseline, scalar, text, trivy
from dockerlint.rulekit.profiles import check_profile_type

ANNOTATION_PREFIX = "container.apparmor.security.beta.kubernetes.io/"


def _annotation_ok(value: str) -> bool:
    return value in ("", "runtime/default") or value.startswith("localhost/")


def _sets_field(sc) -> bool:
    return sc is not None and is_set(sc.get("appArmorProfile"))


def _field_allows_runtime_default(workload, name: str) -> bool:
    """Would `runtime/default` in this container's annotation agree with the field that applies
    to it (the API server rejects a mismatch)?"""
    for container in workload.containers:
        if container.name == name and _sets_field(container.security_context):
            return text(container.security_context.get_in("appArmorProfile", "type")) == "RuntimeDefault"
    psc = workload.pod_security_context
    if _sets_field(psc):
        return text(psc.get_in("appArmorProfile", "type")) == "RuntimeDefault"
    return True


def _fix_missing(ctx, workload, container, by_annotation):
    per_container = by_annotation or any(_sets_field(c.security_context) for c in workload.containers)
    owner = container.node if per_container else workload.pod_spec
    where = "the container" if per_container else "the pod"
    edits = set_field(ctx, owner, ["appArmorProfile", "type"], "RuntimeDefault")
    return fix_of(edits, f"set appArmorProfile.type: RuntimeDefault on {where}")


class AppArmorProfile(Rule):
    """
    Confine containers with the runtime's default (or a custom) AppArmor profile.

    ## What it does
    Flags an AppArmor profile other than `RuntimeDefault` / `Localhost` in
    `securityContext.appArmorProfile.type` (pod or container), or other than `runtime/default`
    / `localhost/<profile>` in a `container.apparmor.security.beta.kubernetes.io/<container>`
    annotation, such as `Unconfined` or `unconfined`. Also flags, at info level, a container
    that no profile applies to at all.

    ## Why is this bad?
    AppArmor restricts which files, mounts and capabilities a containerised process may use, a
    second line of defence after capabilities. `unconfined` turns it off and violates the Pod
    Security Standards baseline control "AppArmor". Leaving it unset is allowed by PSS (on
    AppArmor-enabled nodes the runtime applies its default profile), so a missing profile
    carries no PSS alias and only says the confinement is implicit.

    ## Scope
    Regular, init and ephemeral containers of every workload with a pod template. The
    annotations are read from the pod's metadata (a template's `metadata`), never from a
    Deployment's own metadata, which does not reach the pods. Every annotation key with the
    prefix is checked, whether or not it names an existing container. The pod field, each
    container field and each annotation are judged independently: a good pod-level profile does
    not save a container set to `Unconfined`. For the missing-profile check a container's
    field, then its annotation, then the pod field apply. Windows pods have no AppArmor and are
    not asked for a profile; an explicit bad value in them is still reported.

    ## Compared with other tools
    Trivy KSV-0002 fails only on an annotation with another value than `runtime/default`; it
    does not read the `appArmorProfile` field (GA in Kubernetes 1.30) or accept `localhost/`
    profiles. We follow PSS, which accepts `localhost/<profile>` and checks the field too.
    polaris `linuxHardening` and kubescape C-0055 want at least one hardening mechanism of
    several; we only judge AppArmor here.

    ## Fix safety
    A container without a profile gets the field, `appArmorProfile: {type: RuntimeDefault}`
    (written in block style), rather than the `runtime/default` annotation: the field is what
    current clusters read, and the annotation is deprecated. It goes in the pod's
    `securityContext`, covering every container, unless a container sets its own field or the
    pod carries AppArmor annotations (the API server rejects a pod whose field and annotation
    disagree): then the flagged container gets its own. An invalid field type becomes
    `RuntimeDefault` (no fix when a `localhostProfile` is present), and an invalid annotation
    value becomes `runtime/default`, which every Kubernetes version understands, unless a field
    that applies to the container says something else. Windows pods get no fix: the field is
    forbidden there.

    The fix is unsafe. The field needs Kubernetes 1.30: older API servers drop it (and
    `kubectl apply`'s strict validation rejects it as an unknown field), so on those clusters
    use the annotation `container.apparmor.security.beta.kubernetes.io/<container>:
    runtime/default` instead. On nodes without AppArmor a pod that asks for a profile may not
    be admitted, and the default profile denies things some workloads do (mounting
    filesystems, writing to `/proc/sys`, raw `ptrace`); an explicit `unconfined` was probably
    chosen on purpose.
    """

    code = "KS006"
    whole_object = True
    name = "no-apparmor-profile"
    kinds = frozenset({FileKind.KUBERNETES})
    severity = Severity.INFO
    security = True
    presets = frozenset({"pss-baseline", "pss-restricted"})
    aliases = (*trivy(2), "polaris:linuxHardening", "C-0055")
    examples = [
        bad(
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              template:
                metadata:
                  annotations:
                    container.apparmor.security.beta.kubernetes.io/web: unconfined
                spec:
                  containers:
                  - name: web
                    image: nginx:1.27
            """,
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              template:
                metadata:
                  annotations:
                    container.apparmor.security.beta.kubernetes.io/web: runtime/default
                spec:
                  containers:
                  - name: web
                    image: nginx:1.27
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
              securityContext:
                appArmorProfile:
                  type: RuntimeDefault
              containers:
              - name: web
                image: nginx:1.27
                securityContext:
                  appArmorProfile:
                    type: Unconfined
            """,
            """
            apiVersion: v1
            kind: Pod
            metadata:
              name: web
            spec:
              securityContext:
                appArmorProfile:
                  type: RuntimeDefault
              containers:
              - name: web
                image: nginx:1.27
                securityContext:
                  appArmorProfile:
                    type: RuntimeDefault
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
                image: nginx:1.27
            """,
            """
            apiVersion: v1
            kind: Pod
            metadata:
              name: web
            spec:
              containers:
              - name: web
                image: nginx:1.27
              securityContext:
                appArmorProfile:
                  type: RuntimeDefault
            """,
            count=1,
        ),
        bad(
            """
            apiVersion: v1
            kind: Pod
            metadata:
              name: web
              annotations:
                container.apparmor.security.beta.kubernetes.io/sidecar: localhost/k8s-sidecar
            spec:
              containers:
              - name: web
                image: nginx:1.27
              - name: sidecar
                image: envoyproxy/envoy:v1.31.0
            """,
            """
            apiVersion: v1
            kind: Pod
            metadata:
              name: web
              annotations:
                container.apparmor.security.beta.kubernetes.io/sidecar: localhost/k8s-sidecar
            spec:
              containers:
              - name: web
                image: nginx:1.27
                securityContext:
                  appArmorProfile:
                    type: RuntimeDefault
              - name: sidecar
                image: envoyproxy/envoy:v1.31.0
            """,
            count=1,
        ),
        ok(
            """
            apiVersion: v1
            kind: Pod
            metadata:
              name: web
              annotations:
                container.apparmor.security.beta.kubernetes.io/sidecar: localhost/k8s-sidecar
            spec:
              securityContext:
                appArmorProfile:
                  type: RuntimeDefault
              containers:
              - name: web
                image: nginx:1.27
              - name: sidecar
                image: envoyproxy/envoy:v1.31.0
            """
        ),
    ]

    def _field(self, ctx, owner: MappingNode, sc: MappingNode | None, where: str, windows: bool) -> bool | None:
        aliases = self.aliases + pss_baseline("appArmorProfile")
        return check_profile_type(ctx, owner, sc, "appArmorProfile", where, windows=windows, aliases=aliases)

    def _annotations(self, ctx, workload) -> dict[str, bool]:
        """container name -> whether its annotation names a valid, non-empty profile; reports bad ones."""
        result: dict[str, bool] = {}
        annotations = workload.annotations
        if annotations is None:
            return result
        for key, value in annotations.items():
            if not key.value.startswith(ANNOTATION_PREFIX):
                continue
            name = key.value[len(ANNOTATION_PREFIX):]
            if type(value) is ScalarNode:
                profile = "" if value.is_null else value.value
                if _annotation_ok(profile):
                    if profile:
                        result[name] = True
                    continue
            shown = value.value if type(value) is ScalarNode else "a non-string value"
            fix = None
            if scalar(value) is not None and not workload.is_windows and _field_allows_runtime_default(workload, name):
                fix = fix_of(set_value(ctx, value, "runtime/default"), "set the AppArmor annotation to runtime/default")
            ctx.report(
                value.span if type(value) is ScalarNode and not value.is_null else key.span,
                f"annotation {key.value} sets AppArmor profile {shown}: use runtime/default or localhost/<profile>",
                aliases=self.aliases + pss_baseline("appArmorProfile"),
                fix=fix,
            )
            result[name] = False
        return result

    def check(self, ctx):
        for workload in pod_workloads(ctx):
            by_annotation = self._annotations(ctx, workload)
            windows = workload.is_windows
            pod_state = self._field(ctx, workload.pod_spec, workload.pod_security_context, "the pod", windows)
            for container in workload.containers:
                state = self._field(ctx, container.node, container.security_context, describe(container), windows)
                if state is None and container.name is not None:
                    state = by_annotation.get(container.name)
                if state is None:
                    state = pod_state
                if state is None and not workload.is_windows:
                    ctx.report(
                        container.missing_span,
                        f"{describe(container)} has no explicit AppArmor profile: set appArmorProfile.type: "
                        "RuntimeDefault on the pod or the container",
                        aliases=self.aliases,
                        fix=_fix_missing(ctx, workload, container, by_annotation),
                    )
