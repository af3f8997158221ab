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
        from dockerlint import suppressions
        from dockerlint.parse.yaml import comment_lines

        return suppressions.filter_yaml(findings, suppressions.yaml_comment_pragmas(comment_lines(source, model), source))

    def document_count(self, model):
        return len(model)

    def to_dict(self, model, path):
        from dockerlint.parse.dump import yaml_to_dict

        return yaml_to_dict(self.kind, model, path)
