"""Behaviour of the Docker build check rules (DF1xx) that examples cannot show: files on disk,
and BuildKit semantics that need several assertions."""
from __future__ import annotations

from dockerlint.rulekit.buildkit import ignored, is_valid_image_reference, parse_dockerignore, parse_platform, process_word, var_refs
from dockerlint.engine import lint_path
from helpers import lint, settings_for

DOCKERFILE = "FROM alpine:3.20\nCOPY .env app.log src/ /app/\nADD ./secrets /s\n"


def _copy_ignored(tmp_path, ignore: str | None, name: str = "Dockerfile", extra: dict | None = None):
    path = tmp_path / name
    path.write_text(DOCKERFILE)
    if ignore is not None:
        (tmp_path / ".dockerignore").write_text(ignore)
    for file, text in (extra or {}).items():
        (tmp_path / file).write_text(text)
    result = lint_path(str(path), settings_for(["DF112"]))
    return [(f.span.line, f.span.col, f.message) for f in result.findings]


def test_copy_ignored_file_reads_dockerignore_beside_the_dockerfile(tmp_path):
    found = _copy_ignored(tmp_path, ".env\n*.log\nsecrets\n")
    assert found == [
        (2, 6, 'Attempting to Copy file ".env" that is excluded by .dockerignore'),
        (2, 11, 'Attempting to Copy file "app.log" that is excluded by .dockerignore'),
        (3, 5, 'Attempting to Add file "secrets" that is excluded by .dockerignore'),
    ]


def test_copy_ignored_file_parent_directory_and_double_star(tmp_path):
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.20\nCOPY src/gen/a.py /a\nCOPY docs/x/y.md /y\n")
    (tmp_path / ".dockerignore").write_text("src/gen\n**/*.md\n")
    result = lint_path(str(tmp_path / "Dockerfile"), settings_for(["DF112"]))
    assert [f.span.line for f in result.findings] == [2, 3]


def test_copy_ignored_file_prefers_dockerfile_specific_ignore_file(tmp_path):
    found = _copy_ignored(tmp_path, ".env\n", name="app.Dockerfile", extra={"app.Dockerfile.dockerignore": "*.log\n"})
    assert [m for _, _, m in found] == ['Attempting to Copy file "app.log" that is excluded by .dockerignore']


def test_copy_ignored_file_silent_with_exceptions_or_without_file(tmp_path):
    assert _copy_ignored(tmp_path, "*\n!src\n") == []
    other = tmp_path / "no-ignore-file"
    other.mkdir()
    assert _copy_ignored(other, None) == []


def test_copy_ignored_file_context_root(tmp_path):
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.20\nCOPY . /app\n")
    (tmp_path / ".dockerignore").write_text("**\n")
    result = lint_path(str(tmp_path / "Dockerfile"), settings_for(["DF112"]))
    assert len(result.findings) == 1
    (tmp_path / ".dockerignore").write_text(".git\n")
    assert lint_path(str(tmp_path / "Dockerfile"), settings_for(["DF112"])).findings == []


def test_copy_ignored_file_skips_copy_from_and_variables(tmp_path):
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.20 AS b\nFROM scratch\nCOPY --from=b .env /\nARG F=.env\nCOPY $F /\n")
    (tmp_path / ".dockerignore").write_text(".env\n")
    assert lint_path(str(tmp_path / "Dockerfile"), settings_for(["DF112"])).findings == []


def test_dockerignore_patterns():
    patterns = parse_dockerignore("\ufeff# comment\n  /build/  \n*.tmp\n!keep.tmp\n")
    assert [(p.text, p.exclusion) for p in patterns] == [("build", False), ("*.tmp", False), ("keep.tmp", True)]
    assert ignored(patterns, "build/out/x")
    assert ignored(patterns, "a.tmp")
    assert not ignored(patterns, "dir/a.tmp")  # `*` does not cross directories


def test_check_skip_directive_suppresses_by_buildkit_name():
    text = "# check=skip=StageNameCasing,FromAsCasing\nFROM alpine:3.20 as Build\n"
    assert lint(text, ["DF101", "DF102"]).findings == []
    text = "# check=skip=all;error=true\nFROM alpine:3.20 as Build\n"
    assert lint(text, ["DF101", "DF102"]).findings == []
    assert len(lint("FROM alpine:3.20 as Build\n", ["DF101", "DF102"]).findings) == 2


def test_shell_lexer_expansion_like_buildkit():
    assert process_word("alpine:${TAG}", {}) [0] == "alpine:"
    assert process_word("${TAG:-3.20}", {})[0] == "3.20"
    assert process_word("'$A'\"$A\"\\$A", {"A": "x"})[0] == "$Ax$A"
    assert process_word("${V%.*}-${V##*.}", {"V": "1.2.3"})[0] == "1.2-3"
    assert [r.name for r in var_refs("${A:-$B}/$C")] == ["A", "B", "C"]


def test_image_reference_and_platform_parsing():
    assert is_valid_image_reference("ghcr.io/org/app:1.0")
    assert is_valid_image_reference("localhost:5000/app@sha256:" + "a" * 64)
    assert not is_valid_image_reference("busybox:")
    assert not is_valid_image_reference("Alpine")
    assert parse_platform("linux/arm64/v8") == ("linux", "arm64")
    assert parse_platform("x86_64") == ("linux", "amd64")
    assert parse_platform("nonsense/os") is None


def test_undefined_var_tracks_stage_inheritance_and_scratch():
    text = (
        "FROM scratch AS base\nARG VERSION=1\nENV HOME=/root\n"
        "FROM base\nLABEL v=$VERSION h=$HOME\nCOPY $MISSING /\n"
        "FROM alpine:3.20\nCOPY $FROM_IMAGE_ENV /\n"
    )
    found = [(f.span.line, f.message) for f in lint(text, ["DF107"]).findings]
    assert found == [(6, "Usage of undefined variable '$MISSING'")]


def test_legacy_env_fix_keeps_the_value():
    from dockerlint.fix import fix_source

    text = "FROM alpine:3.20\nENV JAVA_OPTS -Xmx1g  -Xms1g\nLABEL a b\n"
    out = fix_source(text, "Dockerfile", settings_for(["DF108"]), unsafe=False)
    assert out.text == 'FROM alpine:3.20\nENV JAVA_OPTS="-Xmx1g  -Xms1g"\nLABEL a=b\n'


def test_check_skip_comment_before_an_instruction_skips_it_only():
    text = "FROM alpine:3.20\n# check=skip=JSONArgsRecommended\nCMD echo one\nENTRYPOINT echo two\n"
    findings = lint(text, ["DF116"]).findings
    assert [(f.span.line, f.span.col, f.code) for f in findings] == [(4, 1, "DF116")]
    # both selected: one finding per instruction, DL3025's, carrying the BuildKit name
    findings = lint("FROM alpine:3.20\nCMD echo one\n", ["DL3025", "DF116"]).findings
    assert [f.code for f in findings] == ["DL3025"] and "BuildKit:JSONArgsRecommended" in findings[0].aliases
    text = "FROM alpine:3.20 AS base\n# keep the name\n# check=skip=all\nFROM base as Build\nFROM base as Other\n"
    findings = lint(text, ["DF101", "DF102"]).findings
    assert sorted({f.span.line for f in findings}) == [5]
    # a hadolint-only rule is not a Docker build check: the BuildKit directive does not touch it
    text = "FROM alpine:3.20\n# check=skip=all\nRUN apt-get install curl\n"
    assert [f.code for f in lint(text, ["DL3014"]).findings] == ["DL3014"]


def test_undefined_var_used_in_copy_before_its_arg():
    text = "FROM python:3.12-slim\nCOPY $APP_DIR /srv/app\nARG APP_DIR=app\nCOPY $APP_DIR /srv/again\n"
    findings = lint(text, ["DF107"]).findings
    assert [(f.span.line, f.span.col) for f in findings] == [(2, 6)]
    assert "declared later, on line 3" in findings[0].message
