from dockerlint.model import FileKind, Severity
from dockerlint.parse.yaml import ScalarNode
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.k8s_objects import object_span, of_kind


class DefaultServiceAccountToken(Rule):
    """
    Make a namespace's `default` ServiceAccount stop mounting its token (opt-in).

    ## What it does
    Flags a `ServiceAccount` named `default` that does not set
    `automountServiceAccountToken: false`.

    ## Why is this bad?
    Every pod of the namespace that names no account runs as `default` and, unless the account
    says otherwise, gets its API token mounted. Any permission granted to `default` later is
    then silently held by all of those pods.

    ## Scope
    `ServiceAccount` objects named `default`. Pods that run as `default` are KS026's; RBAC
    bindings to it are KS080's.

    ## Compared with other tools
    Checkov CKV_K8S_41 (same meaning); kubescape C-0189 ("default service accounts are not
    actively used") judges this and the bindings of KS080 together. Off by default here, as
    KS026: most manifests never declare the `default` account.
    """

    code = "KS079"
    name = "default-service-account-token"
    kinds = frozenset({FileKind.KUBERNETES})
    severity = Severity.WARNING
    security = True
    enabled_by_default = False
    aliases = ("CKV_K8S_41", "C-0189")
    examples = [
        bad(
            """
            apiVersion: v1
            kind: ServiceAccount
            metadata:
              name: default
              namespace: shop
            """,
            count=1,
        ),
        bad(
            """
            apiVersion: v1
            kind: ServiceAccount
            metadata:
              name: default
              namespace: shop
            automountServiceAccountToken: true
            """,
            count=1,
        ),
        ok(
            """
            apiVersion: v1
            kind: ServiceAccount
            metadata:
              name: default
            automountServiceAccountToken: false
            ---
            apiVersion: v1
            kind: ServiceAccount
            metadata:
              name: web
            """
        ),
    ]

    def check(self, ctx):
        for account in of_kind(ctx, "ServiceAccount"):
            if account.name != "default":
                continue
            flag = account.node.get("automountServiceAccountToken")
            if type(flag) is ScalarNode and flag.py is False:
                continue
            span = flag.span if type(flag) is ScalarNode and not flag.is_null else object_span(account)
            ctx.report(
                span,
                "the default service account mounts its token into every pod: set automountServiceAccountToken: false",
            )
