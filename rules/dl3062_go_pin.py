from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.run_helpers import commands, scripts

MESSAGE = "Pin versions in go. Instead of `go install <package>` use `go install <package>@<version>`"

SUBCOMMANDS = ("install", "get", "run")
# Build flags of go install/get/run that take a separate value (go flags have one dash).
VALUE_FLAGS = {
    "-C", "-o", "-p", "-tags", "-ldflags", "-gcflags", "-asmflags", "-mod", "-modfile",
    "-overlay", "-pgo", "-pkgdir", "-toolexec", "-exec", "-covermode", "-coverpkg",
    "-compiler", "-buildmode", "-installsuffix", "-gccgoflags", "-buildvcs",
}
MOVING_QUERIES = ("latest", "upgrade", "patch")


def _positional(args) -> list:
    out = []
    skip = False
    for word in args:
        v = word.value
        if skip:
            skip = False
            continue
        if v.startswith("-") and len(v) > 1:
            name = "-" + v.lstrip("-").split("=", 1)[0]
            if "=" not in v and name in VALUE_FLAGS:
                skip = True
            continue
        out.append(word)
    return out


# Go's package patterns that name no module to download: the main module's `tool` set (Go
# 1.24, versions from go.mod), `all`, the standard library.
PATTERNS = frozenset({"tool", "all", "std", "cmd"})


def _is_local(package: str) -> bool:
    return package in (".", "..") or package in PATTERNS or package.startswith(("/", "./", "../"))


class GoPin(Rule):
    """Pin versions in go install, go get and go run.

    ## What it does
    Flags module packages in `go install`, `go get` and `go run` without an `@version`, or
    with a moving query such as `@latest`: `go install example.com/cmd/tool` instead of
    `go install example.com/cmd/tool@v1.2.3`.

    ## Why is this bad?
    Without a version Go resolves the newest release (or whatever `go.mod` says, in a module),
    so the image changes from build to build and new releases land unreviewed.

    ## Scope
    Every stage; `ONBUILD RUN` is checked too (as hadolint does). Local packages (`.`,
    `./cmd/x`, `/go/src/app`), `.go` files and the patterns `tool`, `all`, `std`, `cmd` (whose
    versions come from `go.mod`) are fine. For `go run` only the package is checked, not the
    program's arguments after it.

    ## Compared with other tools
    hadolint DL3062. We also flag the other moving queries `@upgrade` and `@patch`, skip
    build flags with values (`-tags netgo`), and do not flag packages given by a variable,
    `go run main.go` or `go install tool`, which hadolint reports. hadolint misses a `go`
    called by path (`/usr/local/go/bin/go get -u example.com/tool`).
    """

    code = "DL3062"
    name = "go-pin"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.WARNING
    aliases = ("hadolint:DL3062",)
    security = True
    examples = [
        bad("FROM golang:1.22\nRUN go install example.com/cmd/tool\n", at=(2, 16)),
        bad("FROM golang:1.22\nRUN go install golang.org/x/tools/gopls@latest\n", at=(2, 16)),
        bad("FROM golang:1.22\nONBUILD RUN go get -tool example.com/tool\n", at=(2, 26)),
        ok("FROM golang:1.22\nRUN go install -tags netgo golang.org/x/tools/gopls@v0.15.3\n"),
        ok("FROM golang:1.22\nRUN go run example.com/gen@v1.2.3 --out ./gen\n"),
        ok("FROM golang:1.22\nRUN go install ./cmd/... && go build -o /app .\n"),
    ]

    def check(self, ctx):
        for rs in scripts(ctx, onbuild=True):
            for _cmd, eff in commands(rs):
                if eff.basename != "go":
                    continue
                positional = _positional(eff.args)
                if not positional or positional[0].value not in SUBCOMMANDS:
                    continue
                sub = positional[0].value
                packages = positional[1:2] if sub == "run" else positional[1:]
                for word in packages:
                    value = word.value
                    if "$" in value or "`" in value or _is_local(value) or value.endswith(".go"):
                        continue
                    _, at, version = value.rpartition("@")
                    if not at:
                        ctx.report(rs.word_span(word), f"{MESSAGE} (`{value}` has no version)")
                    elif version in MOVING_QUERIES:
                        ctx.report(rs.word_span(word), f"{MESSAGE} (`{value}` is not a fixed version)")
