"""Dockerfiles: our lossless parser; hadolint and dockerlint pragmas in comments, BuildKit's
`# check=skip=` directive."""
from __future__ import annotations

from dockerlint.kinds import KindPlugin
from dockerlint.model import FileKind


class DockerfilePlugin(KindPlugin):
    kind = FileKind.DOCKERFILE
    rule_kinds = frozenset({FileKind.DOCKERFILE})
    label = "Dockerfile"

    def parse(self, source, documents=None):
        from dockerlint.parse.dockerfile import parse_dockerfile

        return parse_dockerfile(source.text, source.path)

    def suppress(self, findings, model, source, settings):
        from dockerlint.suppressions import filter_dockerfile

        return filter_dockerfile(findings, model, settings.disable_ignore_pragma)

    def to_dict(self, model, path):
        from dockerlint.parse.dockerfile import dockerfile_to_dict

        return dockerfile_to_dict(model, path)


PLUGIN = DockerfilePlugin()
