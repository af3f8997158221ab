"""`dockerlint review` against a fake GitHub that checks every request against GitHub's own
OpenAPI description (../shared/reference/github-rest-subset.openapi.json): a route missing
from it, a bad path or query parameter or a request body its schema rejects fails the test.
The fake answers like GitHub, including 422 for a comment on a line outside the diff.
"""
from __future__ import annotations

import json
import re
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import jsonschema
import pytest

from conftest import shared_path
from helpers import run_cli

TOKEN = "ghs_s3cretTOKENvalue0123456789"
RULES = "DL3006,DF003,DL3002"
BASE_DOCKERFILE = """\
FROM alpine AS tools
RUN echo tools
FROM debian:12-slim
USER app
"""
# Three bad lines added by the pull request (3, 5, 7); line 1 was bad already.
PR_DOCKERFILE = """\
FROM alpine AS tools
RUN echo tools
FROM golang AS build
RUN go build -o /out/app .
FROM python:3.12
COPY --from=build /out/app /usr/local/bin/app
USER root
"""


# ---- the fake GitHub ---------------------------------------------------------------------------

def to_jsonschema(node):
    """OpenAPI 3.0 -> JSON Schema: only `nullable` needs translating (reference README)."""
    if isinstance(node, list):
        return [to_jsonschema(v) for v in node]
    if not isinstance(node, dict):
        return node
    node = {k: to_jsonschema(v) for k, v in node.items() if k != "discriminator"}
    if node.pop("nullable", False):
        if "type" in node:
            node["type"] = [node["type"], "null"]
            if "enum" in node:
                node["enum"] = [*node["enum"], None]
        else:
            node = {"anyOf": [node, {"type": "null"}]}
    return node


@pytest.fixture(scope="module")
def spec():
    return json.loads(shared_path("reference", "github-rest-subset.openapi.json").read_text())


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True).stdout


class FakeGitHub:
    def __init__(self, spec: dict, repo: Path):
        self.spec = spec
        self.repo = repo
        self.routes = []
        for template, ops in spec["paths"].items():
            pattern = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", template)
            for method, op in ops.items():
                if method != "parameters":
                    self.routes.append((method.upper(), re.compile(f"^{pattern}$"), template, op))
        self.requests: list[tuple[str, str, dict | None]] = []
        self.problems: list[str] = []
        self.reviews: list[dict] = []
        self.comments: list[dict] = []
        self.fail_next: dict[str, list[int]] = {}  # operationId -> statuses to answer first
        self.diff_override: dict[str, set[int]] | None = None  # path -> commentable lines
        self.page_size = 100
        self.echo_token_in_errors = False
        self.author_is_reviewer = False  # a personal token of the PR's author
        self.next_id = 1000

    # GitHub's view of the pull request: base..head of the temp repo, 3 lines of context.
    @property
    def head(self) -> str:
        return git(self.repo, "rev-parse", "feature").strip()

    def files(self) -> list[dict]:
        names = git(self.repo, "diff", "--name-status", "main...feature").split("\n")
        out = []
        for line in filter(None, names):
            status, name = line.split("\t")[0], line.split("\t")[-1]
            patch = git(self.repo, "diff", "main...feature", "--", name)
            patch = patch[patch.index("@@"):] if "@@" in patch else ""
            out.append({"sha": "0" * 40, "filename": name, "status": {"A": "added", "D": "removed"}.get(status, "modified"),
                        "additions": 0, "deletions": 0, "changes": 0, "blob_url": "", "raw_url": "", "contents_url": "", "patch": patch})
        return out

    def commentable(self, path: str) -> set[int]:
        if self.diff_override is not None:
            return self.diff_override.get(path, set())
        lines: set[int] = set()
        for f in self.files():
            if f["filename"] == path:
                for m in re.finditer(r"^@@ -\S+ \+(\d+)(?:,(\d+))? @@", f["patch"], re.M):
                    start, count = int(m.group(1)), int(m.group(2) or 1)
                    lines |= set(range(start, start + count))
        return lines

    def validator(self, op: dict):
        schema = to_jsonschema(op["requestBody"]["content"]["application/json"]["schema"])
        schema["components"] = to_jsonschema(self.spec["components"])
        return jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())

    def parameter(self, ref_or_param: dict) -> dict:
        if "$ref" in ref_or_param:
            return self.spec["components"]["parameters"][ref_or_param["$ref"].rsplit("/", 1)[-1]]
        return ref_or_param

    def handle(self, method: str, url: str, headers, raw: bytes):
        parts = urlsplit(url)
        body = json.loads(raw) if raw else None
        self.requests.append((method, parts.path, body))
        for m, regex, template, op in self.routes:
            match = regex.match(parts.path)
            if m == method and match:
                break
        else:
            self.problems.append(f"route not in the OpenAPI subset: {method} {parts.path}")
            return 404, {"message": "Not Found"}, {}
        if headers.get("Authorization") != f"Bearer {TOKEN}":
            self.problems.append(f"{method} {parts.path}: missing or wrong Authorization header")
        params = {p["name"]: p for p in map(self.parameter, op.get("parameters", []))}
        for name, value in match.groupdict().items():
            if params[name]["schema"].get("type") == "integer" and not value.isdigit():
                self.problems.append(f"{method} {template}: path parameter {name}={value!r} is not an integer")
        for name, values in parse_qs(parts.query).items():
            if name not in params or params[name]["in"] != "query":
                self.problems.append(f"{method} {template}: unknown query parameter {name}")
            elif params[name]["schema"].get("type") == "integer" and not values[0].isdigit():
                self.problems.append(f"{method} {template}: query parameter {name} is not an integer")
        if "requestBody" in op:
            errors = [e.message for e in self.validator(op).iter_errors(body)]
            if errors:
                self.problems.append(f"{method} {template}: body rejected by the schema: {errors}")
                return 422, {"message": "Invalid request.", "errors": errors}, {}
        elif body is not None:
            self.problems.append(f"{method} {template}: sends a body the operation does not take")
        operation = op["operationId"]
        pending = self.fail_next.get(operation)
        if pending:
            return pending.pop(0), {"message": "Server Error"}, {}
        return getattr(self, "op_" + operation.replace("/", "_").replace("-", "_"))(match.groupdict(), body, parts)

    def page(self, items: list, parts) -> tuple[int, list, dict]:
        query = parse_qs(parts.query)
        size = min(self.page_size, int(query.get("per_page", ["30"])[0]))
        number = int(query.get("page", ["1"])[0])
        chunk = items[(number - 1) * size : number * size]
        headers = {}
        if number * size < len(items):
            headers["Link"] = f'<{self.url}{parts.path}?per_page={size}&page={number + 1}>; rel="next"'
        return 200, chunk, headers

    def op_pulls_list_files(self, path, body, parts):
        return self.page(self.files(), parts)

    def op_pulls_get(self, path, body, parts):
        return 200, {"number": int(path["pull_number"]), "head": {"sha": self.head}}, {}

    def op_pulls_list_review_comments(self, path, body, parts):
        return self.page(self.comments, parts)

    def op_pulls_list_reviews(self, path, body, parts):
        return self.page(self.reviews, parts)

    def op_pulls_create_review(self, path, body, parts):
        if body.get("commit_id") != self.head:
            return 422, {"message": "Unprocessable Entity", "errors": ["commit_id is not part of the pull request"]}, {}
        if self.author_is_reviewer and body.get("event") == "REQUEST_CHANGES":
            return 422, {"message": "Unprocessable Entity", "errors": ["Review Can not request changes on your own pull request"]}, {}
        for c in body.get("comments", []):
            allowed = self.commentable(c["path"])
            lines = set(range(c.get("start_line", c["line"]), c["line"] + 1))
            if c.get("side", "RIGHT") != "RIGHT" or not lines <= allowed:
                message = "Pull request review thread line must be part of the diff"
                if self.echo_token_in_errors:
                    message += f" (token {TOKEN})"
                return 422, {"message": "Unprocessable Entity", "errors": [message]}, {}
        self.next_id += 1
        review = {"id": self.next_id, "body": body.get("body", ""), "state": {"COMMENT": "COMMENTED", "REQUEST_CHANGES": "CHANGES_REQUESTED"}[body["event"]], "commit_id": body["commit_id"]}
        self.reviews.append(review)
        for c in body.get("comments", []):
            self.next_id += 1
            self.comments.append({**c, "id": self.next_id, "pull_request_review_id": review["id"], "commit_id": body["commit_id"]})
        return 200, review, {}

    def op_pulls_update_review_comment(self, path, body, parts):
        for c in self.comments:
            if c["id"] == int(path["comment_id"]):
                c["body"] = body["body"]
                return 200, c, {}
        return 404, {"message": "Not Found"}, {}

    def posts(self, suffix: str = "/reviews") -> list[dict]:
        return [b for m, p, b in self.requests if m == "POST" and p.endswith(suffix)]

    def patches(self) -> list[tuple[str, dict]]:
        return [(p, b) for m, p, b in self.requests if m == "PATCH"]


@pytest.fixture
def pr_repo(tmp_path, monkeypatch):
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.email", "dev@example.com")
    git(repo, "config", "user.name", "dev")
    (repo / "Dockerfile").write_text(BASE_DOCKERFILE)
    (repo / "README.md").write_text("hello\n")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "base")
    git(repo, "checkout", "-q", "-b", "feature")
    (repo / "Dockerfile").write_text(PR_DOCKERFILE)
    (repo / "README.md").write_text("hello\nworld\n")
    git(repo, "commit", "-q", "-am", "pr")
    monkeypatch.chdir(repo)
    for name in ("GITHUB_TOKEN", "GITHUB_EVENT_PATH", "GITHUB_REPOSITORY", "GITHUB_API_URL"):
        monkeypatch.delenv(name, raising=False)
    return repo


@pytest.fixture
def github(spec, pr_repo, monkeypatch):
    fake = FakeGitHub(spec, pr_repo)

    class Handler(BaseHTTPRequestHandler):
        def _any(self):
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            status, payload, headers = fake.handle(self.command, self.path, self.headers, raw)
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for k, v in headers.items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PATCH = do_DELETE = do_PUT = _any

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("GITHUB_API_URL", fake.url)
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    monkeypatch.setattr("dockerlint.review.github_api.BACKOFF_SECONDS", 0.01)
    yield fake
    server.shutdown()
    server.server_close()
    assert not fake.problems, fake.problems


def review(*extra: str) -> tuple[int, str, str]:
    return run_cli(["review", "--repo", "octo/app", "--pr", "7", "--select", RULES, "--isolated", *extra])


# ---- dry run ---------------------------------------------------------------------------------

def test_dry_run_prints_the_review_body_offline(spec, pr_repo, monkeypatch):
    monkeypatch.setenv("GITHUB_API_URL", "http://127.0.0.1:9")  # nothing listens: any request would fail
    code, out, err = review("--base", "main", "--dry-run")
    assert code == 0, err
    body = json.loads(out)
    errors = [e.message for e in FakeGitHub(spec, pr_repo).validator(spec["paths"]["/repos/{owner}/{repo}/pulls/{pull_number}/reviews"]["post"]).iter_errors(body)]
    assert not errors, errors
    assert body["commit_id"] == git(pr_repo, "rev-parse", "HEAD").strip()
    assert body["event"] == "REQUEST_CHANGES"
    by_line = {c["line"]: c for c in body["comments"]}
    assert sorted(by_line) == [3, 5, 7]  # the three added bad lines, not line 1
    assert all(c["side"] == "RIGHT" and c["path"] == "Dockerfile" for c in body["comments"])
    assert by_line[3]["body"].startswith("**DL3006**")
    suggestion = by_line[5]["body"]
    assert "```suggestion\nFROM python:3.12-slim\n```" in suggestion
    assert "Unsafe fix" in suggestion
    assert "DL3002" in by_line[7]["body"] and "```" not in by_line[7]["body"]
    assert all(re.search(r"<!-- dockerlint:fp=[0-9a-f]{32} -->", c["body"]) for c in body["comments"])
    # The pre-existing problem on an unchanged line goes to the summary, not inline.
    assert "`Dockerfile:1`" in body["body"] and "DL3006" in body["body"]


def test_dry_run_without_base_needs_a_token(pr_repo):
    code, out, err = review("--dry-run")
    assert code == 2 and out == ""
    assert "GITHUB_TOKEN" in err


def test_posting_needs_a_token(pr_repo):
    code, _, err = review("--base", "main")
    assert code == 2 and "GITHUB_TOKEN is not set" in err


# ---- posting ---------------------------------------------------------------------------------

def test_posts_one_review_from_the_files_api(github):
    code, out, err = review()
    assert code == 0, err
    posts = github.posts()
    assert len(posts) == 1
    sent = posts[0]
    assert sent["commit_id"] == github.head
    assert sent["event"] == "REQUEST_CHANGES"
    assert sorted(c["line"] for c in sent["comments"]) == [3, 5, 7]
    assert "posted a REQUEST_CHANGES review" in out
    assert not github.patches()


def test_posts_with_base_and_comment_threshold(github):
    code, _, err = review("--base", "main", "--failure-threshold", "error")
    assert code == 0, err
    (sent,) = github.posts()
    assert sent["event"] == "COMMENT"  # nothing at or above "error"
    assert len(sent["comments"]) == 3


def test_rerun_is_idempotent(github):
    assert review()[0] == 0
    github.page_size = 2  # the second run has to follow Link pagination to see every comment
    code, out, err = review()
    assert code == 0, err
    assert len(github.posts()) == 1, "the second run must not post the same comments again"
    assert not github.patches()
    assert "nothing new to post" in out


def test_outdated_comment_is_marked_resolved(github, pr_repo):
    assert review()[0] == 0
    # A later commit fixes the untagged golang image (and only that).
    (pr_repo / "Dockerfile").write_text(PR_DOCKERFILE.replace("FROM golang AS build", "FROM golang:1.22 AS build"))
    git(pr_repo, "commit", "-q", "-am", "tag golang")
    code, out, err = review()
    assert code == 0, err
    patches = github.patches()
    assert len(patches) == 1
    path, body = patches[0]
    dl3006 = next(c for c in github.comments if "DL3006" in c["body"])
    assert path.endswith(f"/pulls/comments/{dl3006['id']}")
    assert body["body"].startswith("~~**DL3006**") and "~~" in body["body"].split("\n")[0][2:]
    assert "Resolved in a later commit" in body["body"]
    assert len(github.posts()) == 1  # nothing new to say otherwise
    # A third run leaves the resolved comment alone.
    assert review()[0] == 0
    assert len(github.patches()) == 1


def test_new_finding_in_a_later_commit_gets_its_own_review(github, pr_repo):
    assert review()[0] == 0
    (pr_repo / "Dockerfile").write_text(PR_DOCKERFILE + "FROM ubuntu\n")
    git(pr_repo, "commit", "-q", "-am", "another stage")
    assert review()[0] == 0
    posts = github.posts()
    assert len(posts) == 2
    assert [c["line"] for c in posts[1]["comments"]] == [8]


def test_own_pull_request_falls_back_to_a_comment_review(github):
    github.author_is_reviewer = True
    code, out, err = review()
    assert code == 0, err
    assert [p["event"] for p in github.posts()] == ["REQUEST_CHANGES", "COMMENT"]
    assert len(github.reviews) == 1 and len(github.comments) == 3


def test_retries_502_then_succeeds(github):
    github.fail_next["pulls/create-review"] = [502, 503]
    code, _, err = review()
    assert code == 0, err
    assert len(github.posts()) == 3  # two failures, then the review
    assert len(github.reviews) == 1


def test_gives_up_after_bounded_retries(github):
    github.fail_next["pulls/list-files"] = [502] * 10
    code, _, err = review()
    assert code == 2
    assert "HTTP 502" in err and "/pulls/7/files" in err
    assert len([r for r in github.requests if r[1].endswith("/files")]) == 4


def test_comment_outside_the_diff_is_a_clear_error_and_token_is_never_shown(github, capfd):
    github.diff_override = {"Dockerfile": {1}}  # GitHub's view disagrees with the local diff
    github.echo_token_in_errors = True
    code, out, err = review("--base", "main")
    assert code == 2
    assert "HTTP 422" in err and "must be part of the diff" in err
    captured = capfd.readouterr()
    for text in (out, err, captured.out, captured.err):
        assert TOKEN not in text


def test_token_not_in_output_of_a_successful_run(github, capfd):
    code, out, err = review()
    assert code == 0
    captured = capfd.readouterr()
    assert all(TOKEN not in text for text in (out, err, captured.out, captured.err))
    assert all(TOKEN not in json.dumps(b) for _, _, b in github.requests)


@pytest.mark.parametrize("url", ["http://api.example.com", "ftp://api.github.com", "http://user:pw@127.0.0.1:1"])
def test_refuses_plain_http_api_url(pr_repo, monkeypatch, url):
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    monkeypatch.setenv("GITHUB_API_URL", url)
    code, out, err = review("--base", "main")
    assert code == 2
    assert "https" in err or "credentials" in err
    assert TOKEN not in out + err


def test_repo_and_pr_from_the_actions_event(github, pr_repo, tmp_path, monkeypatch):
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"number": 7, "pull_request": {"number": 7, "head": {"sha": github.head}}}))
    monkeypatch.setenv("GITHUB_EVENT_PATH", str(event))
    monkeypatch.setenv("GITHUB_REPOSITORY", "octo/app")
    code, _, err = run_cli(["review", "--select", RULES, "--isolated"])
    assert code == 0, err
    assert github.posts()[0]["commit_id"] == github.head
    assert all("/repos/octo/app/pulls/7/" in p for _, p, _ in github.requests)


# ---- pieces ------------------------------------------------------------------------------------

def test_git_diff_parsing():
    from dockerlint.review.diffs import parse_git_diff

    diff = """\
diff --git a/Dockerfile b/Dockerfile
index 1..2 100644
--- a/Dockerfile
+++ b/Dockerfile
@@ -3 +3,2 @@ FROM x
-FROM a
+FROM b
+RUN c
@@ -9,0 +11 @@
+USER app
diff --git a/old.yaml b/old.yaml
deleted file mode 100644
--- a/old.yaml
+++ /dev/null
@@ -1 +0,0 @@
-a: 1
diff --git "a/we\\"ird" "b/we\\"ird"
--- "a/we\\"ird"
+++ "b/we\\"ird"
@@ -0,0 +1 @@
+x
"""
    changes = parse_git_diff(diff)
    assert changes["Dockerfile"].added == {3, 4, 11}
    assert changes["old.yaml"].deleted
    assert changes['we"ird'].added == {1}


def _placed(text: str, edits, applicability, lines):
    from dockerlint.model import Finding, Fix, Severity, SourceText
    from dockerlint.review.command import Placed

    source = SourceText(text, "Dockerfile")
    span = source.span(edits[0].start, edits[0].end)
    finding = Finding("DL9999", "demo-rule", Severity.WARNING, "demo message", span, "Dockerfile", Fix(tuple(edits), applicability, "demo fix"))

    class Result:
        pass

    result = Result()
    result.source = source
    return Placed("Dockerfile", result, finding, "ab" * 16, applicability, lines, lines is not None, True)


def test_suggestion_fence_is_longer_than_backticks_inside():
    from dockerlint.model import Applicability, Edit
    from dockerlint.review.command import comment_body

    text = "FROM a\nRUN echo hi\n"
    p = _placed(text, [Edit(7, 18, "RUN echo ```` quoted")], Applicability.SAFE, (2, 2))
    body = comment_body(p)
    assert "`````suggestion\nRUN echo ```` quoted\n`````" in body
    assert "Safe fix: demo fix" in body and "Unsafe" not in body


def test_display_only_fix_is_a_diff_not_a_suggestion():
    from dockerlint.model import Applicability, Edit
    from dockerlint.review.command import Placed, comment_body

    p = _placed("FROM a\nRUN x\n", [Edit(7, 12, "RUN y")], Applicability.DISPLAY_ONLY, None)
    p = Placed(p.path, p.result, p.finding, p.fingerprint, p.applicability, (2, 2), False, True)
    body = comment_body(p)
    assert "```diff\n-RUN x\n+RUN y\n```" in body and "suggestion" not in body


def test_multi_line_comment_has_start_line(spec, tmp_path):
    from dockerlint.model import Applicability, Edit
    from dockerlint.review.command import review_comment

    text = "FROM a\nRUN a \\\n  b\n"
    p = _placed(text, [Edit(7, 18, "RUN a && b")], Applicability.SAFE, (2, 3))
    comment = review_comment(p)
    assert (comment["start_line"], comment["start_side"], comment["line"], comment["side"]) == (2, "RIGHT", 3, "RIGHT")
    assert "```suggestion\nRUN a && b\n```" in comment["body"]
    op = spec["paths"]["/repos/{owner}/{repo}/pulls/{pull_number}/reviews"]["post"]
    validator = FakeGitHub(spec, tmp_path).validator(op)
    assert validator.is_valid({"commit_id": "a" * 40, "event": "COMMENT", "body": "x", "comments": [comment]})


def test_line_deletion_suggests_an_empty_block():
    from dockerlint.model import Applicability, Edit
    from dockerlint.review.command import comment_body

    p = _placed("FROM a\nRUN x\nUSER app\n", [Edit(7, 13, "")], Applicability.UNSAFE, (2, 2))
    body = comment_body(p)
    assert "```suggestion\n```" in body and "**Unsafe fix**" in body


# ---- hardening: rate limits, the token in errors and logs, API roots (issue 9) -------------------

def _record_delays(monkeypatch) -> list[float]:
    """The backoff each retry asked for; the test does not actually sleep."""
    from dockerlint.review import github_api

    real = github_api.GitHubClient._delay
    delays: list[float] = []

    def delay(attempt, retry_after):
        delays.append(real(attempt, retry_after))
        return 0.0

    monkeypatch.setattr(github_api.GitHubClient, "_delay", staticmethod(delay))
    return delays


def _answer_first(github, monkeypatch, operation: str, answers: list[tuple[int, dict, dict]]):
    """Answer the next requests of `operation` with (status, body, headers), then as usual."""
    real = github.handle
    pending = list(answers)

    def handle(method, url, headers, raw):
        status, payload, extra = real(method, url, headers, raw)
        if pending and operation in urlsplit(url).path:
            return pending.pop(0)
        return status, payload, extra

    monkeypatch.setattr(github, "handle", handle)


def test_rate_limits_are_retried_with_bounded_backoff(github, monkeypatch):
    import time

    from dockerlint.review.github_api import MAX_DELAY_SECONDS

    delays = _record_delays(monkeypatch)
    limited = {"message": "API rate limit exceeded"}
    _answer_first(github, monkeypatch, "/files", [
        (403, limited, {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(int(time.time()) + 3600)}),
        (429, {"message": "You have exceeded a secondary rate limit"}, {"Retry-After": "7"}),
    ])
    code, _, err = review()
    assert code == 0, err
    assert delays == [MAX_DELAY_SECONDS, 7.0]  # an hour's wait is capped; Retry-After is obeyed
    assert len(github.reviews) == 1


def test_rate_limit_that_never_lifts_is_reported_clearly(github, monkeypatch):
    from dockerlint.review.github_api import ATTEMPTS, MAX_DELAY_SECONDS

    delays = _record_delays(monkeypatch)
    answer = (403, {"message": "API rate limit exceeded for installation"}, {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "9999999999"})
    _answer_first(github, monkeypatch, "/files", [answer] * 10)
    code, _, err = review()
    assert code == 2
    assert "HTTP 403" in err and "rate limited, gave up after 4 attempts" in err and "/pulls/7/files" in err, err
    assert len([r for r in github.requests if r[1].endswith("/files")]) == ATTEMPTS
    assert len(delays) == ATTEMPTS - 1 and all(0 <= d <= MAX_DELAY_SECONDS for d in delays)


def test_plain_403_is_not_retried_and_5xx_backoff_doubles(github, monkeypatch):
    delays = _record_delays(monkeypatch)
    _answer_first(github, monkeypatch, "/files", [(403, {"message": "Resource not accessible by integration"}, {})])
    code, _, err = review()
    assert code == 2 and "HTTP 403" in err and "Resource not accessible" in err, err
    assert len([r for r in github.requests if r[1].endswith("/files")]) == 1 and delays == []
    github.fail_next["pulls/list-files"] = [502] * 10
    code, _, err = review()
    assert code == 2 and "gave up after 4 attempts" in err, err
    assert delays == [0.01, 0.02, 0.04]  # BACKOFF_SECONDS (0.01 here) doubled per retry


@pytest.mark.parametrize("answer", [
    (401, {"message": f"Bad credentials: {TOKEN}"}, {}),
    (500, {"message": f"boom {TOKEN}"}, {}),
    (200, f"<html>proxy login {TOKEN}</html>", {}),  # JSON, but not the list the endpoint returns
])
def test_token_never_in_output_logs_or_exceptions(github, monkeypatch, capfd, caplog, answer):
    import logging
    import traceback

    from dockerlint.review.github_api import ApiError, GitHubClient

    caplog.set_level(logging.DEBUG)
    _record_delays(monkeypatch)
    _answer_first(github, monkeypatch, "/files", [answer] * 10)
    code, out, err = review()
    assert code == 2, err
    assert "Traceback" not in err and "failed: HTTP" in err, err
    client = GitHubClient(github.url, TOKEN)
    with pytest.raises(ApiError) as info:
        client.paginate("/repos/octo/app/pulls/7/files")
    shown = [str(info.value), repr(info.value), "".join(traceback.format_exception(info.value)), repr(client)]
    captured = capfd.readouterr()
    for text in [out, err, caplog.text, captured.out, captured.err, *shown]:
        assert TOKEN not in text


def test_answer_that_is_not_json_is_a_clear_error():
    import traceback

    from dockerlint.review.github_api import ApiError, GitHubClient

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(f"<html>proxy login for {TOKEN}</html>".encode())

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        client = GitHubClient(f"http://127.0.0.1:{server.server_address[1]}", TOKEN)
        with pytest.raises(ApiError) as info:
            client.request("GET", "/repos/octo/app/pulls/7")
    finally:
        server.shutdown()
    assert "not JSON" in str(info.value) and "HTTP 200" in str(info.value)
    assert TOKEN not in "".join(traceback.format_exception(info.value))


def test_network_errors_never_show_the_token(monkeypatch):
    import socket
    import traceback

    from dockerlint.review import github_api

    monkeypatch.setattr(github_api, "BACKOFF_SECONDS", 0.0)
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    client = github_api.GitHubClient(f"http://127.0.0.1:{port}", TOKEN, timeout=2)
    with pytest.raises(github_api.ApiError) as info:
        client.request("GET", "/repos/octo/app/pulls/7")
    assert info.value.status is None and "no response" in str(info.value)
    assert TOKEN not in "".join(traceback.format_exception(info.value)) + repr(info.value)


@pytest.mark.parametrize("url, accepted", [
    ("https://api.github.com", True),
    ("https://ghe.example.com/api/v3/", True),
    ("http://127.0.0.1:8080", True),
    ("http://127.3.4.5", True),
    ("http://localhost:1", True),
    ("http://[::1]:2", True),
    ("http://localhost.example.com", False),
    ("http://10.0.0.1", False),
    ("http://0.0.0.0:80", False),
    ("https://", False),
    ("api.github.com", False),
    ("file:///etc/passwd", False),
    ("https://x-access-token:abc@api.github.com", False),
])
def test_api_roots(url, accepted):
    from dockerlint.review.github_api import check_api_url

    if accepted:
        assert check_api_url(url) == url.rstrip("/")
    else:
        with pytest.raises(ValueError):
            check_api_url(url)


def test_token_is_not_sent_to_another_origin():
    """A redirect or a `Link: rel=next` to another host never carries the token."""
    from dockerlint.review.github_api import GitHubClient

    seen: list[tuple[str, str | None]] = []

    def serve(handler_body):
        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                seen.append((f"{self.server.server_address[1]}{self.path}", self.headers.get("Authorization")))
                handler_body(self)

            def log_message(self, *args):
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server

    def other_host(h):
        h.send_response(200)
        h.send_header("Content-Type", "application/json")
        h.end_headers()
        h.wfile.write(b"[]")

    elsewhere = serve(other_host)
    # "localhost" and "127.0.0.1" are different origins for the same server
    other = f"http://localhost:{elsewhere.server_address[1]}"

    def api(h):
        if h.path.startswith("/redirect"):
            h.send_response(307)
            h.send_header("Location", f"{other}/landed")
            h.end_headers()
            return
        h.send_response(200)
        h.send_header("Content-Type", "application/json")
        h.send_header("Link", f'<{other}/page2>; rel="next"')
        h.end_headers()
        h.wfile.write(b"[1]")

    root = serve(api)
    try:
        client = GitHubClient(f"http://127.0.0.1:{root.server_address[1]}", TOKEN)
        client.request("GET", "/redirect")
        assert client.paginate("/items") == [1]  # the next page lives elsewhere: not followed
    finally:
        root.shutdown()
        elsewhere.shutdown()
    auth = dict(seen)
    assert auth[f"{root.server_address[1]}/redirect"] == f"Bearer {TOKEN}"
    assert auth[f"{elsewhere.server_address[1]}/landed"] is None
    assert not any(path.endswith("/page2") for path, _ in seen)


def test_baselined_findings_are_never_posted(spec, pr_repo, monkeypatch):
    monkeypatch.setenv("GITHUB_API_URL", "http://127.0.0.1:9")  # nothing listens: any request would fail
    code, _out, err = run_cli(["check", ".", "--select", RULES, "--isolated", "--write-baseline", "baseline.json"])
    assert code == 0, err
    selected = ", ".join(f'"{c}"' for c in RULES.split(","))
    (pr_repo / ".dockerlint.toml").write_text(f'select = [{selected}]\nbaseline = "baseline.json"\n')
    code, out, err = run_cli(["review", "--repo", "octo/app", "--pr", "7", "--base", "main", "--dry-run"])
    assert code == 0, err
    assert out == "" and "nothing new to post" in err
    # without the baseline the same run has three comments to post
    (pr_repo / ".dockerlint.toml").write_text(f"select = [{selected}]\n")
    code, out, err = run_cli(["review", "--repo", "octo/app", "--pr", "7", "--base", "main", "--dry-run"])
    assert code == 0 and len(json.loads(out)["comments"]) == 3


# ---- findings on the same lines: one suggestion with all their fixes (issue 17) ---------------------

def test_findings_on_the_same_lines_are_one_suggestion_with_all_fixes(pr_repo, monkeypatch):
    (pr_repo / "Dockerfile").write_text("FROM debian:12-slim\nRUN apt-get update && apt-get install -y curl=7.88.1-10\nUSER app\n")
    git(pr_repo, "commit", "-q", "-am", "apt")
    monkeypatch.setenv("GITHUB_API_URL", "http://127.0.0.1:9")
    code, out, err = run_cli(["review", "--repo", "octo/app", "--pr", "7", "--select", "DL3009,DL3015",
                              "--unsafe-fixes", "--isolated", "--base", "main", "--dry-run"])
    assert code == 0, err
    comments = [c for c in json.loads(out)["comments"] if c["line"] == 2]
    assert len(comments) == 1, comments  # not two conflicting full-line suggestions
    body = comments[0]["body"]
    assert "**DL3009**" in body and "**DL3015**" in body
    suggestion = re.search(r"```suggestion\n(.*?)\n```", body, re.S).group(1)
    assert suggestion == (
        "RUN apt-get update && apt-get install --no-install-recommends -y curl=7.88.1-10"
        " && rm -rf /var/lib/apt/lists/*"
    )
    assert len(re.findall(r"<!-- dockerlint:fp=[0-9a-f]{32} -->", body)) == 2
    assert "Found 2 problems on lines this pull request changed" in json.loads(out)["body"]


def test_merged_comment_is_not_posted_twice(github, pr_repo):
    (pr_repo / "Dockerfile").write_text("FROM debian:12-slim\nRUN apt-get update && apt-get install -y curl=7.88.1-10\nUSER app\n")
    git(pr_repo, "commit", "-q", "-am", "apt")
    args = ["review", "--repo", "octo/app", "--pr", "7", "--select", "DL3009,DL3015", "--unsafe-fixes", "--isolated", "--base", "main"]
    assert run_cli(args)[0] == 0
    assert run_cli(args)[0] == 0
    posted = [c for review in github.posts() for c in review.get("comments", [])]
    assert len(posted) == 1 and not github.patches()
