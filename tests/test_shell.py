"""dockerlint.parse.shell: the shell model the RUN rules query."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from dockerlint.parse.shell import (
    Command,
    Script,
    exclusive,
    is_posix_shell,
    parse_set_options,
    parse_shell,
    strip_shebang,
)

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def names(script: Script) -> list[str]:
    return [c.name for c in script.commands]


def only(script: Script, name: str) -> Command:
    found = script.find(name, unwrap=False)
    assert len(found) == 1, found
    return found[0]


# ---- commands, words, offsets -----------------------------------------------------------


def test_apt_chain_names_args_offsets_and_chain():
    text = "apt-get update && apt-get install -y curl=7.* && rm -rf /var/lib/apt/lists/*"
    s = parse_shell(text)
    assert s.parse_ok
    assert names(s) == ["apt-get", "apt-get", "rm"]
    update, install, rm = s.commands
    assert update.arg_values == ["update"]
    assert install.arg_values == ["install", "-y", "curl=7.*"]
    assert rm.arg_values == ["-rf", "/var/lib/apt/lists/*"]
    assert (install.start, install.end) == (18, 45)
    assert text[install.start : install.end] == "apt-get install -y curl=7.*"
    assert (install.name_word.start, install.name_word.end) == (18, 25)
    pin = install.args[2]
    assert (pin.start, pin.end, pin.text) == (37, 45, "curl=7.*")
    for cmd in s.commands:
        for word in [cmd.name_word, *cmd.args]:
            assert text[word.start : word.end] == word.text
    assert s.pipelines == []
    [chain] = s.and_or_chains
    assert [[c.name for c in item] for item in chain.items] == [["apt-get"], ["apt-get"], ["rm"]]
    assert chain.operators == ["&&", "&&"]
    assert [c.arg_values[0] for c in s.find("apt-get")] == ["update", "install"]


def test_env_prefix_assignments():
    s = parse_shell("PIP_NO_CACHE_DIR=1 A='x y' pip install x")
    cmd = only(s, "pip")
    assert cmd.assignments == [("PIP_NO_CACHE_DIR", "1"), ("A", "x y")]
    assert cmd.arg_values == ["install", "x"]
    assert cmd.start == 0 and cmd.name_word.start == 27


def test_assignment_on_previous_line_is_not_a_prefix():
    # tree-sitter glues these into one node; the shell runs two statements.
    s = parse_shell("V=$(curl -s u)\nA=1 make")
    assert names(s) == ["curl", "make"]
    make = only(s, "make")
    assert make.assignments == [("A", "1")]
    assert make.start == s.text.index("A=1")
    curl = only(s, "curl")
    assert curl.in_substitution and not make.in_substitution


def test_export_and_unset_are_commands():
    s = parse_shell('export PIP_NO_CACHE_DIR=1 B "C=$x" && unset X')
    export = only(s, "export")
    assert export.arg_values == ["PIP_NO_CACHE_DIR=1", "B", "C=$x"]
    assert export.args[2].quoted and export.args[2].has_expansion
    assert only(s, "unset").arg_values == ["X"]


def test_quoted_words():
    text = r"""echo "a b" 'c d' $'e\tf' "x$HOME" a\ b --opt="v w" "q\"r\$s" plain"""
    s = parse_shell(text)
    words = only(s, "echo").args
    assert [w.value for w in words] == [
        "a b", "c d", "e\tf", "x$HOME", "a b", "--opt=v w", 'q"r$s', "plain",
    ]
    assert [w.quoted for w in words] == [True, True, True, True, True, True, True, False]
    assert [w.has_expansion for w in words] == [False, False, False, True, False, False,
                                               False, False]
    assert words[5].text == '--opt="v w"'
    assert all(text[w.start : w.end] == w.text for w in words)


def test_single_quotes_do_not_expand():
    [word] = only(parse_shell("echo '$(not run)'"), "echo").args
    assert word.value == "$(not run)" and not word.has_expansion
    assert names(parse_shell("echo '$(not run)'")) == ["echo"]


def test_non_ascii_offsets_are_characters():
    text = 'echo "é $(id -u)" ü && ls'
    s = parse_shell(text)
    assert names(s) == ["echo", "id", "ls"]
    echo = s.commands[0]
    assert [w.value for w in echo.args] == ["é $(id -u)", "ü"]
    assert all(text[w.start : w.end] == w.text for w in echo.args)
    ls = s.commands[2]
    assert text[ls.start : ls.end] == "ls"


def test_redirections_are_not_args():
    s = parse_shell("curl -fsSL https://x 2>&1 > /dev/null && cmd > out.txt extra -y")
    curl = only(s, "curl")
    assert curl.arg_values == ["-fsSL", "https://x"]
    assert [(r.op, r.fd, r.target.value) for r in curl.redirects] == [
        (">&", "2", "1"), (">", None, "/dev/null")]
    # `> out.txt extra -y`: words after the target still go to the command.
    cmd = only(s, "cmd")
    assert cmd.arg_values == ["extra", "-y"]
    assert cmd.redirects[0].target.value == "out.txt"
    herestring = only(parse_shell('grep -q x <<< "$v"'), "grep")
    assert herestring.arg_values == ["-q", "x"]
    assert herestring.redirects[0].op == "<<<"


def test_comments_and_continuations():
    s = parse_shell("apt-get install \\\n  -y curl # trailing comment\n# whole line\nls -l")
    assert names(s) == ["apt-get", "ls"]
    assert s.commands[0].arg_values == ["install", "-y", "curl"]
    assert s.and_or_chains[0].operators == ["\n"]


# ---- structure --------------------------------------------------------------------------


def test_pipeline():
    s = parse_shell("curl -sL https://x | sh && echo done")
    [pipe] = s.pipelines
    assert len(pipe) == 2 and pipe.operators == ["|"]
    assert [[c.name for c in stage] for stage in pipe.stages] == [["curl"], ["sh"]]
    curl, sh, echo = s.commands
    assert (curl.in_pipeline, curl.pipeline_index) == (True, 0)
    assert (sh.in_pipeline, sh.pipeline_index) == (True, 1)
    assert not echo.in_pipeline
    assert s.text[pipe.start : pipe.end] == "curl -sL https://x | sh"
    assert parse_shell("a && b; c || d").pipelines == []


def test_pipeline_with_compound_stage_and_negation():
    s = parse_shell("! wget -O- u | (cd /x && tar xz) |& tee log")
    [pipe] = s.pipelines
    assert pipe.negated
    assert [[c.name for c in stage] for stage in pipe.stages] == [["wget"], ["cd", "tar"],
                                                                  ["tee"]]
    assert pipe.operators == ["|", "|&"]
    assert only(s, "tar").pipeline_index == 1


def test_command_substitution_nested():
    s = parse_shell('echo "$(curl -s "$(cat url)" | grep -o v)" `uname -m`')
    assert names(s) == ["echo", "curl", "cat", "grep", "uname"]
    echo, curl, cat, grep, uname = s.commands
    assert not echo.in_substitution
    assert all(c.in_substitution for c in (curl, cat, grep, uname))
    # the pipe is inside $(...): its commands are in a pipeline, echo is not
    assert not echo.in_pipeline and curl.in_pipeline and grep.pipeline_index == 1
    assert echo.args[0].has_expansion


def test_subshell_and_brace_group():
    s = parse_shell("(cd /tmp && make) ; { echo a; echo b; } > log")
    assert names(s) == ["cd", "make", "echo", "echo"]
    chains = {tuple(c.name for c in ch.commands): ch.operators for ch in s.and_or_chains}
    assert chains[("cd", "make")] == ["&&"]
    assert chains[("echo", "echo")] == [";"]
    assert chains[("cd", "make", "echo", "echo")] == [";"]


def test_if_for_while_case_function_bodies():
    text = (
        "if [ -f x ]; then apt-get update; elif test -d y; then :; else yum makecache; fi\n"
        "for p in a b; do pip install $p; done\n"
        "while read l; do echo $l; done < f\n"
        "case $x in a) apk add a;; *) exit 1;; esac\n"
        "f() { npm ci; }"
    )
    s = parse_shell(text)
    assert s.parse_ok
    assert names(s) == ["apt-get", "test", ":", "yum", "pip", "read", "echo", "apk", "exit",
                        "npm"]
    assert only(s, "npm").in_function and not only(s, "pip").in_function
    assert only(s, "pip").arg_values == ["install", "$p"]
    top = s.and_or_chains[0]
    assert top.operators == ["\n"] * 4


def test_order_of_commands_is_source_order():
    s = parse_shell("A=$(a) b $(c) && d <(e) | f")
    # b's span starts at its A= prefix, so it precedes the $(a) inside that prefix
    assert names(s) == ["b", "a", "c", "d", "e", "f"]
    assert [c.start for c in s.commands] == sorted(c.start for c in s.commands)


# ---- wrappers -----------------------------------------------------------------------------


def test_sudo_and_env_unwrapping():
    s = parse_shell("sudo -E -u builder env PIP_X=1 /usr/bin/pip3 install --user x")
    [raw] = s.commands
    assert raw.name == "sudo"
    eff = raw.effective()
    assert eff.name == "/usr/bin/pip3" and eff.basename == "pip3"
    assert eff.wrappers == ("sudo", "env")
    assert eff.assignments == [("PIP_X", "1")]
    assert eff.arg_values == ["install", "--user", "x"]
    assert eff.name_word.start == s.text.index("/usr/bin/pip3")
    assert (eff.start, eff.end) == (raw.start, raw.end)
    assert s.find("pip3") == [eff]
    assert s.find("pip3", unwrap=False) == []
    assert s.find("sudo", unwrap=False) == [raw]


@pytest.mark.parametrize(
    "text, name, args",
    [
        ("command apt-get install x", "apt-get", ["install", "x"]),
        ("time -p make -j4", "make", ["-j4"]),
        ("nice -n 10 nohup exec ./run.sh", "./run.sh", []),
        ("sudo -- apt-get -y install x", "apt-get", ["-y", "install", "x"]),
        ("env -i -u HOME PATH=/bin sh -c 'x'", "sh", ["-c", "x"]),
    ],
)
def test_wrappers(text, name, args):
    eff = parse_shell(text).commands[0].effective()
    assert (eff.name, eff.arg_values) == (name, args)


@pytest.mark.parametrize("text", ["command -v pip", "sudo -i", "env", "exec > log 2>&1"])
def test_wrappers_that_run_nothing_stay(text):
    cmd = parse_shell(text).commands[0]
    assert cmd.effective() is cmd


# ---- flags --------------------------------------------------------------------------------


def test_flags_helpers():
    s = parse_shell(
        "apt-get -yq install --no-install-recommends -o Dpkg::Options::=--force-confold "
        "-t=jessie --foo=bar pkg=1.0 -- -notaflag"
    )
    apt = s.commands[0]
    assert apt.flags() == ["-y", "-q", "--no-install-recommends", "-o", "-t", "--foo"]
    assert apt.has_flag("-y", "--yes", "--assume-yes")
    assert apt.has_flag("y") and apt.has_flag("no-install-recommends")
    assert not apt.has_flag("--yes", "-s")
    assert apt.flag_value("--foo") == "bar"
    assert apt.flag_value("-o") == "Dpkg::Options::=--force-confold"
    assert apt.flag_value("t") == "jessie"
    assert apt.flag_value("--missing") is None
    assert [w.value for w in apt.positional()] == [
        "install", "Dpkg::Options::=--force-confold", "pkg=1.0", "-notaflag"]
    assert [w.value for w in apt.positional(takes_value=["-o"])] == [
        "install", "pkg=1.0", "-notaflag"]


@pytest.mark.parametrize(
    "text, count",
    [("apt-get install -qq x", 2), ("apt-get install -q -q x", 2), ("apt-get -q=2 install", 1),
     ("apt-get install --quiet --quiet x", 0), ("apt-get install x", 0)],
)
def test_count_flag(text, count):
    assert parse_shell(text).commands[0].count_flag("-q") == count


def test_flag_values_short_forms():
    cmd = parse_shell("tool -fbar -f baz -yf qux --file=a --file b -- -f nope").commands[0]
    assert cmd.flag_values("-f", "--file") == ["bar", "baz", "qux", "a", "b"]
    assert cmd.flag_value("-f", "--file") == "b"
    pip = parse_shell("pip install -r req.txt --index-url https://i x==1 -c c.txt").commands[0]
    assert [w.value for w in pip.positional({"-r", "--index-url", "-c"})] == ["install", "x==1"]


# ---- set options ----------------------------------------------------------------------------


def test_set_options():
    text = "set -eux; set -o pipefail; curl u | sh"
    s = parse_shell(text)
    assert s.has_set_option("pipefail")
    assert s.has_set_option("e") and s.has_set_option("errexit")
    assert s.has_set_option("xtrace") and s.has_set_option("nounset")
    assert not s.has_set_option("noglob")
    assert s.has_set_option("pipefail", before=s.pipelines[0].start)
    assert not s.has_set_option("pipefail", before=text.index("set -o"))
    assert s.has_set_option("e", before=text.index("set -o"))


def test_set_options_combined_and_switched_off():
    assert parse_shell("set -euxo pipefail && a | b").has_set_option("pipefail")
    assert not parse_shell("set -o pipefail; set +o pipefail").has_set_option("pipefail")
    assert not parse_shell("echo $(set -o pipefail)").has_set_option("pipefail")
    assert not parse_shell("a | b").has_set_option("pipefail")


def test_parse_set_options_for_shell_argv():
    assert parse_set_options(["-o", "errexit", "-o", "pipefail", "-c"]) == {
        "errexit": True, "pipefail": True}
    assert parse_set_options(["-exo", "pipefail", "-c"]) == {
        "errexit": True, "xtrace": True, "pipefail": True}
    assert parse_set_options(["-c"]) == {}


# ---- heredocs, shells ----------------------------------------------------------------------


def test_heredoc_body_with_shebang():
    assert strip_shebang("#!/usr/bin/env python3\nprint(1)\n") == ("python3", "print(1)\n")
    assert strip_shebang("#!/bin/sh -e\nx\n") == ("sh", "x\n")
    assert strip_shebang("#!/usr/bin/env -S bash -eu\nx") == ("bash", "x")
    assert strip_shebang("apt-get update\n") == (None, "apt-get update\n")
    body = "#!/bin/bash\nset -e\napt-get update && \\\n  apt-get install -y \\\n    curl\n"
    interpreter, script = strip_shebang(body)
    assert interpreter == "bash" and is_posix_shell([interpreter])
    s = parse_shell(script)
    assert s.parse_ok
    assert names(s) == ["set", "apt-get", "apt-get"]
    assert s.commands[2].arg_values == ["install", "-y", "curl"]
    assert s.has_set_option("errexit")
    assert not is_posix_shell([strip_shebang("#!/usr/bin/env python3\n")[0]])


def test_heredoc_inside_script():
    s = parse_shell("cat <<'EOF' > /etc/x.conf\nnot $(run)\nEOF\ncat <<EOF | sh\necho $(id)\nEOF\n")
    assert names(s) == ["cat", "cat", "sh", "id"]
    first = s.commands[0]
    assert [(r.op, r.target.value) for r in first.redirects] == [("<<", "EOF"),
                                                                 (">", "/etc/x.conf")]
    [pipe] = s.pipelines
    assert [[c.name for c in st] for st in pipe.stages] == [["cat"], ["sh"]]


def test_malformed_script_is_best_effort():
    s = parse_shell('apt-get update && echo "unterminated && apt-get install x')
    assert not s.parse_ok
    assert names(s)[:2] == ["apt-get", "echo"]
    for broken in ['curl x | | sh', 'if true; then', '$(', '"', "((", "a && && b", "fi fi",
                   "cat <<EOF", "\\", "`", "echo ${", "x=(", "case", "\x00\xff"]:
        result = parse_shell(broken)
        assert isinstance(result, Script)
    assert not parse_shell("curl x | | sh").parse_ok
    assert "curl" in names(parse_shell("curl x | | sh"))


@pytest.mark.parametrize(
    "argv, posix",
    [
        (["/bin/sh", "-c"], True),
        (["/bin/bash", "-o", "pipefail", "-c"], True),
        (["/usr/local/bin/zsh", "-c"], True),
        (["ash"], True),
        (["/bin/busybox", "sh", "-c"], True),
        (["/usr/bin/env", "bash", "-c"], True),
        ([], True),
        (["powershell", "-Command", "$ErrorActionPreference = 'Stop';"], False),
        (["C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe", "-command"], False),
        (["pwsh", "-c"], False),
        (["pwsh.exe"], False),
        (["cmd", "/S", "/C"], False),
        (["cmd.exe", "/s", "/c"], False),
        (["/usr/bin/python3", "-c"], False),
    ],
)
def test_is_posix_shell(argv, posix):
    assert is_posix_shell(argv) is posix


# ---- the corpus ----------------------------------------------------------------------------


def _corpus_run_scripts() -> list[str]:
    dockerfile = pytest.importorskip("dockerfile", reason="BuildKit's parser (test extra)")
    corpus = SHARED / "corpus" / "dockerfiles"
    if not corpus.is_dir():
        pytest.skip(f"shared corpus absent: {corpus}")
    scripts = []
    for path in sorted(corpus.iterdir()):
        for ins in dockerfile.parse_string(path.read_text(encoding="utf-8", errors="replace")):
            if ins.cmd.upper() != "RUN" or ins.json:
                continue
            scripts.append(" ".join(ins.value))
            scripts.extend(h.content for h in ins.heredocs)
    return scripts


def test_every_corpus_run_script_parses(capsys):
    scripts = _corpus_run_scripts()
    assert len(scripts) > 5000
    failures = 0
    commands = 0
    for script in scripts:
        model = parse_shell(script)  # must not raise
        failures += not model.parse_ok
        commands += len(model.commands)
        for cmd in model.commands:
            assert script[cmd.name_word.start : cmd.name_word.end] == cmd.name_word.text
    with capsys.disabled():
        print(f"\n[shell corpus] {len(scripts)} RUN scripts (Windows ones included), "
              f"{commands} commands, {failures} with recovered parse errors")
    assert commands > 30000


def test_every_hadolint_case_parses():
    cases = SHARED / "conformance" / "hadolint" / "cases.jsonl"
    if not cases.is_file():
        pytest.skip(f"hadolint conformance cases absent: {cases}")
    from dockerlint.model import ParseError
    from dockerlint.parse.dockerfile import parse_dockerfile

    scripts = parsed = 0
    for line in cases.read_text(encoding="utf-8").splitlines():
        try:
            df = parse_dockerfile(json.loads(line)["dockerfile"])
        except ParseError:
            continue  # hadolint's cases include Dockerfiles BuildKit rejects
        for ins in df.instructions:
            if ins.keyword == "RUN" and ins.json is None:
                script = ins.args
                model = parse_shell(script)
                scripts += 1
                parsed += model.parse_ok
                for cmd in model.commands:  # every command name is a word of the script, in place
                    assert script[cmd.name_word.start : cmd.name_word.end] == cmd.name_word.text
                assert [c.name_word.start for c in model.commands] == sorted(c.name_word.start for c in model.commands)
    assert scripts > 500
    assert parsed / scripts > 0.99, f"only {parsed} of {scripts} one-line RUN scripts parse cleanly"


def test_branches_of_if_and_case_and_what_they_exclude():
    text = "if a; then V=1; elif b; then V=2; else use $V; fi; case $x in a) W=1;; b) use $W;; esac"
    script = parse_shell(text)
    branches = script.branches()
    at = text.index
    assert len(branches) == 2
    assert exclusive(branches, at("V=1"), at("$V"))
    assert exclusive(branches, at("V=2"), at("$V"))
    assert exclusive(branches, at("W=1"), at("$W"))
    assert not exclusive(branches, at("a;"), at("$V"))  # the condition runs before every branch
    nested = "if a; then V=1; if b; then x; else use $V; fi; fi"
    assert not exclusive(parse_shell(nested).branches(), nested.index("V=1"), nested.index("$V"))


def test_branches_inside_loops_and_functions_do_not_exclude():
    for text in (
        "for i in 1 2; do if a; then V=1; else use $V; fi; done",
        "while a; do if b; then V=1; else use $V; fi; done",
        "f() { if b; then V=1; else use $V; fi; }; f; f",
    ):
        assert parse_shell(text).branches() == [], text


def test_the_grammar_loads_without_the_packages_init():
    # tree_sitter_bash/__init__ imports importlib.resources (tempfile, shutil, bz2...) for a file
    # never read: parsing a script does not import it, and `import tree_sitter_bash` still works
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from dockerlint.parse.shell import parse_shell\n"
        "assert parse_shell('apt-get update && apt-get install -y curl').commands[1].name == 'apt-get'\n"
        "print(sorted(m for m in ('importlib.resources', 'tempfile', 'tree_sitter_bash') if m in sys.modules))\n"
        "import tree_sitter_bash\n"
        "print(tree_sitter_bash.language is sys.modules['tree_sitter_bash._binding'].language)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split("\n")
    assert out[:2] == ["[]", "True"]


def test_the_grammar_falls_back_to_the_package(monkeypatch):
    import sys

    import importlib.util

    import tree_sitter

    from dockerlint.parse import bash_grammar

    monkeypatch.delitem(sys.modules, "tree_sitter_bash._binding", raising=False)
    monkeypatch.delitem(sys.modules, "tree_sitter_bash", raising=False)
    def unusual(spec):  # a loader this module does not know
        raise ImportError(f"cannot load {spec.name} that way")

    monkeypatch.setattr(importlib.util, "module_from_spec", unusual)
    binding = bash_grammar._binding()
    assert "tree_sitter_bash" in sys.modules  # imported the package's own way
    parser = tree_sitter.Parser(tree_sitter.Language(binding.language()))
    assert parser.parse(b"echo hi").root_node.type == "program"
