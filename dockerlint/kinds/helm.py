"""Helm charts: a directory with `Chart.yaml`. Rendered in-process (the `[helm]` extra), the
rendered stream linted with the Kubernetes rules, findings reported at the template and values
lines that produced them (`dockerlint.helm`)."""
from __future__ import annotations

from dockerlint.kinds import KindPlugin
from dockerlint.model import FileKind


class HelmPlugin(KindPlugin):
    kind = FileKind.HELM
    rule_kinds = frozenset({FileKind.KUBERNETES})
    label = "Helm chart"
    directory = True

    def parse(self, source, documents=None):
        from dockerlint.model import ParseError

        raise ParseError("a Helm chart is linted as a directory (its templates are not YAML)")

    def lint_directory(self, path, settings):
        from dockerlint.helm.chart import lint_chart

        try:
            return lint_chart(path, settings)
        except Exception as e:  # noqa: BLE001 - reported as an error of this chart, the run goes on
            return self.internal_error(path, "Chart.yaml", e)

    def fix_directory(self, path, settings):
        from collections import Counter

        from dockerlint.helm.fix import fix_chart

        try:
            return fix_chart(path, settings)
        except Exception as e:  # noqa: BLE001
            return self.internal_error(path, "Chart.yaml", e), [], Counter()


PLUGIN = HelmPlugin()
