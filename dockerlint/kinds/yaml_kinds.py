"""What the YAML kinds (Kubernetes manifests, Compose files) share: one node graph with spans,
`# dockerlint: ignore=` comments, a document count a fix must keep."""
from __future__ import annotations

from dockerlint.kinds import KindPlugin


class YamlPlugin(KindPlugin):
    def parse(self, source, documents=None):
        if documents is not None:  # detection already parsed this text
            return documents
        from dockerlint.parse.yaml import load_documents

        return load_documents(source)

    def suppress(self, findings, model, source, settings):
        # a `# dockerlint: ignore` comment names the tool: most files have none, and listing
        # every comment of a file to find out was 8% of linting the Kubernetes corpus
        if not findings or "dockerlint" not in source.text.lower():
            return findings
        from dockerlint import suppressions
        from dockerlint.parse.yaml import comment_lines

        return suppressions.filter_yaml(findings, suppressions.yaml_comment_pragmas(comment_lines(source, model), source))

    def document_count(self, model):
        return len(model)

    def anchor(self, finding, model, source):
        """`<object>: <path of the field> = <value>`: the object is a Kubernetes object's
        kind/namespace/name (Compose: the path starts at the service), list items are named by
        their `name` where they have one."""
        from dockerlint.parse.yaml import MappingNode, ScalarNode, SequenceNode

        offset = finding.span.start
        for doc in model or ():
            if doc.root is None or not (doc.span.start <= offset <= doc.span.end):
                continue
            node, path = doc.root, []
            while node is not None:
                child = None
                if type(node) is MappingNode:
                    for k, v in node.pairs:
                        name = k.value if type(k) is ScalarNode else "?"
                        if k.span.start <= offset < k.span.end:  # on the key: the pair is the field
                            path.append(name)
                            node = v if type(v) is ScalarNode else None
                            break
                        if v.span.start <= offset < max(v.span.end, v.span.start + 1):
                            path.append(name)
                            child = v
                            break
                elif type(node) is SequenceNode:
                    for i, item in enumerate(node.items):
                        if item.span.start <= offset < max(item.span.end, item.span.start + 1):
                            name = item.get("name") if type(item) is MappingNode else None
                            path.append(f"[{name.value}]" if type(name) is ScalarNode else f"[{i}]")
                            child = item
                            break
                if child is None:
                    break
                node = child
            value = f" = {' '.join(node.value.split())}" if type(node) is ScalarNode else ""
            return f"{self._object(doc.root)}{'.'.join(path)}{value}"
        return super().anchor(finding, model, source)

    @staticmethod
    def _object(root) -> str:
        from dockerlint.parse.yaml import MappingNode, ScalarNode

        if type(root) is not MappingNode or "kind" not in root:
            return ""
        meta = root.get("metadata")
        parts = [root.get("kind")]
        if type(meta) is MappingNode:
            parts += [meta.get("namespace"), meta.get("name")]
        return "/".join(p.value for p in parts if type(p) is ScalarNode) + ": "

    def to_dict(self, model, path):
        from dockerlint.parse.dump import yaml_to_dict

        return yaml_to_dict(self.kind, model, path)
