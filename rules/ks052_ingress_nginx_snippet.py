
from dockerlint.model import FileKind, Severity
from dockerlint.parse.yaml import ScalarNode
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.k8s_objects import of_kind
from dockerlint.rulekit.patterns import lazy

_SNIPPET_KEY = lazy(r"(?:^|/)(?:server|configuration|auth|stream|modsecurity|location)-snippet$")
_ANY = ("CKV_K8S_153", "AVD-KCV-0093", "KCV093", "C-0059")
_LUA = ("CKV_K8S_152",)
_ALIAS = ("CKV_K8S_154",)
_LUA_DIRECTIVE = lazy(r"\b\w+_by_lua(?:_block|_file)?\b|\blua_\w+")
_ALIAS_DIRECTIVE = lazy(r"(?:^|[;{\s])alias\s+\S")


class IngressNginxSnippet(Rule):
    """
    Do not configure ingress-nginx with snippet annotations.

    ## What it does
    Flags an Ingress annotation `nginx.ingress.kubernetes.io/<kind>-snippet` (server,
    configuration, location, auth, stream, modsecurity), at its value; the message says when
    the snippet runs Lua or uses `alias`.

    ## Why is this bad?
    Snippets are pasted verbatim into the controller's nginx.conf. Anyone who can create an
    Ingress can then read files of the controller, such as its service account token, which
    can read every Secret of the cluster (CVE-2021-25742): `alias /var/run/secrets/...;` or a
    Lua block does it in one line. Upstream disables snippets by default since v1.9.

    ## Scope
    Annotations of Ingress objects, with any annotation prefix (the controller's
    `--annotations-prefix` is configurable).

    ## Compared with other tools
    Checkov CKV_K8S_153 (any snippet), CKV_K8S_152 (Lua) and CKV_K8S_154 (`alias`), Trivy
    KCV-0093 and kubescape C-0059; each finding carries the ids it matches.
    """

    code = "KS052"
    name = "ingress-nginx-snippet"
    kinds = frozenset({FileKind.KUBERNETES})
    severity = Severity.ERROR
    security = True
    aliases = _ANY + _LUA + _ALIAS
    examples = [
        bad(
            """
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata:
              name: app
              annotations:
                nginx.ingress.kubernetes.io/server-snippet: |
                  location /debug {
                    alias /var/run/secrets/kubernetes.io/serviceaccount/;
                  }
            spec:
              ingressClassName: nginx
            """,
            count=1,
            at=(6, 49),
        ),
        ok(
            """
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata:
              name: app
              annotations:
                nginx.ingress.kubernetes.io/proxy-body-size: 8m
            spec:
              ingressClassName: nginx
            """
        ),
    ]

    def check(self, ctx):
        for ingress in of_kind(ctx, "Ingress"):
            annotations = ingress.annotations()
            if annotations is None:
                continue
            for key, value in annotations.items():
                if not _SNIPPET_KEY.search(key.value):
                    continue
                body = value.value if type(value) is ScalarNode and not value.is_null else ""
                aliases, extra = _ANY, ""
                if _LUA_DIRECTIVE.search(body):
                    aliases, extra = aliases + _LUA, " and runs Lua code"
                if _ALIAS_DIRECTIVE.search(body):
                    aliases, extra = aliases + _ALIAS, extra + " and serves files with `alias`"
                span = value.span if type(value) is ScalarNode else key.span
                ctx.report(
                    span,
                    f"Ingress \"{ingress.name or ''}\" injects raw nginx configuration ({key.value.rsplit('/', 1)[-1]}){extra}",
                    aliases=aliases,
                )
