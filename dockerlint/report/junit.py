"""`--format junit`: JUnit XML for CI test-report views (GitLab, Jenkins, Azure...).

One <testsuite> per linted file (named by its path): each finding is a failed <testcase>
named "CODE line:column", a file that could not be linted is one <testcase> with an <error>,
and a clean file is a single passing <testcase>, so every linted file shows up as a test.
"""
from __future__ import annotations

from dockerlint.docs import rule_url
from dockerlint.report.common import relative
from dockerlint.report.xmltext import element, serialise


def render(results, options) -> str:
    suites = element("testsuites", name="dockerlint")
    total = failures = errors = 0
    for r in results:
        path = relative(r.path, options.root)
        suite = element("testsuite", name=path, tests=0, failures=len(r.findings), errors=int(r.error is not None), skipped=0)
        cases = []
        if r.error is not None:
            e = r.error
            where = f"{path}:{e.line}:{e.column or 1}" if e.line else path
            case = element("testcase", name=f"{e.code} {where}", classname=path, file=path, line=e.line)
            case.append(element("error", f"{where}: {e.message}", message=e.message, type=e.code))
            cases.append(case)
        for f in r.findings:
            case = element("testcase", name=f"{f.code} {f.span.line}:{f.span.col}", classname=path, file=path, line=f.span.line)
            body = f"{path}:{f.span.line}:{f.span.col}: {f.code} [{f.severity}] {f.message}\n{rule_url(f.code)}"
            case.append(element("failure", body, message=f.message, type=f"{f.code} {f.severity}"))
            cases.append(case)
        if not cases:
            cases.append(element("testcase", name="dockerlint", classname=path, file=path))
        suite.set("tests", str(len(cases)))
        suite.extend(cases)
        suites.append(suite)
        total += len(cases)
        failures += len(r.findings)
        errors += int(r.error is not None)
    suites.set("tests", str(total))
    suites.set("failures", str(failures))
    suites.set("errors", str(errors))
    return serialise(suites)
