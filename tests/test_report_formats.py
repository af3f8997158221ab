"""Output formats: what a CI system reading each report sees (SARIF against the OASIS schema,
XML that parses, escaped workflow commands, unique fingerprints, reviewdog suggestions,
markdown templates that a project can override)."""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import jsonschema
import pytest

from conftest import shared_path
from dockerlint.model import Applicability, Edit, FileError, FileKind, FileResult, Finding, Fix, Severity, SourceText
from dockerlint.report import ReportOptions, render
from helpers import lint, run_cli

TEXT = "FROM golang AS build\nRUN go build\nFROM python:3.12\nUSER root\n"
RULES = ["DL3006", "DF003", "DL3002"]


def results_for(text: str = TEXT, path: str = "Dockerfile") -> list[FileResult]:
    return [lint(text, RULES, filename=path)]


def with_safe_fix(text: str = "FROM debian:12\nRUN echo  hi\n") -> FileResult:
    """A finding with a safe fix whatever rules exist: fixes are data, reporters just show them."""
    source = SourceText(text, "Dockerfile")
    start = text.index("  hi")
    finding = Finding(
        "DL9999", "demo-rule", Severity.STYLE, "double space", source.span(start, start + 2), "Dockerfile",
        Fix((Edit(start, start + 2, " "),), Applicability.SAFE, "collapse spaces"),
    )
    return FileResult("Dockerfile", FileKind.DOCKERFILE, [finding], source=source)


def sarif(results) -> dict:
    return json.loads(render("sarif", results, ReportOptions()))


def assert_valid_sarif(log: dict) -> None:
    schema = json.loads(shared_path("reference", "sarif-schema-2.1.0.json").read_text())
    validator = jsonschema.validators.validator_for(schema)
    assert validator is jsonschema.Draft4Validator
    errors = sorted(validator(schema).iter_errors(log), key=lambda e: list(e.absolute_path))
    assert not errors, [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors]


# ---- SARIF -------------------------------------------------------------------------------------

def test_sarif_validates_against_the_schema():
    broken = FileResult("missing/Dockerfile", FileKind.DOCKERFILE, error=FileError("missing/Dockerfile", "no such file", code="E001"))
    log = sarif(results_for() + [with_safe_fix(), broken])
    assert_valid_sarif(log)
    run = log["runs"][0]
    assert run["columnKind"] == "unicodeCodePoints"
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"].endswith("/")
    driver = run["tool"]["driver"]
    assert driver["name"] == "dockerlint" and driver["version"] and driver["informationUri"].startswith("https://")
    # Only the rules that have results, each with its docs.
    assert [r["id"] for r in driver["rules"]] == sorted({"DL3006", "DF003", "DL3002", "DL9999"})
    dl3006 = next(r for r in driver["rules"] if r["id"] == "DL3006")
    assert dl3006["name"] == "untagged-base-image"
    assert dl3006["helpUri"].endswith("/DL3006.md") and "# DL3006" in dl3006["help"]["markdown"]
    assert dl3006["defaultConfiguration"]["level"] == "warning"
    assert "security" in dl3006["properties"]["tags"] and "dockerfile" in dl3006["properties"]["tags"]
    assert dl3006["properties"]["security-severity"] == "5.5"
    assert dl3006["properties"]["precision"]
    df003 = next(r for r in driver["rules"] if r["id"] == "DF003")
    assert "security-severity" not in df003["properties"]
    # Results point at real positions, relative to %SRCROOT%.
    result = next(r for r in run["results"] if r["ruleId"] == "DL3006")
    assert driver["rules"][result["ruleIndex"]]["id"] == "DL3006"
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "Dockerfile", "uriBaseId": "%SRCROOT%"}
    assert location["region"] == {"startLine": 1, "startColumn": 6, "endLine": 1, "endColumn": 12}
    assert result["level"] == "warning"
    # The unreadable file is a tool notification, not a result.
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert len(notes) == 1 and "no such file" in notes[0]["message"]["text"]
    assert run["invocations"][0]["executionSuccessful"] is False


def test_sarif_fingerprints_survive_a_blank_line_above():
    before = sarif(results_for())["runs"][0]["results"]
    after = sarif(results_for("\n" + TEXT))["runs"][0]["results"]
    assert [r["locations"][0]["physicalLocation"]["region"]["startLine"] + 1 for r in before] == [
        r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in after
    ]
    assert [r["partialFingerprints"] for r in before] == [r["partialFingerprints"] for r in after]
    assert all(set(r["partialFingerprints"]) == {"dockerlint/v1"} for r in before)


def test_identical_findings_get_distinct_fingerprints():
    results = sarif(results_for("FROM debian\nFROM debian\n"))["runs"][0]["results"]
    prints = [r["partialFingerprints"]["dockerlint/v1"] for r in results if r["ruleId"] == "DL3006"]
    assert len(prints) == 2 and len(set(prints)) == 2


def test_sarif_fixes_safe_and_unsafe():
    log = sarif(results_for() + [with_safe_fix()])
    results = log["runs"][0]["results"]
    unsafe = next(r for r in results if r["ruleId"] == "DF003")
    (fix,) = unsafe["fixes"]
    assert fix["description"]["text"].startswith("Unsafe fix")
    (change,) = fix["artifactChanges"]
    assert change["artifactLocation"]["uri"] == "Dockerfile"
    (replacement,) = change["replacements"]
    assert replacement["deletedRegion"] == {"startLine": 3, "startColumn": 6, "endLine": 3, "endColumn": 17}
    assert replacement["insertedContent"]["text"] == "python:3.12-slim"
    safe = next(r for r in results if r["ruleId"] == "DL9999")
    assert safe["fixes"][0]["description"]["text"] == "collapse spaces"
    assert "fixes" not in next(r for r in results if r["ruleId"] == "DL3006")


def test_sarif_from_the_cli(tmp_path):
    df = tmp_path / "Dockerfile"
    df.write_text(TEXT)
    out = tmp_path / "dockerlint.sarif"
    code, _, _ = run_cli(["check", str(df), "--format", "sarif", "-o", str(out), "--select", ",".join(RULES), "--isolated"])
    assert code == 1
    assert_valid_sarif(json.loads(out.read_text()))


# ---- GitHub workflow commands ------------------------------------------------------------------

def test_github_commands_and_escaping():
    from dockerlint.report.github import escape_data, escape_property

    out = render("github", results_for(), ReportOptions())
    first = out.splitlines()[0]
    assert first == "::warning file=Dockerfile,line=1,col=6,endLine=1,endColumn=12,title=DL3006::Always tag the version of an image explicitly (untagged-base-image)"
    assert escape_data("100% done\r\nnext") == "100%25 done%0D%0Anext"
    assert escape_property("a,b:c%\n") == "a%2Cb%3Ac%25%0A"
    source = SourceText("FROM x\n", "odd,name:1")
    finding = Finding("DL9999", "demo", Severity.ERROR, "50% bad\nreally", source.span(0, 4), "odd,name:1")
    line = render("github", [FileResult("odd,name:1", FileKind.DOCKERFILE, [finding], source=source)], ReportOptions())
    assert line == "::error file=odd%2Cname%3A1,line=1,col=1,endLine=1,endColumn=5,title=DL9999::50%25 bad%0Areally (demo)\n"


# ---- GitLab Code Quality -----------------------------------------------------------------------

def test_gitlab_report_and_unique_fingerprints():
    issues = json.loads(render("gitlab", results_for("FROM debian\nFROM debian\nUSER root\n") + results_for(TEXT, "other/Dockerfile"), ReportOptions()))
    assert len(issues) >= 5
    prints = [i["fingerprint"] for i in issues]
    assert len(set(prints)) == len(prints)
    for i in issues:
        assert {"description", "check_name", "fingerprint", "severity", "location"} <= set(i)
        assert i["severity"] in {"info", "minor", "major", "critical", "blocker"}
        assert isinstance(i["location"]["lines"]["begin"], int)
    assert {i["location"]["path"] for i in issues} == {"Dockerfile", "other/Dockerfile"}
    # Stable across runs and when lines move.
    again = json.loads(render("gitlab", results_for("\nFROM debian\nFROM debian\nUSER root\n"), ReportOptions()))
    assert [i["fingerprint"] for i in again] == prints[: len(again)]


# ---- XML ---------------------------------------------------------------------------------------

def test_checkstyle_xml():
    broken = FileResult("bad/Dockerfile", FileKind.DOCKERFILE, error=FileError("bad/Dockerfile", "parse error: \x1b junk", 2, 3, code="E002"))
    root = ET.fromstring(render("checkstyle", results_for() + [broken], ReportOptions()))
    assert root.tag == "checkstyle" and root.get("version")
    files = {f.get("name"): f for f in root.findall("file")}
    assert set(files) == {"Dockerfile", "bad/Dockerfile"}
    errors = files["Dockerfile"].findall("error")
    dl3006 = next(e for e in errors if e.get("source") == "dockerlint.DL3006")
    assert (dl3006.get("line"), dl3006.get("column"), dl3006.get("severity")) == ("1", "6", "warning")
    assert "explicitly" in dl3006.get("message")
    assert {e.get("severity") for e in errors} <= {"error", "warning", "info"}
    assert files["bad/Dockerfile"].find("error").get("source") == "dockerlint.E002"


def test_junit_xml_one_suite_per_file(tmp_path):
    clean = lint("FROM debian:12-slim\nUSER app\n", RULES, filename="clean/Dockerfile")
    root = ET.fromstring(render("junit", results_for() + [clean], ReportOptions()))
    assert root.tag == "testsuites"
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert set(suites) == {"Dockerfile", "clean/Dockerfile"}
    bad = suites["Dockerfile"]
    failures = [c.find("failure") for c in bad.findall("testcase")]
    assert bad.get("failures") == str(len(failures)) == bad.get("tests")
    assert any(f.get("type").startswith("DL3006") for f in failures)
    (ok,) = suites["clean/Dockerfile"].findall("testcase")
    assert ok.find("failure") is None and suites["clean/Dockerfile"].get("failures") == "0"
    assert root.get("tests") == str(len(failures) + 1) and root.get("failures") == str(len(failures))


# ---- reviewdog ---------------------------------------------------------------------------------

def test_rdjson_diagnostics_and_suggestions():
    doc = json.loads(render("rdjson", results_for() + [with_safe_fix()], ReportOptions()))
    assert doc["source"]["name"] == "dockerlint"
    by_code = {d["code"]["value"]: d for d in doc["diagnostics"]}
    dl3006 = by_code["DL3006"]
    assert dl3006["location"] == {"path": "Dockerfile", "range": {"start": {"line": 1, "column": 6}, "end": {"line": 1, "column": 12}}}
    assert dl3006["severity"] == "WARNING" and dl3006["code"]["url"].endswith("/DL3006.md")
    assert "suggestions" not in dl3006
    (suggestion,) = by_code["DF003"]["suggestions"]
    assert suggestion == {"range": {"start": {"line": 3, "column": 6}, "end": {"line": 3, "column": 17}}, "text": "python:3.12-slim"}
    assert "unsafe" in by_code["DF003"]["message"]
    assert by_code["DL9999"]["suggestions"][0]["text"] == " "


def test_rdjson_columns_count_utf8_bytes():
    from dockerlint.report.rdjson import byte_position

    source = SourceText("LABEL a=\"é𐐀\" b=1\n", "Dockerfile")
    # "b" is code point 14; é is 2 bytes and 𐐀 4, so it is byte column 18.
    assert byte_position(source, 1, 14) == {"line": 1, "column": 18}
    assert byte_position(source, 1, 1) == {"line": 1, "column": 1}


# ---- markdown ----------------------------------------------------------------------------------

def test_markdown_summary_and_details():
    out = render("markdown", results_for() + [with_safe_fix()], ReportOptions())
    assert "| [DL3006](https://github.com/dockerlint/dockerlint/blob/main/docs/rules/DL3006.md) | untagged-base-image | warning | 1 |" in out
    assert "### `Dockerfile`" in out
    assert "line 3, column 6: [DF003]" in out and "unsafe fix available" in out
    clean = render("markdown", [lint("FROM debian:12-slim\nUSER app\n", RULES)], ReportOptions())
    assert "No problems found in 1 file." in clean


def test_markdown_template_override(tmp_path):
    (tmp_path / "summary.md.j2").write_text("{% for rule in rules %}* {{ rule.code }} x{{ rule.count }}\n{% endfor %}")
    code, out, err = run_cli(["check", "-", "--stdin-filename", "Dockerfile", "--format", "markdown", "--template-dir", str(tmp_path), "--select", ",".join(RULES), "--isolated"], stdin=TEXT)
    assert code == 1, err
    assert "* DL3006 x1" in out and "| Rule |" not in out  # the override replaced the table
    assert "### `Dockerfile`" in out  # the other templates still come from the package


def test_markdown_template_error_is_a_usage_error(tmp_path):
    (tmp_path / "report.md.j2").write_text("{{ no_such_variable }}")
    code, _, err = run_cli(["check", "-", "--stdin-filename", "Dockerfile", "--format", "markdown", "--template-dir", str(tmp_path), "--isolated"], stdin=TEXT)
    assert code == 2 and "template" in err and "no_such_variable" in err


@pytest.mark.parametrize("fmt", ["sarif", "github", "gitlab", "checkstyle", "junit", "rdjson", "markdown"])
def test_every_format_handles_no_results(fmt):
    out = render(fmt, [], ReportOptions())
    if fmt == "sarif":
        assert_valid_sarif(json.loads(out))
    elif fmt in ("checkstyle", "junit"):
        ET.fromstring(out)
    elif fmt in ("gitlab", "rdjson"):
        json.loads(out)


def test_json_finding_lines_are_the_encoder_s_output():
    """`--format json` writes each finding with a template (json_format.finding_line) instead of
    building a dictionary and encoding it: the text must be what the encoder writes, for every
    kind of value (quotes, control characters, non-ASCII, fixes, related locations, no source)."""
    import json

    from dockerlint.model import Applicability, Edit, FileResult, Finding, Fix, Location, Severity, SourceText, Span
    from dockerlint.report import json_format

    text = 'FROM debian\nRUN echo "é\\t" \\\n  && ls\n'
    source = SourceText(text, "d/Dockerfile")
    odd = 'quote " backslash \\ tab \t newline \n nul-ish \x01 é 日本 \u2028 emoji 🐳'
    findings = [
        Finding("DL3006", "image-tag", Severity.WARNING, odd, Span(0, 11, 1, 1, 1, 12), "d/Dockerfile"),
        Finding("DF001", "root", Severity.ERROR, "m", Span(12, 20, 2, 1, 2, 9), "d/Dockerfile",
                fix=Fix((Edit(12, 15, "run\n  é"), Edit(0, 0, odd)), Applicability.UNSAFE, odd), aliases=("CKV_DOCKER_3", odd)),
        Finding("DL3008", "pin", Severity.INFO, "m", Span(12, 20, 2, 1, 2, 9), "d/Dockerfile",
                fix=Fix((Edit(len(text), len(text), "x"),), Applicability.DISPLAY_ONLY, "")),
        Finding("KS100", "unknown", Severity.STYLE, "m", Span(0, 1, 1, 1, 1, 2), "other/x.yaml",
                related=(Location("values.yaml", 3, 5, odd), Location("/abs/v.yaml", None, None, ""))),
    ]
    with_source = FileResult("d/Dockerfile", None, findings, source=source)
    without = FileResult("d/Dockerfile", None, findings)
    for result in (with_source, without):
        for f in findings:
            for path in (None, "shown/path"):
                expected = json_format.ONE_LINE(json_format.finding_dict(result, f, ".", json_format.rule_url, path))
                assert json_format.finding_line(result, f, ".", json_format.rule_url, path) == expected
                json.loads(expected)
