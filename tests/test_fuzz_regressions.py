"""One regression test per crash, hang or blow-up found by fuzzing and the hostile-input work
(issue 9). Each is small and fast; the hostile-input tests check the same through the CLI."""
from __future__ import annotations

import time

import pytest

from dockerlint.engine import lint_source
from dockerlint.model import FileKind, SourceText
from dockerlint.settings import Settings


def all_rules(kind: FileKind) -> Settings:
    from dockerlint import ruleset

    return Settings(select=[r.code for r in ruleset.all_rules() if kind in r.kinds])


def assert_fast(seconds: float, started: float) -> None:
    assert time.perf_counter() - started < seconds


def no_internal_errors(result) -> None:
    assert result.error is None, result.error
    assert not [f.message for f in result.findings if "internal error" in f.message]


# --- config (fuzz/fuzz_config.py) ------------------------------------------------------------


@pytest.mark.parametrize("name", [".dockerlint.toml", "pyproject.toml", ".hadolint.yaml"])
def test_config_not_utf8_is_a_config_error(tmp_path, name):
    from dockerlint.config import ConfigError, load_config_file

    path = tmp_path / name
    path.write_bytes(b'select = ["DL3006"]\n# caf\xe9\n')
    with pytest.raises(ConfigError, match="UTF-8|utf-8"):
        load_config_file(path, Settings())


@pytest.mark.parametrize("name, text", [(".dockerlint.toml", "select = " + "[" * 5000), (".hadolint.yaml", "ignored: " + "[" * 5000)])
def test_config_nested_thousands_deep_is_a_config_error(tmp_path, name, text):
    from dockerlint.config import ConfigError, load_config_file

    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(ConfigError, match="nested too deeply|cannot read"):
        load_config_file(path, Settings())


def test_config_alias_bomb_message_is_short(tmp_path):
    from dockerlint.config import ConfigError, load_config_file

    lines = ["a0: &a0 [" + ", ".join(["x"] * 9) + "]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 9)]
    path = tmp_path / ".hadolint.yaml"
    path.write_text("\n".join(lines) + "\nignored: [*a8]\nlabel-schema: {a: *a8}\n")
    started = time.perf_counter()
    with pytest.raises(ConfigError) as info:
        load_config_file(path, Settings())
    assert len(str(info.value)) < 500
    assert_fast(5, started)


# --- YAML ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["?", "a: b\n?", "--- !!map\n?", "a: [1, 2]"])
def test_yaml_spans_at_the_end_without_a_final_newline(text):
    from dockerlint.parse.yaml import iter_nodes, load_documents

    source = SourceText(text)
    for doc in load_documents(source):
        for node in iter_nodes(doc.root):
            expected = source.span(node.span.start, node.span.end)
            assert (node.span.end_line, node.span.end_col) == (expected.end_line, expected.end_col)


def test_yaml_merge_key_chain_has_a_budget():
    from dockerlint.parse.yaml import YamlParseError, load_documents

    lines = ["m0: &m0 {" + ", ".join(f"k{i}: {i}" for i in range(2000)) + "}"]
    lines += [f"m{i}: &m{i} {{<<: *m{i - 1}, y{i}: 1}}" for i in range(1, 2000)]
    started = time.perf_counter()
    with pytest.raises(YamlParseError, match=r"merge keys \(<<\) expand to more than"):
        load_documents(SourceText("\n".join(lines) + "\n"))
    assert_fast(10, started)
    small = load_documents(SourceText("a: &a {x: 1}\nb: {<<: *a, y: 2}\n"))
    assert small[0].root.get_mapping("b").keys() == ["x", "y"]


def test_helm_detection_is_linear():
    from dockerlint.parse.detect import is_helm_template

    started = time.perf_counter()
    assert not is_helm_template("{" * 200_000)
    assert is_helm_template("x: {{ .Values.image }}\n")
    assert not is_helm_template("x: {{ a }} .Values\n")
    assert_fast(2, started)


# --- Dockerfile parser ------------------------------------------------------------------------------


def test_long_directive_line_is_linear():
    from dockerlint.parse.dockerfile import parse_dockerfile

    started = time.perf_counter()
    df = parse_dockerfile("# syntax=a" + " " * 60_000 + "b\nFROM x\n")
    assert df.directives["syntax"] == "a" + " " * 60_000 + "b"
    assert parse_dockerfile("# syntax=   \nFROM x\n").directives["syntax"] == " "  # as Go's regexp
    assert_fast(2, started)


def test_heredoc_fd_of_thousands_of_digits_parses_like_buildkit():
    from dockerlint.parse.dockerfile import parse_dockerfile

    df = parse_dockerfile("FROM x\nRUN " + "1" * 5000 + "<<EOF\nx\nEOF\n")
    assert df.instructions[1].heredocs[0].fd == 2**64 - 1
    assert parse_dockerfile("FROM x\nRUN 0002<<EOF\nx\nEOF\n").instructions[1].heredocs[0].fd == 2


# --- shell ------------------------------------------------------------------------------------


@pytest.mark.parametrize("char", [")", "<", "|"])
def test_shell_parse_of_pathological_script_is_bounded(char):
    from dockerlint.parse.shell import parse_shell

    started = time.perf_counter()
    script = parse_shell(char * 50_000)
    assert not script.parse_ok and script.commands == []
    assert_fast(5, started)
    assert [c.name for c in parse_shell("apt-get update && apt-get install -y curl").commands] == ["apt-get", "apt-get"]


# --- rules ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "FROM debian:12\nENV A=" + "a=b " * 12_500 + "\n",                      # DL3044: pairs x pairs
    "FROM debian:12\nRUN echo '" + "[" * 50_000 + "' deb\n",                 # DF202: [trusted=yes] regex
    "FROM debian:12\nRUN <<EOF\napt-get install -y x" + "\n" * 50_000 + "x\nEOF\n",  # package-manager variables
    "FROM debian:12\nARG " + "$" * 50_000 + "\nUSER " + "$" * 50_000 + "\nWORKDIR " + "$" * 50_000 + "\n",  # DF107 edit distance
])
def test_rules_stay_linear_on_long_input(text):
    started = time.perf_counter()
    no_internal_errors(lint_source(text, "Dockerfile", all_rules(FileKind.DOCKERFILE), FileKind.DOCKERFILE))
    assert_fast(30, started)


@pytest.mark.parametrize("line, code", [
    ("EXPOSE " + "1" * 5000, "DL3011"),
    ("EXPOSE " + "0" * 5000, None),
    ("RUN apt-get -q=" + "1" * 5000 + " install x", None),
    ("RUN apt-get -q=\u00b2 install x", "DL3014"),
    ("COPY --from=" + "1" * 5000 + " a b", "DL3022"),
    ("COPY --from=\u00b2 a b", "DL3022"),
])
def test_numbers_of_thousands_of_digits_do_not_crash_rules(line, code):
    result = lint_source("FROM debian:12\n" + line + "\n", "Dockerfile", all_rules(FileKind.DOCKERFILE), FileKind.DOCKERFILE)
    no_internal_errors(result)
    if code:
        assert code in {f.code for f in result.findings}


def test_pdb_percentage_of_thousands_of_digits():
    text = ("apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: x}\n"
            f"spec: {{maxUnavailable: \"{'1' * 5000}%\", selector: {{matchLabels: {{a: b}}}}}}\n")
    no_internal_errors(lint_source(text, "pdb.yaml", all_rules(FileKind.KUBERNETES), FileKind.KUBERNETES))


def test_bounded_levenshtein_agrees_with_the_full_one():
    import random

    from dockerlint.rulekit.buildkit import levenshtein

    rng = random.Random(4)
    for _ in range(2000):
        a = "".join(rng.choice("ab") for _ in range(rng.randint(0, 7)))
        b = "".join(rng.choice("ab") for _ in range(rng.randint(0, 7)))
        full = levenshtein(a, b)
        for limit in range(4):
            assert levenshtein(a, b, limit) == min(full, limit + 1)
    started = time.perf_counter()
    assert levenshtein("ab" * 25_000, "ba" * 25_000, 2) == 2
    assert_fast(5, started)


def test_registry_auth_challenge_parsing_is_linear():
    from dockerlint.pin.oci import parse_challenge

    started = time.perf_counter()
    assert parse_challenge("Bearer " + "a" * 65_536) == ("bearer", {})
    assert_fast(2, started)
    assert parse_challenge('Bearer realm="https://auth.example/token",service=registry,scope="repository:x:pull"') == (
        "bearer", {"realm": "https://auth.example/token", "service": "registry", "scope": "repository:x:pull"})
