from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.k8s import pod_workloads, pss, trivy, volume_sources

# PSS restricted "Volume Types" allowlist (image since v1.33 of the API, allowed by PSS)
ALLOWED_SOURCES = frozenset({
    "configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "image",
    "persistentVolumeClaim", "projected", "secret",
})


class RestrictedVolumeType(Rule):
    """
    Use only the volume types that PSS restricted allows.

    ## What it does
    Flags a pod volume whose source is not one of `configMap`, `csi`, `downwardAPI`,
    `emptyDir`, `ephemeral`, `image`, `persistentVolumeClaim`, `projected` or `secret`: for
    example `nfs`, `gitRepo`, `gcePersistentDisk`, `awsElasticBlockStore`, `cephfs` or an
    unknown key. `hostPath` is left to KS010.

    ## Why is this bad?
    The in-tree network and cloud volume types mount storage with the node's credentials or
    kernel clients (and `gitRepo` runs git on the node as root); a pod that can name them can
    reach storage its namespace was never granted. The allowed types go through a claim, the
    API or CSI, where access is controlled. This is the Pod Security Standards restricted
    control "Volume Types".

    ## Scope
    The `volumes` of every workload with a pod template. A volume with only a `name` is an
    `emptyDir` (API defaulting) and passes. Every source key set on a volume is checked.
    Windows pods are not exempt.

    ## Compared with other tools
    Trivy KSV-0028 has the same intent but predates the `image` volume type; we follow the
    current PSS allowlist, which includes it. No other peer checks volume types.
    """

    code = "KS018"
    name = "restricted-volume-type"
    kinds = frozenset({FileKind.KUBERNETES})
    severity = Severity.INFO
    security = True
    presets = frozenset({"pss-restricted"})
    aliases = trivy(28)
    examples = [
        bad(
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              template:
                spec:
                  containers:
                  - name: web
                    image: nginx:1.27
                  volumes:
                  - name: content
                    nfs:
                      server: nfs.example.com
                      path: /exports/www
            """,
            count=1,
            at=(13, 9),
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
                image: nginx:1.27
              volumes:
              - name: scratch
              - name: config
                configMap:
                  name: web-config
              - name: data
                persistentVolumeClaim:
                  claimName: web-data
              - name: model
                image:
                  reference: registry.example.com/models/llm:1.0
            """
        ),
    ]

    def check(self, ctx):
        aliases = self.aliases + pss(restricted="restrictedVolumes")
        for workload in pod_workloads(ctx):
            for name, key, _ in volume_sources(workload):
                if key.value in ALLOWED_SOURCES or key.value == "hostPath":
                    continue
                what = f"volume \"{name}\"" if name else "a volume"
                ctx.report(
                    key.span,
                    f"{what} uses the {key.value} volume type, not allowed by PSS restricted "
                    "(use a persistentVolumeClaim, csi or ephemeral volume)",
                    aliases=aliases,
                )
