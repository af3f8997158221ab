"""Python infrastructure-as-code programs (cdk8s, Pulumi, AWS CDK), read through libcst into
the Kubernetes node model: the Kubernetes rules run on them as on manifests, and `# dockerlint:`
comments and `dockerlint.io/ignore` annotations suppress findings."""
from __future__ import annotations

from dockerlint.kinds import KindPlugin
from dockerlint.model import FileKind


class PythonPlugin(KindPlugin):
    kind = FileKind.PYTHON
    rule_kinds = frozenset({FileKind.KUBERNETES, FileKind.PYTHON})
    label = "Python IaC program"

    @property
    def fields(self):
        from dockerlint.fixers.fields import PythonFields

        return PythonFields()

    def parse(self, source, documents=None):
        from dockerlint.parse.python.iac import parse_python  # libcst: only for .py files

        return parse_python(source)

    def finish(self, findings, model):
        from dockerlint.kinds.python_finish import finish

        return finish(findings, model)

    def suppress(self, findings, model, source, settings):
        from dockerlint import suppressions
        from dockerlint.kinds.k8s_annotations import filter_annotations
        from dockerlint.parse.python.iac import python_comments

        findings = suppressions.filter_yaml(findings, suppressions.yaml_comment_pragmas(python_comments(source), source))
        return filter_annotations(findings, model)

    def document_count(self, model):
        return len(model)

    def to_dict(self, model, path):
        from dockerlint.parse.dump import yaml_to_dict

        return yaml_to_dict(self.kind, model, path)


PLUGIN = PythonPlugin()
