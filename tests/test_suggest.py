"""DF002's display-only multi-stage rewrite and `dockerlint suggest multistage`.

Each suggestion must parse and leave DF002 and DF003 nothing to report.
"""
from __future__ import annotations

import zipfile

import pytest

from dockerlint.loader import parse_source
from dockerlint.model import Applicability, FileKind, SourceText
from dockerlint.images.multistage import suggest_multistage
from dockerlint.parse.dockerfile import parse_dockerfile
from helpers import lint, run_cli

CASES = {
    "go": (
        "FROM golang:1.22\nWORKDIR /src\nCOPY go.mod go.sum ./\nRUN go mod download\nCOPY . .\n"
        "RUN go build -o /app ./cmd/server\nEXPOSE 8080\nCMD [\"/app\", \"--port\", \"8080\"]\n",
        ["FROM golang:1.22 AS build", "RUN go build -trimpath -ldflags=\"-s -w\" -o /out/app ./cmd/server",
         "FROM gcr.io/distroless/static-debian12:nonroot", "COPY --from=build /out/app /app",
         "ENTRYPOINT [\"/app\"]", "CMD [\"--port\", \"8080\"]"],
    ),
    "python": (
        "FROM python:3.12\nWORKDIR /app\n"
        "RUN apt-get update && apt-get install -y --no-install-recommends gcc libpq-dev libpq5 && rm -rf /var/lib/apt/lists/*\n"
        "COPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\nCOPY . .\nCMD [\"gunicorn\", \"app:app\"]\n",
        ["FROM python:3.12 AS build", "RUN pip wheel --no-cache-dir --wheel-dir /wheels -r requirements.txt", "FROM python:3.12-slim",
         " && apt-get install -y --no-install-recommends libpq5 \\", "COPY --from=build /wheels /wheels",
         "RUN pip install --no-cache-dir --no-index /wheels/*.whl \\", "CMD [\"gunicorn\", \"app:app\"]"],
    ),
    "node": (
        "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\nRUN npm run build\nEXPOSE 3000\nCMD [\"node\", \"dist/index.js\"]\n",
        ["FROM node:20 AS build", "RUN npm run build", "FROM node:20-slim", "ENV NODE_ENV=production",
         "RUN npm ci --omit=dev && npm cache clean --force", "COPY --from=build /app/dist ./dist"],
    ),
    "java": (
        "FROM eclipse-temurin:21-jdk\nCOPY . /src\nRUN cd /src && ./mvnw -q package\nEXPOSE 8080\n",
        ["FROM eclipse-temurin:21-jdk AS build", "RUN cd /src && ./mvnw -q package", "FROM eclipse-temurin:21-jre",
         "COPY --from=build /src/target/*.jar /app/app.jar", "ENTRYPOINT [\"java\", \"-jar\", \"/app/app.jar\"]"],
    ),
    "gradle": (
        "FROM gradle:8.7-jdk17\nWORKDIR /home/gradle/project\nCOPY . .\nRUN gradle bootJar --no-daemon\n",
        ["FROM gradle:8.7-jdk17 AS build", "FROM eclipse-temurin:17-jre", "COPY --from=build /home/gradle/project/build/libs/*.jar /app/app.jar"],
    ),
}


def _fix_text(text: str) -> str:
    findings = [f for f in lint(text, ["DF002"]).findings if f.code == "DF002"]
    assert findings, "DF002 did not fire"
    fixes = {f.fix for f in findings}
    assert len(fixes) == 1
    fix = fixes.pop()
    assert fix.applicability is Applicability.DISPLAY_ONLY
    [edit] = fix.edits
    assert (edit.start, edit.end) == (0, len(text))
    return edit.content


@pytest.mark.parametrize("name", sorted(CASES))
def test_display_only_fix_rewrites_into_builder_and_slim_runtime(name):
    text, expected = CASES[name]
    rewritten = _fix_text(text)
    lines = rewritten.splitlines()
    for line in expected:
        assert line in lines, f"{line!r} missing from:\n{rewritten}"
    df = parse_dockerfile(rewritten)
    assert len(df.stages) == 2 and df.stages[0].alias == "build"
    after = lint(rewritten, ["DF002", "DF003"])
    assert after.error is None
    assert [f for f in after.findings if f.code in ("DF002", "DF003")] == [], after.findings


def test_display_only_fix_is_never_applied():
    text = CASES["go"][0]
    code, out, err = run_cli(["fix", "-", "--stdin-filename", "Dockerfile", "--select", "DF002", "--unsafe-fixes", "--isolated"], stdin=text)
    assert out == text


def test_no_suggestion_for_unknown_toolchains_or_multistage_files():
    df = parse_source(SourceText("FROM debian:12\nRUN apt-get update && apt-get install -y gcc make\nRUN make\n", "Dockerfile"), FileKind.DOCKERFILE)
    assert suggest_multistage(df) is None
    df = parse_source(SourceText("FROM golang:1.22 AS b\nRUN go build -o /a .\nFROM b\nRUN go build -o /c .\n", "Dockerfile"), FileKind.DOCKERFILE)
    assert suggest_multistage(df) is None


def test_suggest_command(tmp_path):
    path = tmp_path / "Dockerfile"
    path.write_text(CASES["go"][0])
    code, out, err = run_cli(["suggest", "multistage", str(path)])
    assert code == 0 and out == _fix_text(CASES["go"][0])
    code, out, err = run_cli(["suggest", "multistage", "--go-runtime", "scratch", str(path)])
    assert "FROM scratch" in out and "COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/" in out
    assert parse_dockerfile(out).stages[1].image == "scratch"
    assert [f for f in lint(out, ["DF002", "DF003"]).findings] == []
    code, out, err = run_cli(["suggest", "multistage", "--diff", str(path)])
    assert code == 0 and out.startswith("--- a/") and "+FROM gcr.io/distroless/static-debian12:nonroot" in out
    assert path.read_text() == CASES["go"][0]
    path.write_text("FROM alpine:3.20\nRUN echo hi\n")
    code, out, err = run_cli(["suggest", "multistage", str(path)])
    assert code == 1 and "no multi-stage rewrite" in err


def test_package_data_ships_in_the_wheel(tmp_path):
    """The base-image knowledge DF002/DF003 read, and the markdown report's templates."""
    import subprocess
    import sys
    from pathlib import Path

    repo = Path(__file__).resolve().parents[1]
    pytest.importorskip("build")
    proc = subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(tmp_path), str(repo)],
                          capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    [wheel] = tmp_path.glob("dockerlint-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for template in ("report", "summary", "file"):
        assert f"dockerlint/templates/markdown/{template}.md.j2" in names
    assert "dockerlint/data/images.json" in names
    metadata = next(n for n in names if n.endswith(".dist-info/METADATA"))
    assert "Requires-Dist: Jinja2" in zipfile.ZipFile(wheel).read(metadata).decode()


# ---- what the runtime still needs (issue 17) ----------------------------------------------------

def _suggest(text: str) -> str:
    suggestion = suggest_multistage(parse_dockerfile(text))
    assert suggestion is not None
    out = suggestion.text
    assert len(parse_dockerfile(out).stages) == 2
    assert [f for f in lint(out, ["DF002", "DF003"]).findings] == []
    return out


def _runtime_stage(text: str) -> str:
    return text.split("\nFROM ", 2)[2]


def test_python_runtime_gets_the_libraries_its_dev_packages_imply_and_the_tools_it_runs():
    out = _suggest(
        "FROM python:3.12\nWORKDIR /app\n"
        "RUN apt-get update && apt-get install -y --no-install-recommends gcc libpq-dev libssl-dev libxml2-dev curl && rm -rf /var/lib/apt/lists/*\n"
        "COPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\nCOPY . .\n"
        "HEALTHCHECK CMD curl -fsS http://localhost:8000/health || exit 1\n"
        "CMD gunicorn -b 0.0.0.0:8000 app:app\n"
    )
    runtime = _runtime_stage(out)
    assert " && apt-get install -y --no-install-recommends libpq5 libssl3 libxml2 curl \\" in runtime.splitlines()
    assert "-dev" not in runtime and "gcc" not in runtime
    assert "CMD gunicorn -b 0.0.0.0:8000 app:app" in runtime.splitlines()  # shell form kept
    assert "USER" not in runtime  # none added


def test_unreasoned_runtime_libraries_are_marked_with_comments():
    out = _suggest(
        "FROM python:3.12\nRUN apt-get update && apt-get install -y gcc libldap2-dev libicu-dev libfoo-dev\n"
        "RUN pip install -r requirements.txt\nCMD [\"python\", \"app.py\"]\n"
    )
    comments = [line for line in out.splitlines() if line.startswith("# ") and "build dependency" in line]
    assert any("libldap2-dev" in c and "libldap-2.5-0 on bookworm" in c and "libldap2 on trixie" in c for c in comments), comments
    assert any("libicu-dev" in c and "libicu<N>" in c for c in comments)
    assert any("libfoo-dev" in c for c in comments)
    out = _suggest(
        "FROM python:3.12-bookworm\nRUN apt-get update && apt-get install -y gcc libldap2-dev\n"
        "RUN pip install -r requirements.txt\nCMD [\"python\", \"app.py\"]\n"
    )
    assert "libldap-2.5-0" in _runtime_stage(out)  # the suite is known: no guess needed


def test_go_keeps_a_shell_form_cmd_with_a_shell_and_adds_no_user():
    out = _suggest("FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o /usr/local/bin/server .\nCMD server --port $PORT\n")
    runtime = _runtime_stage(out).splitlines()
    assert runtime[0] == "gcr.io/distroless/static-debian12:debug-nonroot"
    assert 'SHELL ["/busybox/sh", "-c"]' in runtime and "CMD server --port $PORT" in runtime
    assert "COPY --from=build /out/app /usr/local/bin/server" in runtime
    assert not any(line.startswith(("USER", "ENTRYPOINT")) for line in runtime)


def test_node_runtime_installs_the_tool_its_healthcheck_runs_and_adds_no_user():
    out = _suggest(
        "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\nRUN npm run build\n"
        "HEALTHCHECK CMD wget -q --spider http://localhost:3000/ || exit 1\nCMD [\"node\", \"dist/index.js\"]\n"
    )
    runtime = _runtime_stage(out)
    assert " && apt-get install -y --no-install-recommends wget \\" in runtime.splitlines()
    assert "USER" not in runtime
