"""The properties every fuzz target, the hypothesis tests and the smoke test check.

Each `check_*` function takes one input, runs one layer of dockerlint on it and raises
`PropertyViolation` (or lets an unexpected exception escape) when a property does not hold.
A parse error of our own (DockerfileParseError, YamlParseError, ConfigError) is an accepted
outcome, as long as it says where.

Losslessness of the Dockerfile model (`check_dockerfile_parse`). The model is lossless when
`print_dockerfile(model)` gives back the text, where printing means: walk the file in order and
emit, for each instruction, the source text of its span (keyword, flags, arguments, continuation
lines, comment lines inside the continuation, heredoc bodies and terminators), for each comment
outside an instruction, the text of its span (`#` to the end of the line), and between them the
gaps, which must hold only whitespace (line terminators, indentation; a BOM at offset 0). So
every non-blank character of the input belongs to exactly one instruction or one comment, the
instructions and comments come in order and do not overlap, and the text decoded from a file
(BOM kept as U+FEFF) encodes back to the same bytes. Besides: each instruction's span text
starts with its raw keyword (after any lines that hold only the escape character or comments,
which BuildKit also folds into the instruction); every span's line and column agree with its
offsets; flags, words, heredocs and ONBUILD's inner instruction lie inside their instruction.
"""
from __future__ import annotations

import os
import re
import tempfile
from functools import lru_cache
from pathlib import Path


class PropertyViolation(AssertionError):
    pass


def require(condition: bool, message: str) -> None:
    if not condition:
        raise PropertyViolation(message)


# Go's unicode.IsSpace (the parser's notion of blank) plus the BOM, which may open the file.
BLANKS = set("\t\n\v\f\r \x85\xa0\u1680\u2028\u2029\u202f\u205f\u3000") | {chr(c) for c in range(0x2000, 0x200B)}


@lru_cache(maxsize=None)
def all_codes() -> tuple[str, ...]:
    from dockerlint import ruleset

    return tuple(r.code for r in ruleset.all_rules())


@lru_cache(maxsize=None)
def settings_all():
    """Every rule, ShellCheck excluded (it spawns a process per file)."""
    from dockerlint.settings import Settings

    return Settings(select=list(all_codes()))


def decode(data: bytes) -> str:
    return data.decode("utf-8", "replace")


# --- Dockerfile -------------------------------------------------------------------------------


def print_dockerfile(df) -> str:
    """The text the model describes: instruction spans, top-level comments and the blank gaps
    between them, in order (see the module docstring)."""
    text = df.source.text
    pieces = [(ins.span.start, ins.span.end) for ins in df.instructions]
    inside = [(s, e) for s, e in pieces]
    for comment in df.comments:
        s, e = comment.span.start, comment.span.end
        if not any(a <= s and e <= b for a, b in inside):
            pieces.append((s, e))
    pieces.sort()
    out = []
    position = 0
    for start, end in pieces:
        require(start >= position, f"pieces overlap at offset {start} (previous ends at {position})")
        gap = text[position:start]
        require(
            all(ch in BLANKS or (ch == "\ufeff" and position + k == 0) for k, ch in enumerate(gap)),
            f"non-blank text {gap[:40]!r} at offset {position} belongs to no instruction or comment",
        )
        out.append(gap)
        out.append(text[start:end])
        position = end
    tail = text[position:]
    require(all(ch in BLANKS or (ch == "\ufeff" and position == 0) for ch in tail),
            f"non-blank text {tail[:40]!r} after the last instruction or comment")
    out.append(tail)
    return "".join(out)


def _check_span(source, span, what: str) -> None:
    n = len(source.text)
    require(0 <= span.start <= span.end <= n, f"{what} span {span} outside the text of length {n}")
    expected = source.span(span.start, span.end)
    require(
        (span.line, span.col, span.end_line, span.end_col)
        == (expected.line, expected.col, expected.end_line, expected.end_col),
        f"{what} span {span} has the wrong line/column (expected {expected})",
    )


_BLANK_CLASS = "".join(sorted(BLANKS - {"\n"})).replace("\\", "\\\\").replace("]", "\\]").replace("-", "\\-")


def joined(written: str, escape: str) -> str:
    """`written` as BuildKit joins continuation lines: the escape, trailing blanks and the line
    break go, and so do blank and comment lines inside the continuation (a keyword may itself
    be split: `RU\\` + newline + `N`)."""
    pattern = re.escape(escape) + r"[ \t]*\r*\n(?:[" + _BLANK_CLASS + r"]*(?:#[^\n]*)?\n)*"
    return re.sub(pattern, "", written)


def _check_instruction(df, ins, outer=None) -> None:
    text = df.source.text
    what = f"{ins.keyword} at line {ins.line}"
    _check_span(df.source, ins.span, what)
    _check_span(df.source, ins.keyword_span, what + " keyword")
    require(ins.keyword == ins.keyword_raw.upper(), f"{what}: keyword {ins.keyword!r} vs raw {ins.keyword_raw!r}")
    written = text[ins.keyword_span.start:ins.keyword_span.end]
    require(joined(written, df.escape) == ins.keyword_raw,
            f"{what}: keyword span text {written!r} is not {ins.keyword_raw!r}")
    require(ins.span.contains(ins.keyword_span), f"{what}: keyword outside the instruction")
    if outer is None:
        prefix = text[ins.span.start:ins.keyword_span.start]
        # only lines holding the escape character, or comments, may come before the keyword
        stripped = re.sub(r"(?m)^[^\S\n]*#.*$", "", prefix).replace(df.escape, "")
        require(all(ch in BLANKS for ch in stripped),
                f"{what}: span text starts with {prefix[:40]!r}, not with the keyword")
    else:
        require(outer.span.contains(ins.span), f"{what}: inner instruction outside its ONBUILD")
    for flag in ins.flags:
        _check_span(df.source, flag.span, what + " flag")
        require(ins.span.contains(flag.span), f"{what}: flag --{flag.name} outside the instruction")
        if flag.span.line == flag.span.end_line:
            require(text[flag.span.start:flag.span.end].startswith("--"), f"{what}: flag span does not start with --")
    for word in ins.words():
        _check_span(df.source, word.span, what + " word")
        require(ins.span.contains(word.span), f"{what}: word {word.text!r} outside the instruction")
    for k in range(0, len(ins.args) + 1, max(1, len(ins.args) // 16)):
        offset = ins.source_offset(k)
        require(ins.span.start <= offset <= ins.span.end, f"{what}: args[{k}] maps to offset {offset} outside the instruction")
    for heredoc in ins.heredocs:
        _check_span(df.source, heredoc.span, what + " heredoc")
        _check_span(df.source, heredoc.body_span, what + " heredoc body")
        require(heredoc.span.contains(heredoc.body_span), f"{what}: heredoc body outside the heredoc")
        require((outer or ins).span.contains(heredoc.span), f"{what}: heredoc outside the instruction")
    if ins.inner is not None:
        _check_instruction(df, ins.inner, outer or ins)


def check_dockerfile_model(df, text: str) -> None:
    require(df.source.text == text, "the model's source is not the input text")
    previous_end = -1
    for ins in df.instructions:
        require(ins.span.start > previous_end or (ins.span.start == previous_end == 0),
                f"instructions out of order or overlapping at line {ins.line}")
        previous_end = ins.span.end
        _check_instruction(df, ins)
    previous_end = -1
    for comment in df.comments:
        _check_span(df.source, comment.span, "comment")
        raw = text[comment.span.start:comment.span.end]
        require(raw.startswith("#"), f"comment span {raw[:20]!r} does not start with #")
        require(comment.span.start >= previous_end, "comments out of order or overlapping")
        previous_end = comment.span.end
        for ins in df.instructions:
            overlap = comment.span.start < ins.span.end and ins.span.start < comment.span.end
            require(not overlap or ins.span.contains(comment.span), f"comment at line {comment.span.line} straddles an instruction")
    printed = print_dockerfile(df)
    require(printed == text, "printing the model does not give back the input")
    require(printed.encode("utf-8", "surrogatepass") == text.encode("utf-8", "surrogatepass"), "bytes differ")


def check_dockerfile_parse(text: str):
    """Parse; only DockerfileParseError (with a position) may come out. Returns the model or None."""
    from dockerlint.parse.dockerfile import DockerfileParseError, parse_dockerfile

    try:
        df = parse_dockerfile(text)
    except DockerfileParseError as e:
        require(isinstance(e.line, int) and e.line >= 1 and isinstance(e.column, int) and e.column >= 1,
                f"parse error without a position: {e.message!r} line={e.line} column={e.column}")
        require(not e.message.startswith("internal parser error"), f"parser bug: {e.message}")
        return None
    check_dockerfile_model(df, text)
    return df


# --- findings (any kind) ------------------------------------------------------------------------


def check_findings(result, text: str) -> None:
    from dockerlint.model import SourceText

    if result.error is not None:
        require(result.error.code == "E002", f"unexpected file error {result.error.code}: {result.error.message}")
        require(result.error.line is None or result.error.line >= 1, "error line < 1")
        return
    source = SourceText(text)
    for f in result.findings:
        require("internal error in rule" not in f.message, f"rule crashed: {f.message}")
        _check_span(source, f.span, f"{f.code} finding")
        if f.fix is not None:
            for e in f.fix.edits:
                require(0 <= e.start <= e.end <= len(text), f"{f.code} fix edit {e} outside the text")


def lint(text: str, kind, path: str):
    from dockerlint.engine import lint_source

    return lint_source(text, path, settings_all(), kind)


def check_dockerfile(text: str) -> None:
    """Parser properties, then every rule over the model."""
    from dockerlint.model import FileKind

    df = check_dockerfile_parse(text)
    if df is not None:
        # what we accept BuildKit accepts (else a fix could hand the user a broken file)
        require(buildkit_accepts(text) is not False, "our parser accepts a file BuildKit's parser rejects")
    result = lint(text, FileKind.DOCKERFILE, "Dockerfile")
    require((df is None) == (result.error is not None), "parser and engine disagree on whether the file parses")
    check_findings(result, text)


# --- YAML -----------------------------------------------------------------------------------------


def _all_nodes(documents):
    from dockerlint.parse.yaml import iter_nodes

    for doc in documents:
        yield from iter_nodes(doc.root)


def composed(text: str, native: bool):
    """What `load_documents` makes of `text`, with the C composer or the Python one, as plain
    data to compare: every document (span, `---` line, opaque ranges) and every node reachable
    from it with its span, tag, value, style, anchor, flow and merge sources; shared nodes (an
    alias is the anchored node) by the number of their first appearance. A YamlParseError as
    (message, line, column)."""
    from dockerlint.model import SourceText
    from dockerlint.parse import yaml as y

    saved = y.NATIVE
    y.NATIVE = native
    try:
        documents = y.load_documents(SourceText(text))
    except y.YamlParseError as e:
        return ("error", str(e), e.line, e.column)
    finally:
        y.NATIVE = saved
    numbers: dict[int, int] = {}
    out: list = []

    def label(node) -> int:
        number = numbers.get(id(node))
        if number is None:
            number = numbers[id(node)] = len(numbers)
            work.append(node)
        return number

    for doc in documents:
        out.append(("document", doc.index, doc.span, doc.start_marker_line, list(doc.opaque_ranges)))
        work: list = []
        if doc.root is not None:
            out.append(("root", label(doc.root)))
        repeats = False
        while work:
            node = work.pop(0)
            kind = type(node).__name__
            if isinstance(node, y.ScalarNode):
                out.append((kind, node.span, node.tag, node.value, node.style, node.anchor, node._py is y._UNSET))
            elif isinstance(node, y.MappingNode):
                # the key index as `_idx()` gives it: the C composer builds it as it reads a
                # mapping without merge keys, the Python one when it is first asked for
                out.append((kind, node.span, node.tag, node.flow, node.anchor, [(label(k), label(v)) for k, v in node.pairs],
                            None if node._merges is None else [label(m) for m in node._merges],
                            {k: (label(p[0]), label(p[1])) for k, p in node._idx().items()}))
                repeats = repeats or bool(node.duplicate_keys())
            else:
                out.append((kind, node.span, node.tag, node.flow, node.anchor, [label(i) for i in node.items]))
        # "no key repeats" may only be said where none does (KS104 then skips the document)
        require(doc.keys_may_repeat or not repeats, "a document said to repeat no key repeats one")
        out.append(("repeats", repeats))
    return out


def check_yaml(text: str, lint_kinds: bool = True) -> None:
    """load_documents raises only YamlParseError (with a line when libyaml gave a mark); spans
    lie inside the text and agree with the slow, SourceText-computed positions; the C composer
    and the Python one make the same model; the rules of both YAML kinds run without crashing
    and report spans inside the file."""
    from dockerlint.model import FileKind, SourceText
    from dockerlint.parse import yaml as y

    if y._native is not None:
        native, python = composed(text, True), composed(text, False)
        require(native == python, "the C and Python composers disagree")
    source = SourceText(text)
    try:
        documents = y.load_documents(source)
    except y.YamlParseError as e:
        require(e.line is None or (e.line >= 1 and e.column >= 1), f"bad error position {e.line}:{e.column}")
        return
    for doc in documents:
        _check_span(source, doc.span, "document")
    nodes = list(_all_nodes(documents))
    for node in nodes:
        _check_span(source, node.span, type(node).__name__)
    if nodes:  # (the same spans where neither composer takes libyaml's marks)
        y._FAST_SPANS = False
        try:
            slow = list(_all_nodes(y.load_documents(SourceText(text))))
        finally:
            y._FAST_SPANS = True
        require(len(slow) == len(nodes), "fast and slow span paths build different trees")
        for a, b in zip(nodes, slow):
            require(a.span == b.span, f"fast span {a.span} != slow span {b.span}")
    y.comment_lines(source, documents)
    y.comment_lines(source)
    for doc in documents:
        try:
            y.to_python(doc.root, budget=100_000)
        except y.YamlParseError:
            pass
    if lint_kinds:
        for kind, path in ((FileKind.KUBERNETES, "manifest.yaml"), (FileKind.COMPOSE, "compose.yaml")):
            check_findings(lint(text, kind, path), text)


# --- shell ------------------------------------------------------------------------------------


def check_shell(text: str) -> None:
    """parse_shell never raises; every command, word and redirect lies inside the script, in
    order; and inside a Dockerfile RUN the commands map back to spans inside the file."""
    from dockerlint.parse.shell import parse_shell

    script = parse_shell(text)
    n = len(text)
    last = -1
    for cmd in script.commands:
        require(0 <= cmd.start <= cmd.end <= n, f"command {cmd.name!r} at {cmd.start}-{cmd.end} outside 0-{n}")
        require(cmd.start >= last, "commands out of order")
        last = cmd.start
        for word in [cmd.name_word, *cmd.args]:
            require(0 <= word.start <= word.end <= n, f"word {word.text!r} at {word.start}-{word.end} outside 0-{n}")
        for r in cmd.redirects:
            require(0 <= r.start <= r.end <= n, f"redirect {r.op!r} outside the script")
        cmd.effective()
    for p in script.pipelines:
        require(0 <= p.start <= p.end <= n, "pipeline outside the script")
    for c in script.and_or_chains:
        require(0 <= c.start <= c.end <= n, "chain outside the script")
    for option in ("pipefail", "errexit"):
        script.has_set_option(option)
    _check_run_mapping(text)
    _check_native_shellcheck(text)


def _check_native_shellcheck(text: str) -> None:
    """The native ShellCheck pass never raises (a raise costs the file every SC rule's findings)
    and its issues lie inside the script, for either dialect."""
    from dockerlint.parse.shell_checks import check_script

    script = text if text.endswith("\n") else text + "\n"
    for dialect in ("sh", "bash"):
        for issue in check_script(script, dialect, frozenset({"A"})):
            require(0 <= issue.start <= issue.end <= len(script), f"{issue.code} at {issue.start}-{issue.end} outside the script")


def _check_run_mapping(script_text: str) -> None:
    from dockerlint.parse.dockerfile import DockerfileParseError, parse_dockerfile
    from dockerlint.rulekit.runs import run_scripts

    escaped = script_text.replace("\n", " \\\n") if "<<" not in script_text else script_text
    dockerfile_text = "FROM debian:12\nRUN " + escaped + "\n"
    try:
        df = parse_dockerfile(dockerfile_text)
    except DockerfileParseError:
        return
    for run in run_scripts(df):
        for cmd in run.script.commands:
            span = run.command_span(cmd)
            _check_span(df.source, span, f"RUN command {cmd.name!r}")
            for word in cmd.args:
                _check_span(df.source, run.word_span(word), "RUN word")


# --- suppressions -----------------------------------------------------------------------------


_PRAGMA_DOCKERFILE = "FROM debian\n{comments}USER root\nRUN apt-get install curl\n{comments}FROM scratch AS b\nRUN cd /tmp\n"
_PRAGMA_MANIFEST = (
    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n{comments}spec:\n  containers:\n"
    "  - name: c\n    image: nginx\n{comments}    securityContext:\n      privileged: true\n"
)


def check_pragmas(text: str) -> None:
    """Each line as a comment, through parse_comment, the BuildKit check directive and the
    whole suppression pipeline of both file kinds: no exception, suppressed findings are a
    subset of the unsuppressed ones."""
    from dockerlint import suppressions
    from dockerlint.engine import lint_source
    from dockerlint.model import FileKind
    from dockerlint.settings import Settings

    lines = text.split("\n")[:64]
    for number, line in enumerate(lines, 1):
        for dockerfile in (True, False):
            pragma = suppressions.parse_comment(line, number, dockerfile=dockerfile)
            if pragma is not None:
                require(all(isinstance(c, str) for c in pragma.codes), "pragma codes are not strings")
    suppressions.check_directive_skips({"check": lines[0]})
    comments = "".join("#" + line.replace("\r", "") + "\n" for line in lines)
    settings = Settings(select=["DL3006", "DL3002", "DL3008", "DL3003", "KS003", "KS001", "DF001"])
    plain = Settings(select=settings.select, disable_ignore_pragma=True)
    for template, kind, path in ((_PRAGMA_DOCKERFILE, FileKind.DOCKERFILE, "Dockerfile"),
                                 (_PRAGMA_MANIFEST, FileKind.KUBERNETES, "pod.yaml")):
        source = template.replace("{comments}", comments)
        result = lint_source(source, path, settings, kind)
        check_findings(result, source)
        if kind is FileKind.DOCKERFILE and result.error is None:
            # with every comment dropped, nothing can be suppressed: the findings are a superset
            bare = template.replace("{comments}", "")
            unsuppressed = {(f.code, f.span.line) for f in lint_source(bare, path, plain, kind).findings}
            require({f.code for f in result.findings} <= {c for c, _ in unsuppressed},
                    "a finding appeared only because of a comment")


# --- config -----------------------------------------------------------------------------------


CONFIG_NAMES = (".hadolint.yaml", ".dockerlint.toml", "pyproject.toml")


@lru_cache(maxsize=1)
def _config_dir() -> str:
    return tempfile.mkdtemp(prefix="dockerlint-fuzz-config-")


def check_config(data: bytes) -> None:
    """A config file of each supported name (chosen by the first byte): loading it gives
    settings or ConfigError, nothing else; the resolver gives the same answer."""
    from dockerlint.config import ConfigError, ConfigResolver, load_config_file
    from dockerlint.settings import Settings

    if not data:
        return
    name = CONFIG_NAMES[data[0] % len(CONFIG_NAMES)]
    directory = Path(_config_dir()) / f"d{os.getpid()}"
    directory.mkdir(exist_ok=True)
    for old in directory.iterdir():
        old.unlink()
    path = directory / name
    path.write_bytes(data[1:])
    outcome = []
    for load in (lambda: load_config_file(path, Settings()),
                 lambda: ConfigResolver(Settings()).for_file(str(directory / "Dockerfile"))):
        try:
            settings = load()
            outcome.append("ok")
            require(isinstance(settings, Settings), "config loader returned no Settings")
        except ConfigError as e:
            require(str(e), "empty ConfigError")
            outcome.append("error")
    if name != "pyproject.toml":  # the resolver skips a pyproject.toml without [tool.dockerlint
        require(outcome[0] == outcome[1], f"load_config_file says {outcome[0]}, the resolver {outcome[1]}")


# --- fixes ------------------------------------------------------------------------------------


def buildkit_accepts(text: str) -> bool | None:
    """True/False from BuildKit's own parser (PyPI `dockerfile`); None when it is missing or
    cannot see the text: the binding hands Go a C string, which ends at the first NUL."""
    try:
        import dockerfile
    except ImportError:
        return None
    if "\x00" in text:
        return None
    try:
        dockerfile.parse_string(text)
    except dockerfile.GoParseError:
        return False
    return True


def check_fix(text: str) -> None:
    """Unsafe fixes included: the result parses for BuildKit (or nothing changed) and fixing
    the result again changes nothing (when the first run converged)."""
    from dockerlint.fix import fix_source
    from dockerlint.model import FileKind

    first = fix_source(text, "Dockerfile", settings_all(), FileKind.DOCKERFILE, unsafe=True)
    if first.text == text:
        return
    require(buildkit_accepts(first.text) is not False,
            f"fixed text is rejected by BuildKit's parser (applied {dict(first.applied)})")
    check_dockerfile_parse(first.text)
    check_findings(lint(first.text, FileKind.DOCKERFILE, "Dockerfile"), first.text)
    if first.converged:
        second = fix_source(first.text, "Dockerfile", settings_all(), FileKind.DOCKERFILE, unsafe=True)
        require(second.text == first.text, f"fix is not idempotent: a second run applied {dict(second.applied)}")
