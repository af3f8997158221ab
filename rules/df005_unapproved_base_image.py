from dockerlint.rulekit.analysis import stage_infos
from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.image_policy import replacement_fix, unapproved


class UnapprovedBaseImage(Rule):
    """A `FROM` image is not in the organisation's list of approved base images.

    ## What it does
    With `approved-images` configured (a list of globs such as `ghcr.io/acme/base/*` or
    `docker.io/library/python:3.12-slim*`), flags every `FROM` image that matches none of them.
    `ARG` values are resolved first; `scratch`, earlier stage names and images that cannot be
    resolved are not checked.

    ## Why is this bad?
    Approved base images are the ones the organisation patches, scans and signs; anything else
    bypasses that process and drifts out of date.

    ## Scope
    Inactive while `approved-images` is empty. A glob is matched (`fnmatch`: `*` also matches
    `/` and `:`) against the image as written and its normalised forms: `python:3.12` is also
    tried as `python:3.12`, `library/python:3.12` and `docker.io/library/python:3.12`, and
    without its tag. The same policy covers Kubernetes containers (KS302) and Compose services
    (DC302). Registry-level allow lists are DL3026's job (hadolint's
    `trustedRegistries`); this rule is about whole image names.

    ## Fix safety
    With an `image-replacements` entry for the image (`{ "python:3.12" = "ghcr.io/acme/python:3.12" }`;
    a glob key whose `*` the value reuses keeps the tag: `{ "python:*" = "ghcr.io/acme/python:*" }`)
    the fix writes the replacement, and it is safe: the user declared it. It is offered only
    when the replacement is itself approved and the image is written literally in `FROM` (an
    image from an `ARG` is reported without a fix: change the `ARG` default). A digest of the old
    image is dropped, since it names the old image's content.

    ## Compared with other tools
    hadolint has only registry allow lists (DL3026); policy engines (OPA/Conftest, Kyverno)
    implement the same check with custom policies.
    """

    code = "DF005"
    name = "unapproved-base-image"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.ERROR
    security = True
    examples = [
        bad("FROM python:3.12\n", config={"approved-images": ["ghcr.io/acme/base/*"]}),
        bad("ARG BASE=quay.io/x/y:1\nFROM $BASE\n", config={"approved-images": ["ghcr.io/acme/*"]}),
        bad("FROM ghcr.io/acme/base/python:3.12 AS build\nFROM node:22\n", config={"approved-images": ["ghcr.io/acme/base/*"]}, count=1),
        ok("FROM ghcr.io/acme/base/python:3.12\n", config={"approved-images": ["ghcr.io/acme/base/*"]}),
        ok("FROM python:3.12-slim\n", config={"approved-images": ["docker.io/library/python:3.12-slim*"]}),
        ok("FROM ghcr.io/acme/base/go:1 AS build\nFROM build\nFROM scratch\n", config={"approved-images": ["ghcr.io/acme/base/*"]}),
        ok("FROM python:3.12\n"),
        bad(
            "FROM python:3.12-slim AS build\nFROM docker.io/library/python:3.11@sha256:9ae97d36d26566ff84e8893c64a6dc4fe8ca6d1144bf5b87b2b85a32def253c7\n",
            "FROM ghcr.io/acme/python:3.12-slim AS build\nFROM ghcr.io/acme/python:3.11\n",
            config={"approved-images": ["ghcr.io/acme/*"], "image-replacements": {"python:*": "ghcr.io/acme/python:*"}},
            count=2,
        ),
        bad(
            "ARG BASE=node:22\nFROM $BASE\n",
            config={"approved-images": ["ghcr.io/acme/*"], "image-replacements": {"node:22": "ghcr.io/acme/node:22"}},
        ),
    ]

    def check(self, ctx):
        if not ctx.settings.approved_images:
            return
        df = ctx.dockerfile
        infos = ctx.cached("stage_infos", lambda: stage_infos(df, ctx.settings.build_args))
        for info in infos:
            image = info.image
            if image is None or info.parent is not None or image.lower() == "scratch" or "$" in image:
                continue
            verdict = unapproved(image, ctx.settings, "base image")
            if verdict is None:
                continue
            word = next((w for w in info.stage.from_.words() if not w.value.startswith("--")), None)
            span = word.span if word else info.stage.from_.span
            fix = replacement_fix(ctx.source.text, span, verdict) if word is not None and word.value == image else None
            ctx.report(span, verdict.message, fix=fix)
