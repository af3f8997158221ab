from dockerlint.model import FileKind, Severity
from dockerlint.parse.yaml import MappingNode, iter_nodes
from dockerlint.rule import Rule, bad, ok


class DuplicateKey(Rule):
    """
    Write each key of a mapping once.

    ## What it does
    Flags a key written a second time in the same mapping of a Kubernetes manifest, at the
    repeated key, naming the line of the first.

    ## Why is this bad?
    Which value counts depends on the tool: PyYAML and `kubectl` (client-side) keep the last,
    strict decoders (`kubectl --validate=strict`, server-side field validation, Go's yaml.v3)
    reject the object, and a reviewer reading the first value is misled. Usually a block was
    pasted twice or two edits collided in a merge.

    ## Scope
    Keys as written (merge keys `<<` and what they bring in are not duplicates).
    """

    code = "KS104"
    name = "duplicate-key"
    kinds = frozenset({FileKind.KUBERNETES})
    severity = Severity.ERROR
    examples = [
        bad(
            """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: settings
            data:
              mode: fast
              mode: safe
            """,
            count=1,
        ),
        ok(
            """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: settings
            data:
              mode: fast
              level: high
            """
        ),
    ]

    def check(self, ctx):
        for doc in ctx.model:
            for node in iter_nodes(doc.root):
                if type(node) is MappingNode:
                    for first, repeated in node.duplicate_keys():
                        ctx.report(repeated.span, f'duplicate key "{repeated.value}" (first on line {first.span.line}); '
                                   "tools disagree on which value counts")
