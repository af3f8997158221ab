import re

from dockerlint.model import FileKind, Severity
from dockerlint.parse.yaml import MappingNode, ScalarNode
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.k8s_objects import is_literal_secret, is_sensitive_name, of_kind
from dockerlint.rulekit.patterns import lazy

_ALIASES = ("AVD-KSV-0109", "KSV109", "AVD-KSV-01010", "KSV01010", "KSV1010", "polaris:sensitiveConfigmapContent", "C-0012")
# credentials recognisable by their shape, each with text it cannot match without (searched
# first: a plain substring search is many times faster than the pattern's over a large value,
# a Grafana dashboard say, and most values hold none of them)
_SHAPES = (
    ("a private key", ("PRIVATE KEY",), re.compile(r"-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY( BLOCK)?-----")),
    ("an AWS access key", ("AKIA", "ASIA"), re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b")),
    ("a GitHub token", ("gh",), re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}\b")),
    ("a Slack token", ("xox",), re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}")),
    ("a Google API key", ("AIza",), re.compile(r"\bAIza[0-9A-Za-z_\-]{35}\b")),
    ("a Stripe secret key", ("k_live_",), re.compile(r"\b[sr]k_live_[0-9a-zA-Z]{20,}\b")),
)
# `key: value` / `key = value` / `KEY=value` lines inside a configuration file
_SETTING = lazy(r"^\s*(?:export\s+)?[\"']?([A-Za-z_][\w.\-]*)[\"']?\s*[:=]\s*(.+?)\s*$")


def _problem(key: str, value: str) -> str | None:
    for what, needles, shape in _SHAPES:
        if any(needle in value for needle in needles) and shape.search(value):
            return what
    if "\n" not in value.strip():
        if is_sensitive_name(key) and is_literal_secret(value.strip().strip("\"'")):
            return f"a credential under the key {key}"
        return None
    for line in value.splitlines():
        m = _SETTING.match(line)
        if m and is_sensitive_name(m.group(1)):
            literal = m.group(2).split(" #", 1)[0].strip().rstrip(",;").strip("\"'")
            if is_literal_secret(literal) and not literal.startswith(("{", "[", "&", "*", "!")):
                return f"a credential ({m.group(1)})"
    return None


class SecretInConfigMap(Rule):
    """
    Keep credentials out of ConfigMaps.

    ## What it does
    Flags a `data` entry of a ConfigMap that holds a credential: a key named like one
    (`DB_PASSWORD`, `api_key`) with a literal value, a configuration file with such a setting
    (`password: hunter2`, `TOKEN=...`), or text shaped like a private key or a well-known
    token (AWS, GitHub, Slack, Google, Stripe).

    ## Why is this bad?
    ConfigMaps are not meant for secrets: RBAC commonly grants read access to them (the
    built-in `view` role does, it does not include Secrets), they are not encrypted at rest,
    they are printed by `kubectl describe`, and they end up in Git in plain text.

    ## Scope
    `data` of ConfigMap objects. Templated values, references (`${DB_PASSWORD}`) and
    placeholders are not reported; names that only point at a secret (`PASSWORD_FILE`) are
    not either. `binaryData` is not decoded.

    ## Compared with other tools
    Trivy KSV-0109 (sensitive keys) and KSV-01010 (sensitive content), polaris
    `sensitiveConfigmapContent`, kubescape C-0012. We use the same credential-name words as
    KS028 and a few unambiguous token shapes, not entropy, to keep false positives low.
    """

    code = "KS053"
    name = "secret-in-configmap"
    kinds = frozenset({FileKind.KUBERNETES})
    severity = Severity.ERROR
    security = True
    aliases = _ALIASES
    examples = [
        bad(
            """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: api
            data:
              LOG_LEVEL: info
              DB_PASSWORD: hunter2
              settings.ini: |
                [db]
                host = db.internal
                password = s3cr3t-Pa55
            """,
            count=2,
            at=[(7, 16), (8, 17)],
        ),
        ok(
            """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: api
            data:
              LOG_LEVEL: info
              DB_PASSWORD_FILE: /run/secrets/db
              app.yaml: |
                db:
                  password: ${DB_PASSWORD}
                  passwordMinLength: 12
            """
        ),
    ]

    def check(self, ctx):
        for configmap in of_kind(ctx, "ConfigMap"):
            data = configmap.node.get("data")
            if type(data) is not MappingNode:
                continue
            for key, value in data.items():
                if type(value) is not ScalarNode or value.is_null:
                    continue
                problem = _problem(key.value, value.value)
                if problem is not None:
                    ctx.report(
                        value.span if value.span.line == key.span.line else key.span,
                        f"ConfigMap \"{configmap.name or ''}\" holds {problem} in {key.value}: put it in a Secret",
                    )
