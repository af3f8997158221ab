"""What kind of file is this: a Dockerfile, Kubernetes manifests, a Compose file, or none of them.

- By name: Dockerfiles (`Dockerfile`, `Containerfile`, `Dockerfile.*`, `Containerfile.*`,
  `*.Dockerfile`, `*.containerfile`, any case; not `*.dockerignore`, and not `Dockerfile.<ext>`
  for another language's or a document's extension: `dockerfile.py`, `Dockerfile.md`,
  `dockerfile.go`, whose content decides) and Compose files (`docker-compose*.y[a]ml`,
  `compose*.y[a]ml`, `*.compose.y[a]ml`, any case). The name wins.
- Other names that mention `dockerfile`/`containerfile` (`dockerfile-api`, `web.dockerfile-prod`)
  are read by the directory walk and linted when the content is a Dockerfile (below).
- By content otherwise: Kubernetes when some YAML document has `apiVersion` and `kind` (cheap
  regex pre-check for both keys at column 0 of one document, then a real parse); Compose when
  the top level has a `services:` mapping; a Dockerfile when the first instruction-like line is
  `FROM` / `ARG` or a `# syntax=` (or `escape` / `check`) parser directive. Helm templates, Helm
  values, CI workflows and other YAML give None.
- Python (`*.py`) by its imports only: a program importing cdk8s, cdk8s-plus, cdk8s-generated
  `imports.k8s`, `pulumi_kubernetes`, AWS CDK ECS/EKS (`aws_cdk.aws_ecs`, `aws_cdk.aws_eks`), or
  Pulumi AWS/awsx with an ECS task definition is infrastructure-as-code; other Python gives None.

`detect()` also returns the parsed documents when it had to parse, so the caller can reuse them.
"""
from __future__ import annotations

import os
import re

from dockerlint.model import FileKind, SourceText
from dockerlint.paths import name as path_name
from dockerlint.rulekit.patterns import lazy

TYPE_CHECKING = False  # (typing.TYPE_CHECKING: typing is not imported at run time, ~2 ms)
if TYPE_CHECKING:  # the YAML layer is imported only when a YAML file is looked at
    from dockerlint.parse.yaml import YamlDocument

__all__ = [
    "kind_by_name",
    "contains_dockerfile_name",
    "detect_kind",
    "detect",
    "looks_like_dockerfile",
    "is_helm_template",
    "is_python_iac",
]

_YAML_EXT = (".yaml", ".yml")
_COMPOSE_NAME = lazy(r"^(?:docker-compose.*|compose.*|.*\.compose)\.ya?ml$")

_DOC_SPLIT = lazy(r"^(?:---|\.\.\.)(?:[ \t].*)?$", re.M)
_API_VERSION = lazy(r"""^["']?apiVersion["']?[ \t]*:""", re.M)
_KIND = lazy(r"""^["']?kind["']?[ \t]*:""", re.M)
_SERVICES = lazy(r"""^["']?services["']?[ \t]*:""", re.M)
# Helm-only template syntax. Plain `{{ ... }}` is not enough: Argo workflow parameters and
# Prometheus/Alertmanager templates keep it inside strings of valid manifests.
_HELM = lazy(r"\{\{-?\s*(?:include\s+\"|toYaml\s|tpl\s)|\|\s*nindent\s")
# `{{ ... .Values`: `{{`, then no `}` or newline, then a built-in object. Scanned token by token:
# the regular expression `\{\{[^}\n]*\.Values` rescans the rest of the line from every `{{`,
# which takes minutes on a long line of braces.
_HELM_OBJECT = lazy(r"\.(?:Values|Release|Chart|Capabilities|Files)\b")
_HELM_TOKENS = lazy(r"\{\{|[}\n]|\.(?:Values|Release|Chart|Capabilities|Files)\b")
_DIRECTIVE = lazy(r"^#\s*(syntax|escape|check)\s*=", re.I)
# `FROM [--flag=v ...] image [AS name]` (or continued with `\`), `ARG NAME[=value]`: prose
# that happens to start with "From ..." or "Arguments" is not a Dockerfile.
_FIRST_INSTRUCTION = lazy(
    r"^\s*(?:FROM\s+(?:--[\w-]+(?:=\S*)?\s+)*\S+(?:\s+AS\s+\S+)?\s*(?:\\\s*)?"
    r"|FROM\s+.*\\\s*"
    r"|ARG\s+[A-Za-z_][\w-]*(?:=.*|(?:\s+[A-Za-z_][\w-]*(?:=\S*)?)*\s*(?:\\\s*)?))$",
    re.I,
)
# `from X import names` (names possibly in parentheses over several lines) or `import X, Y`
_PY_IMPORT = lazy(
    r"^[ \t]*(?:from[ \t]+(?P<module>\.*[\w.]*)[ \t]+import[ \t]+(?P<names>\([^)]*\)|[^\n]*)"
    r"|import[ \t]+(?P<modules>[^\n]*))",
    re.M,
)
_IAC_MODULE = lazy(
    r"^(?:cdk8s(?:_plus_\d+)?|imports\.k8s|pulumi_kubernetes|aws_cdk\.aws_(?:ecs|eks))(?:\.|$)"
)
_PULUMI_AWS_MODULE = lazy(r"^pulumi_awsx?(?:\.|$)")
_PY_HINTS = ("cdk8s", "imports", "pulumi_kubernetes", "aws_cdk", "pulumi_aws")


# Extensions of other languages and documents: `dockerfile.py`, `Dockerfile.md`, `dockerfile.json`,
# `pkg/dockerfile.go` are code or docs *about* Dockerfiles. With one of these, a Dockerfile-like
# name only makes the content decide (a template such as `Dockerfile.j2` that starts with
# `FROM` is still linted).
OTHER_LANGUAGE_EXTENSIONS = frozenset("""
    py pyi pyc ipynb md markdown mdx rst adoc asciidoc txt org tex json jsonc json5 go mod sum js mjs
    cjs jsx ts mts cts tsx vue svelte rb erb rs java kt kts scala groovy gradle clj sh bash zsh
    fish ps1 psm1 bat cmd c h cc cpp cxx hpp hh cs fs vb php pl pm lua r jl swift m mm dart ex
    exs erl hrl hs ml nim zig v sql toml ini cfg conf properties xml html htm css scss less yaml
    yml lock nix tf hcl j2 jinja jinja2 tmpl tpl template mustache hbs njk liquid snap orig bak
    rej patch diff png jpg jpeg gif svg pdf
""".split())


def contains_dockerfile_name(path: str) -> bool:
    """The name mentions a Dockerfile (`dockerfile-api`, `web.dockerfile-prod`, `Containerfile_x`)."""
    name = os.path.basename(path.replace("\\", "/")).lower()
    return ("dockerfile" in name or "containerfile" in name) and not name.endswith(".dockerignore")


def kind_by_name(path: str) -> FileKind | None:
    """The kind a file name alone says, or None (content decides)."""
    name = path_name(path.replace("\\", "/")).lower()
    if not name or name.endswith(".dockerignore"):
        return None
    if "file" not in name:  # neither base below (most names of a tree of manifests)
        return FileKind.COMPOSE if "compose" in name and _COMPOSE_NAME.match(name) else None
    for base in ("dockerfile", "containerfile"):
        if name == base or name.endswith("." + base):
            return FileKind.DOCKERFILE
        if name.startswith(base + "."):
            extension = name.rsplit(".", 1)[1]
            return None if extension in OTHER_LANGUAGE_EXTENSIONS else FileKind.DOCKERFILE
    if _COMPOSE_NAME.match(name):
        return FileKind.COMPOSE
    return None


def looks_like_dockerfile(text: str) -> bool:
    """True when the first instruction-like line is FROM or ARG, or a parser directive leads."""
    for number, line in enumerate(text.splitlines()):
        stripped = line.strip().lstrip("\ufeff") if number == 0 else line.strip()
        if not stripped:
            continue
        if stripped.startswith("#"):
            if _DIRECTIVE.match(stripped):
                return True
            continue
        return bool(_FIRST_INSTRUCTION.match(stripped))
    return False


def is_helm_template(text: str) -> bool:
    if "{{" not in text and "nindent" not in text:  # what each branch of _HELM needs: most files
        return False  # are told by two substring searches, not a scan with the pattern
    if _HELM.search(text) is not None:
        return True
    if "{{" not in text or _HELM_OBJECT.search(text) is None:
        return False
    inside = False
    for m in _HELM_TOKENS.finditer(text):
        token = m.group()
        if token == "{{":
            inside = True
        elif token == "}" or token == "\n":
            inside = False
        elif inside:
            return True
    return False


def _imported_modules(text: str):
    """Every module a Python text imports, and `module.name` for each `from module import name`."""
    for m in _PY_IMPORT.finditer(text):
        if m.group("modules") is not None:
            for part in m.group("modules").split("#", 1)[0].split(","):
                words = part.split()
                if words:
                    yield words[0]
            continue
        module = m.group("module").lstrip(".")
        yield module
        names = m.group("names").strip("()")
        for line in names.splitlines():
            for part in line.split("#", 1)[0].split(","):
                words = part.split()
                if words and words[0] != "*":
                    yield f"{module}.{words[0]}" if module else words[0]


def is_python_iac(text: str) -> bool:
    """Does this Python text import a framework whose workloads we read (cheap: imports only)?"""
    if not any(hint in text for hint in _PY_HINTS):
        return False
    pulumi_aws = False
    for module in _imported_modules(text):
        if _IAC_MODULE.match(module):
            return True
        pulumi_aws = pulumi_aws or bool(_PULUMI_AWS_MODULE.match(module))
    # Pulumi AWS only when the program defines an ECS task definition
    return pulumi_aws and ("TaskDefinition" in text or "container_definitions" in text)


def _k8s_precheck(text: str) -> bool:
    """Both `apiVersion:` and `kind:` at column 0 within one document."""
    api_version = _API_VERSION.search(text)
    kind = api_version and _KIND.search(text)
    if not kind:
        return False
    # most files: the first of each in the first document, no `---` line between them
    if _DOC_SPLIT.search(text, min(api_version.start(), kind.start()), max(api_version.start(), kind.start())) is None:
        return True
    return any(_API_VERSION.search(chunk) and _KIND.search(chunk) for chunk in _DOC_SPLIT.split(text))


def _is_k8s(documents: list[YamlDocument]) -> bool:
    from dockerlint.parse.yaml import MappingNode

    return any(type(d.root) is MappingNode and "apiVersion" in d.root and "kind" in d.root for d in documents)


def _is_compose(documents: list[YamlDocument]) -> bool:
    from dockerlint.parse.yaml import MappingNode

    return any(type(d.root) is MappingNode and d.root.get_mapping("services") is not None for d in documents)


def detect(path: str, text: str | None) -> tuple[FileKind | None, list[YamlDocument] | None]:
    """(kind, parsed documents if detection parsed the text as YAML, else None)."""
    by_name = kind_by_name(path)
    if by_name is not None or text is None:
        return by_name, None
    if path.lower().endswith(".py"):
        return (FileKind.PYTHON if is_python_iac(text) else None), None
    is_yaml_name = path.lower().endswith(_YAML_EXT)
    if not is_yaml_name and looks_like_dockerfile(text):
        return FileKind.DOCKERFILE, None
    if is_helm_template(text):
        return None, None
    from dockerlint.parse.yaml import YamlParseError, load_documents  # (not for a Dockerfile)

    documents: list[YamlDocument] | None = None
    json_like = text.lstrip("\ufeff \t\r\n").startswith("{")
    if _k8s_precheck(text) or json_like:
        try:
            documents = load_documents(SourceText(text, path))
        except YamlParseError:
            # the manifest is broken: let the linter report its parse error
            return (FileKind.KUBERNETES, None) if not json_like else (None, None)
        if _is_k8s(documents):
            return FileKind.KUBERNETES, documents
    if _SERVICES.search(text) or json_like:
        if documents is None:
            try:
                documents = load_documents(SourceText(text, path))
            except YamlParseError:
                return None, None
        if _is_compose(documents):
            return FileKind.COMPOSE, documents
    return None, documents


def detect_kind(path: str, text: str | None) -> FileKind | None:
    """The kind of a file from its name, then (if `text` is given) its content; None if unknown."""
    return detect(path, text)[0]
