from dockerlint.model import FileKind, Severity
from dockerlint.parse.yaml import MappingNode, ScalarNode
from dockerlint.rule import Rule, bad, ok
from dockerlint.rules._k8s import describe, is_set, key_span, pod_workloads, pss_baseline, text, trivy

ANNOTATION_PREFIX = "container.apparmor.security.beta.kubernetes.io/"
VALID_TYPES = ("RuntimeDefault", "Localhost")


def _annotation_ok(value: str) -> bool:
    return value in ("", "runtime/default") or value.startswith("localhost/")


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
    """

    code = "KS006"
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

    def _field(self, ctx, sc: MappingNode | None, where: str) -> bool | None:
        """None when `sc` sets no appArmorProfile, True for a valid one; reports an invalid one."""
        profile = sc.get("appArmorProfile") if sc is not None else None
        if not is_set(profile):
            return None
        type_node = profile.get("type") if type(profile) is MappingNode else None
        value = text(type_node)
        if value in VALID_TYPES:
            return True
        span = type_node.span if is_set(type_node) else key_span(sc, "appArmorProfile")
        problem = f"sets appArmorProfile.type to {value}" if value is not None else "sets an appArmorProfile without a type"
        ctx.report(
            span,
            f"{where} {problem}: use RuntimeDefault or Localhost",
            aliases=self.aliases + pss_baseline("appArmorProfile"),
        )
        return False

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
            ctx.report(
                value.span if type(value) is ScalarNode and not value.is_null else key.span,
                f"annotation {key.value} sets AppArmor profile {shown}: use runtime/default or localhost/<profile>",
                aliases=self.aliases + pss_baseline("appArmorProfile"),
            )
            result[name] = False
        return result

    def check(self, ctx):
        for workload in pod_workloads(ctx):
            by_annotation = self._annotations(ctx, workload)
            pod_state = self._field(ctx, workload.pod_security_context, "the pod")
            for container in workload.containers:
                state = self._field(ctx, container.security_context, describe(container))
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
                    )
