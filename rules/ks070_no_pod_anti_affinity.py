from dockerlint.model import FileKind, Severity
from dockerlint.parse.yaml import MappingNode
from dockerlint.rule import Option, Rule, bad, ok
from dockerlint.rulekit.k8s import sequence_items, text
from dockerlint.rulekit.k8s_objects import REPLICATED_KINDS, int_value, of_kind, selector_matches, template_labels

HOSTNAME = "kubernetes.io/hostname"


def _spreads(obj, term, labels) -> bool:
    """An affinity term or spread constraint that keeps this workload's pods on distinct nodes."""
    if type(term) is not MappingNode or text(term.get("topologyKey")) != HOSTNAME:
        return False
    if not selector_matches(term.get("labelSelector"), labels):
        return False
    namespaces = [text(n) for n in sequence_items(term.get("namespaces"))]
    if namespaces and (obj.namespace or "default") not in namespaces and term.get("namespaceSelector") is None:
        return False
    return True


class NoPodAntiAffinity(Rule):
    """
    Spread the replicas of a workload over several nodes (opt-in).

    ## What it does
    Flags a Deployment, StatefulSet, ReplicaSet, ReplicationController or DeploymentConfig
    with `replicas` of at least `min_replicas` (2) whose pod template has no pod anti-affinity
    term, and no topology spread constraint, on `kubernetes.io/hostname` that selects its own
    pods.

    ## Why is this bad?
    Nothing stops the scheduler from placing every replica on the same node; that node's
    failure or drain then takes the whole service down, defeating the replicas.

    ## Scope
    The kinds above with an explicit `replicas`. A term counts when its `labelSelector` matches
    the template's labels and its `namespaces` (if any) include the object's namespace.

    ## Options
    `min_replicas` (default 2).

    ## Compared with other tools
    kube-linter `no-anti-affinity` (same matching of selector and namespaces) and kube-score
    `deployment-has-host-podantiaffinity` / `statefulset-has-host-podantiaffinity`. We also
    accept a `topologySpreadConstraints` entry on the hostname key, which spreads the pods just
    as well. Off by default.
    """

    code = "KS070"
    name = "no-pod-anti-affinity"
    kinds = frozenset({FileKind.KUBERNETES})
    severity = Severity.INFO
    enabled_by_default = False
    aliases = (
        "kube-linter:no-anti-affinity",
        "kube-score:deployment-has-host-podantiaffinity",
        "kube-score:statefulset-has-host-podantiaffinity",
    )
    options = {"min_replicas": Option(int, 2, "workloads with at least this many replicas are checked")}
    examples = [
        bad(
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              replicas: 3
              template:
                metadata:
                  labels: {app: web}
                spec:
                  containers:
                  - name: web
                    image: nginx:1.27
            """,
            count=1,
            at=(6, 13),
        ),
        ok(
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              replicas: 3
              template:
                metadata:
                  labels: {app: web}
                spec:
                  affinity:
                    podAntiAffinity:
                      preferredDuringSchedulingIgnoredDuringExecution:
                      - weight: 100
                        podAffinityTerm:
                          topologyKey: kubernetes.io/hostname
                          labelSelector:
                            matchLabels: {app: web}
                  containers:
                  - name: web
                    image: nginx:1.27
            """
        ),
    ]

    def check(self, ctx):
        minimum = int(ctx.options.get("min_replicas", 2))
        for obj in of_kind(ctx, *REPLICATED_KINDS):
            node = obj.node.get_in("spec", "replicas")
            replicas = int_value(node)
            pod = obj.node.get_in("spec", "template", "spec")
            if replicas is None or replicas < minimum or type(pod) is not MappingNode:
                continue
            labels = template_labels(obj)
            anti = pod.get_in("affinity", "podAntiAffinity")
            terms = []
            if type(anti) is MappingNode:
                terms += sequence_items(anti.get("requiredDuringSchedulingIgnoredDuringExecution"))
                terms += [
                    t.get("podAffinityTerm")
                    for t in sequence_items(anti.get("preferredDuringSchedulingIgnoredDuringExecution"))
                    if type(t) is MappingNode
                ]
            terms += sequence_items(pod.get("topologySpreadConstraints"))
            if any(_spreads(obj, t, labels) for t in terms):
                continue
            ctx.report(
                node.span,
                f"{obj.kind} \"{obj.name or ''}\" runs {replicas} replicas without pod anti-affinity on {HOSTNAME}: "
                "they may all land on one node",
            )
