from dataclasses import dataclass, field

from dockerlint.rulekit.analysis import global_arg_values, parse_arg, stage_infos
from dockerlint.rulekit.buildkit import ArgWord, args_span, levenshtein, arg_words, suggest, var_refs
from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok

# Variables that are always defined, or that BuildKit never reports.
_ALWAYS = {"PATH", "BUILDKIT_SBOM_SCAN_CONTEXT", "BUILDKIT_SBOM_SCAN_STAGE"}
# Expansions that say what to do when the variable is unset.
_HANDLES_UNSET = {"-", ":-", "+", ":+", "?", ":?"}
# Instructions whose arguments BuildKit expands itself (not through a shell).
_EXPANDED = {"ENV", "LABEL", "ARG", "COPY", "ADD", "WORKDIR", "USER", "VOLUME", "STOPSIGNAL"}


@dataclass
class _Scope:
    """The variables defined in a stage chain so far."""

    env: set[str] = field(default_factory=set)  # ENV keys and ARGs with a value
    args: set[str] = field(default_factory=set)  # every ARG declared in the stage chain
    from_scratch: bool = False  # no unknown base image below: nothing else is defined

    def copy(self) -> "_Scope":
        return _Scope(set(self.env), set(self.args), self.from_scratch)

    def defined(self, name: str) -> bool:
        return name in self.env or name in self.args or name in _ALWAYS


class UndefinedVar(Rule):
    """Variables should be defined before they are used.

    ## What it does
    Flags `$VAR` / `${VAR}` in the instructions the builder expands itself (`ENV`, `ARG`
    defaults, `LABEL`, `COPY`, `ADD`, `WORKDIR`, `USER`, `VOLUME`, `STOPSIGNAL`) when no `ARG` or
    `ENV` of the stage (or of the stages it is built `FROM`) defines it. A global `ARG` (before
    the first `FROM`) is only visible inside a stage once the stage redeclares it with `ARG NAME`;
    the same holds for `TARGETARCH` and the other predefined platform arguments.

    ## Why is this bad?
    An undefined variable expands to an empty string without any error: `COPY $APP_DIR /srv`
    copies the whole context, `ENV PATH=$PAHT:/app/bin` wipes `PATH`, `WORKDIR /opt/$VERSION`
    is `/opt/`.

    ## Scope
    Every stage, `ONBUILD` excluded. Shell-form `RUN`, `CMD` and `ENTRYPOINT` are left to the
    shell. The builder also knows the environment of the base image, which a linter does not:
    in a stage built on an image, only likely typos are reported (a variable one edit, or one
    swap of neighbouring letters, away from a defined one: `$PAHT` for `$PATH`, `$APP_VERISON`
    for `$APP_VERSION`);
    in stages built on `scratch` every undefined variable is. A variable used in `COPY`/`ADD`
    (or any instruction above) before the stage's own `ARG`/`ENV` declares it is reported in
    every stage: it is the Dockerfile's variable and expands to an empty string there. `PATH`
    is always defined.

    ## Compared with other tools
    Docker build check `UndefinedVar`. Differences, on purpose: expansions that handle an unset
    variable (`${VAR:-default}`, `${VAR:+x}`, `${VAR:?msg}`) are not reported, and neither are
    variables that may come from the base image (see Scope); `COPY` heredoc bodies are not
    checked (BuildKit does, and reports shell variables meant for the file). hadolint has no
    equivalent (DL3044 only covers a variable used in the `ENV` that defines it).
    """

    code = "DF107"
    name = "undefined-var"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.WARNING
    aliases = ("BuildKit:UndefinedVar",)
    examples = [
        bad("FROM scratch\nCOPY $foo /\n"),
        bad("FROM alpine:3.20\nENV APP_HOME=/app\nWORKDIR $APP_HOEM\n"),
        bad("ARG VERSION=1.0\nFROM scratch\nLABEL version=$VERSION\n"),
        bad("FROM scratch\nARG TARGETARCH\nCOPY bin/$TARGETARCH/app /\nFROM scratch\nCOPY bin/$TARGETARCH/app /\n", count=1),
        bad("FROM python:3.12-slim\nCOPY $APP_DIR /srv/app\nADD --chown=${APP_USER} a /b\nARG APP_DIR=app\nARG APP_USER=app\n", count=2),
        ok("FROM scratch\nARG foo\nCOPY $foo /\n"),
        ok("ARG VERSION=1.0\nFROM scratch\nARG VERSION\nLABEL version=$VERSION\n"),
        ok("FROM python:3.12-slim\nARG VERSION=$PYTHON_VERSION\nENV PATH=/app/bin:$PATH\n"),
        ok("FROM scratch AS base\nENV DIR=/srv\nFROM base\nWORKDIR $DIR\nCOPY ${SRC:-.} $DIR\n"),
        ok("FROM alpine:3.20\nENV A=1\nRUN echo $UNDEFINED_IN_SHELL\n"),
    ]

    def check(self, ctx):
        df = ctx.dockerfile
        infos = ctx.cached("stage_infos", lambda: stage_infos(df, ctx.settings.build_args))
        global_values = ctx.cached("global_arg_values", lambda: global_arg_values(df, ctx.settings.build_args))
        build_args = ctx.settings.build_args or {}
        finished: dict[int, _Scope] = {}
        for info in infos:
            if info.parent is not None and info.parent in finished:
                scope = finished[info.parent].copy()
            else:
                scope = _Scope(from_scratch=(info.image or "").strip().lower() == "scratch")
            self._declared = self._declarations(info.stage.instructions[1:])
            for ins in info.stage.instructions[1:]:
                if ins.keyword in _EXPANDED:
                    self._line = ins.span.line
                    self._instruction(ctx, ins, scope, global_values, build_args)
            finished[info.stage.index] = scope

    # ---- one instruction --------------------------------------------------------------------
    def _instruction(self, ctx, ins, scope: _Scope, global_values, build_args):
        reported: set[str] = set()

        def check_word(word: ArgWord, offset: int = 0):
            text = word.text[offset:]
            for ref in var_refs(text, ins.escape):
                if ref.modifier in _HANDLES_UNSET or not (ref.name[0].isalpha() or ref.name[0] == "_"):
                    continue
                if scope.defined(ref.name) or ref.name in reported:
                    continue
                names = scope.env | scope.args | _ALWAYS
                match = suggest(ref.name, names)
                later = self._declared_later(ref.name)
                if not scope.from_scratch and later is None and not self._likely_typo(ref.name, match):
                    continue
                reported.add(ref.name)
                hint = self._hint(ref.name, match, later)
                start = word.start + offset
                ctx.report(args_span(ins, start + ref.start, start + ref.end), f"Usage of undefined variable '${ref.name}'{hint}")

        kw = ins.keyword
        if ins.json is not None:
            return  # exec-form COPY/VOLUME: rare, and items have no reliable positions
        words = arg_words(ins)
        if kw in ("ENV", "LABEL"):
            if words and "=" not in words[0].text:  # legacy `ENV key value`
                check_word(words[0])
                if len(words) > 1:
                    rest = ArgWord(ins.args[words[1].start : words[-1].end], words[1].start, words[-1].end)
                    check_word(rest)
                if kw == "ENV":
                    scope.env.add(self._plain(words[0].text))
                return
            for word in words:
                key, eq, _ = word.text.partition("=")
                check_word(ArgWord(key, word.start, word.start + len(key)))
                if eq:
                    check_word(word, len(key) + 1)
            if kw == "ENV":
                scope.env.update(self._plain(w.text.partition("=")[0]) for w in words)
            return
        if kw == "ARG":
            declared = {name: value for name, value in parse_arg(ins)}
            for word in words:
                key, eq, _ = word.text.partition("=")
                if eq:
                    check_word(word, len(key) + 1)
                name = self._plain(key)
                scope.args.add(name)
                value = declared.get(name)
                if name in build_args or value is not None or global_values.get(name) is not None:
                    scope.env.add(name)
            return
        for word in words:
            if word.text.startswith("<<"):
                continue  # a heredoc source
            check_word(word)
        for flag in ins.flags:
            if flag.name in ("chown", "chmod") and flag.value and "$" in flag.value:
                raw = ins.source.text[flag.span.start : flag.span.end]
                at = raw.find(flag.value, raw.find("=") + 1)
                if at >= 0:
                    self._flag(ctx, ins, flag, at, scope, reported)

    def _flag(self, ctx, ins, flag, at, scope, reported):
        for ref in var_refs(flag.value, ins.escape):
            if ref.modifier in _HANDLES_UNSET or scope.defined(ref.name) or ref.name in reported:
                continue
            match = suggest(ref.name, scope.env | scope.args | _ALWAYS)
            later = self._declared_later(ref.name)
            if not scope.from_scratch and later is None and not self._likely_typo(ref.name, match):
                continue
            reported.add(ref.name)
            hint = self._hint(ref.name, match, later)
            start = flag.span.start + at + ref.start
            ctx.report(ins.source.span(start, start + ref.end - ref.start), f"Usage of undefined variable '${ref.name}'{hint}")

    # ---- a variable declared later in the stage ------------------------------------------------
    _declared: dict[str, list[int]] = {}
    _line = 0

    @staticmethod
    def _declarations(instructions) -> dict[str, list[int]]:
        """Name -> lines of the stage's ARG/ENV instructions declaring it (in order)."""
        out: dict[str, list[int]] = {}
        for ins in instructions:
            if ins.keyword == "ARG":
                names = [name for name, _ in parse_arg(ins)]
            elif ins.keyword == "ENV":
                words = arg_words(ins)
                legacy = bool(words) and "=" not in words[0].text
                names = [w.text.partition("=")[0].strip("\"'") for w in (words[:1] if legacy else words)]
            else:
                continue
            for name in names:
                out.setdefault(name, []).append(ins.span.line)
        return out

    def _declared_later(self, name: str) -> int | None:
        """The line of this stage's first ARG/ENV declaring `name` after the current instruction:
        then the variable is the Dockerfile's own, not something the base image may define,
        and using it before its declaration expands to an empty string (as BuildKit reports)."""
        return next((line for line in self._declared.get(name, ()) if line > self._line), None)

    @staticmethod
    def _hint(name: str, match: str | None, later: int | None) -> str:
        if later is not None:
            return f" (it is declared later, on line {later}: move that ARG/ENV above this use)"
        return f" (did you mean ${match}?)" if match else ""

    @staticmethod
    def _likely_typo(name: str, match: str | None) -> bool:
        """One edit away (or two letters swapped, or only the case differs): `$PAHT` for `$PATH`.
        Looser matches such as `$GOPATH` for `$PATH` are usually base-image variables."""
        if match is None or len(name) < 4:
            return False
        if match.lower() == name.lower() or levenshtein(name, match, 1) == 1:
            return True
        if len(name) == len(match):
            diff = [k for k in range(len(name)) if name[k] != match[k]]
            return len(diff) == 2 and diff[1] == diff[0] + 1 and name[diff[0]] == match[diff[1]] and name[diff[1]] == match[diff[0]]
        return False

    @staticmethod
    def _plain(text: str) -> str:
        return text.strip("\"'")
