from fnmatch import fnmatchcase

from dockerlint.rulekit.analysis import stage_infos
from dockerlint.images.reference import parse_image
from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok


def _forms(image: str) -> list[str]:
    """The ways an image may be written, so `python:3.12` matches `docker.io/library/python:*` too."""
    ref = parse_image(image)
    names = {ref.name}
    if ref.is_docker_hub:
        repo = ref.repository if "/" in ref.repository else f"library/{ref.repository}"
        short = repo[len("library/"):] if repo.startswith("library/") else repo
        names |= {short, repo, f"docker.io/{repo}", f"docker.io/{short}"}
    out = {image}
    for name in names:
        out.add(name)
        tagged = f"{name}:{ref.tag or 'latest'}"
        out.add(tagged)
        if ref.digest:
            out |= {f"{name}@{ref.digest}", f"{tagged}@{ref.digest}"}
    return sorted(out)


def image_approved(image: str, globs: list[str]) -> bool:
    forms = _forms(image)
    return any(fnmatchcase(form, glob.strip()) for glob in globs for form in forms)


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
    without its tag. Registry-level allow lists are DL3026's job (hadolint's
    `trustedRegistries`); this rule is about whole image names.

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
    ]

    def check(self, ctx):
        globs = [g for g in (ctx.settings.approved_images or []) if g.strip()]
        if not globs:
            return
        df = ctx.dockerfile
        infos = ctx.cached("stage_infos", lambda: stage_infos(df, ctx.settings.build_args))
        for info in infos:
            image = info.image
            if image is None or info.parent is not None or image.lower() == "scratch" or "$" in image:
                continue
            if image_approved(image, globs):
                continue
            word = next((w for w in info.stage.from_.words() if not w.value.startswith("--")), None)
            shown = ", ".join(f"`{g}`" for g in globs[:3]) + (", ..." if len(globs) > 3 else "")
            ctx.report(word.span if word else info.stage.from_.span, f"`{image}` is not an approved base image (approved-images: {shown})")
