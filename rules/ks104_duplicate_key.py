from dockerlint.model import FileKind, Severity
from dockerlint.parse.yaml import MappingNode, ScalarNode, SequenceNode
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
        report_duplicates(ctx)


def report_duplicates(ctx) -> None:
    for doc in ctx.model:
        if not doc.keys_may_repeat:  # the C composer indexed every mapping's keys: none repeats
            continue
        for mapping in _mappings(doc.root):
            pairs = mapping.pairs
            if len(pairs) < 2 or mapping.distinct_keys_known():
                continue
            keys = {k.value for k, _ in pairs if type(k) is ScalarNode}
            if len(keys) == len(pairs) or mapping.duplicate_keys() == []:
                continue  # (a merge key `<<` or a complex key makes the counts differ)
            for first, repeated in mapping.duplicate_keys():
                ctx.report(repeated.span, f'duplicate key "{repeated.value}" (first on line {first.span.line}); '
                           "tools disagree on which value counts")


def _mappings(root) -> list:
    """Every mapping reachable from `root` once (aliases are not re-entered); scalars are
    skipped without a visit, which is most of a manifest."""
    found: list = []
    t = type(root)
    if t is not MappingNode and t is not SequenceNode:
        return found
    seen: set[int] = set()
    stack = [root]
    pop, push = stack.pop, stack.append
    while stack:
        node = pop()
        if node.anchor is not None:  # only an anchored node can be reached twice (its aliases)
            if id(node) in seen:
                continue
            seen.add(id(node))
        if type(node) is MappingNode:
            found.append(node)
            for _, v in node.pairs:
                tv = type(v)
                if tv is MappingNode or tv is SequenceNode:
                    push(v)
        else:
            for v in node.items:
                tv = type(v)
                if tv is MappingNode or tv is SequenceNode:
                    push(v)
    return found
