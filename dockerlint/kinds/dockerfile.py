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

    def anchor(self, finding, model, source):
        """The instruction the finding is in, continuations joined and whitespace folded (and
        the heredoc line, for a finding inside a heredoc body)."""
        import bisect

        instructions = model.instructions if model is not None else []
        starts = [i.span.start for i in instructions]
        k = bisect.bisect_right(starts, finding.span.start) - 1
        if k < 0 or finding.span.start > instructions[k].span.end:
            return super().anchor(finding, model, source)
        ins = instructions[k]
        text = " ".join((ins.original or ins.keyword).split())
        first_line = ins.span.line + ins.original.count("\n")
        if ins.heredocs and finding.span.line > first_line:
            text += " | " + " ".join(source.line_text(finding.span.line).split())
        return text

    def to_dict(self, model, path):
        from dockerlint.parse.dockerfile import dockerfile_to_dict

        return dockerfile_to_dict(model, path)


PLUGIN = DockerfilePlugin()
