"""`dockerlint review`: lint what a pull request changed and post one GitHub review.

- Changed files and added lines come from `git diff` against the merge base of `--base REF`,
  or from the pull request's files API. Whole changed files are linted (config resolution as
  in `check`); a finding on added lines becomes an inline comment, any other finding in a
  changed file is listed in the review body.
- The review is REQUEST_CHANGES when an inline finding is at or above the failure threshold,
  else COMMENT. Pre-existing problems elsewhere in the file never request changes.
- A safe or unsafe fix whose lines all lie on added lines becomes a ```suggestion block
  (unsafe ones are labelled); a display-only fix, or one reaching outside the diff, is shown
  as a plain diff block.
- Idempotent: each comment carries `<!-- dockerlint:fp=... -->` (report/anchors.py's
  line-independent fingerprint). A re-run skips findings already commented, marks comments
  whose finding is gone as resolved (PATCH, struck through), and posts a review only when it
  has new comments (or, the first time, findings to summarise).
- `--dry-run` prints the exact JSON body of the create-review request and sends nothing that
  changes the pull request; without GITHUB_TOKEN it makes no request at all.

Imported on every CLI start (to add its arguments), so heavy imports live in the functions.
"""
from __future__ import annotations

import json
import os
import re
import sys

FP_MARK = "<!-- dockerlint:fp={} -->"
FP_PATTERN = re.compile(r"<!-- dockerlint:fp=([0-9a-f]{8,64}) -->")
RESOLVED_MARK = "<!-- dockerlint:resolved -->"
REVIEW_MARK = "<!-- dockerlint:review -->"
REPO_PATTERN = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")
MAX_SUMMARY_ITEMS = 50


def add_arguments(parser) -> None:
    from dockerlint.frontend import add_selection_options

    add_selection_options(parser)
    parser.add_argument("--base", metavar="REF", help="changed lines from `git diff` against the merge base of REF and HEAD (default: the pull request's files from the GitHub API)")
    parser.add_argument("--repo", metavar="OWNER/NAME", help="repository (default: GITHUB_REPOSITORY)")
    parser.add_argument("--pr", type=int, metavar="N", help="pull request number (default: from the GITHUB_EVENT_PATH event)")
    parser.add_argument("--commit", metavar="SHA", help="head commit to attach the review to (default: the event's head sha, else HEAD)")
    parser.add_argument("--max-comments", type=int, default=50, metavar="N", help="inline comments per review; the rest go to the summary (default 50)")
    parser.add_argument("--dry-run", action="store_true", help="print the JSON body of the review request and post nothing")


# ---- what to review ---------------------------------------------------------------------------

class PullRequest:
    def __init__(self, owner: str, repo: str, number: int, head_sha: str | None = None):
        self.owner, self.repo, self.number, self.head_sha = owner, repo, number, head_sha

    @property
    def api_path(self) -> str:
        return f"/repos/{self.owner}/{self.repo}/pulls/{self.number}"

    def __str__(self) -> str:
        return f"{self.owner}/{self.repo}#{self.number}"


def pull_request(args) -> PullRequest:
    from dockerlint.frontend import UsageError

    event: dict = {}
    event_path = os.environ.get("GITHUB_EVENT_PATH")
    if event_path and os.path.isfile(event_path):
        try:
            with open(event_path, encoding="utf-8") as f:
                event = json.load(f)
        except (OSError, ValueError) as e:
            raise UsageError(f"cannot read the GitHub event file {event_path}: {e}") from None
    pr_event = event.get("pull_request") or {}
    repo = args.repo or os.environ.get("GITHUB_REPOSITORY") or (event.get("repository") or {}).get("full_name")
    number = args.pr or pr_event.get("number") or event.get("number")
    if not repo or not REPO_PATTERN.match(repo):
        raise UsageError("no repository: pass --repo OWNER/NAME (or run in GitHub Actions, which sets GITHUB_REPOSITORY)")
    if not number:
        raise UsageError("no pull request: pass --pr N (or run on a pull_request event)")
    head = pr_event.get("head", {}).get("sha") if pr_event.get("number") == number else None
    owner, name = repo.split("/")
    return PullRequest(owner, name, int(number), head)


class Placed:
    """One finding of a changed file and where it goes. (A plain class: dataclass creation
    would cost every CLI start a few milliseconds, since this module is imported for its
    arguments.)"""

    def __init__(self, path, result, finding, fingerprint, applicability, lines, suggestion, blocking):
        self.path = path  # repository-relative
        self.result = result  # FileResult
        self.finding = finding
        self.fingerprint = fingerprint
        self.applicability = applicability  # effective Applicability of its fix, or None
        self.lines: tuple[int, int] | None = lines  # inline comment range; None: review body only
        self.suggestion = suggestion  # the comment holds a ```suggestion
        self.blocking = blocking  # at or above the file's failure threshold
        self.members: list[Placed] = [self]  # findings merged into this one comment

    @property
    def fingerprints(self) -> list[str]:
        return [m.fingerprint for m in self.members]


def _relative_to(root: str, path: str) -> str:
    return os.path.relpath(os.path.abspath(path), root).replace(os.sep, "/")


def _in_scope(rel: str, scopes: list[str]) -> bool:
    return not scopes or any(s == "." or rel == s or rel.startswith(s.rstrip("/") + "/") for s in scopes)


def _drop_baselined(result, loaded, baseline_path: str) -> None:
    from dockerlint.frontend import UsageError
    from dockerlint.state import baseline as bl

    try:
        baseline = bl.load(baseline_path)
    except bl.BaselineError as e:
        raise UsageError(str(e)) from None
    for f in result.findings:
        f.anchor = loaded.plugin.anchor(f, loaded.model, loaded.source)
    old = {id(f) for f in bl.baselined(result.findings, loaded.path, baseline)}
    result.findings = [f for f in result.findings if id(f) not in old]


def lint_changed(args, resolver, root: str, changes: dict, scopes: list[str]):
    """Lint each changed file that dockerlint handles: [(repo path, FileResult, Settings)]."""
    from dockerlint.discovery import is_excluded, might_be_target
    from dockerlint.engine import lint_loaded
    from dockerlint.loader import load_path
    from dockerlint.model import FileError, FileKind, FileResult

    forced = FileKind(args.kind) if args.kind else None
    linted = []
    directories: dict[tuple, None] = {}  # charts and overlays a change belongs to, in order
    for rel, change in sorted(changes.items()):
        if change.deleted or not _in_scope(rel, scopes):
            continue
        owner = _directory_input(os.path.join(root, rel))
        if owner is not None and forced is None:
            directories.setdefault(owner)
            continue
        decision = might_be_target(rel.rsplit("/", 1)[-1])
        if decision is False and forced is None:
            continue
        full = os.path.join(root, rel)
        if not os.path.isfile(full):
            continue
        settings = resolver.for_file(full)
        if is_excluded(rel, settings.exclude):
            continue
        loaded = load_path(full, forced or (decision if isinstance(decision, FileKind) else None))
        if isinstance(loaded, FileError):
            linted.append((rel, FileResult(full, loaded.kind, error=loaded), settings))
        elif loaded is not None:
            result = lint_loaded(loaded, settings)
            if settings.baseline:  # baselined findings are never posted
                _drop_baselined(result, loaded, settings.baseline)
            linted.append((rel, result, settings))
    from dockerlint.engine import lint_directory

    for kind, directory in directories:
        settings = resolver.for_file(os.path.join(directory, "Chart.yaml"))
        for result in lint_directory(directory, kind, settings):
            rel = _relative_to(root, result.path)
            if result.error is not None or (rel in changes and not changes[rel].deleted):
                linted.append((rel, result, settings))  # findings in files the pull request left alone are not reviewed
    return linted


def _directory_input(path: str):
    """(kind, directory) of the Helm chart or Kustomize overlay a changed file belongs to."""
    from dockerlint.discovery import chart_of_file, overlay_of_file
    from dockerlint.model import FileKind

    name = path.lower()
    if name.endswith((".yaml", ".yml", ".tpl", ".txt")):
        chart = chart_of_file(path)
        if chart is not None:
            return FileKind.HELM, chart
    if name.endswith((".yaml", ".yml")) or name.endswith("/kustomization"):
        overlay = overlay_of_file(path)
        if overlay is not None:
            return FileKind.KUSTOMIZE, overlay
    return None


def place(rel: str, result, settings, change) -> list[Placed]:
    from dockerlint.fix import effective_applicability
    from dockerlint.model import Applicability
    from dockerlint.report.anchors import finding_lines, fingerprints, fix_lines

    placed = []
    for finding, fp in zip(result.findings, fingerprints(result.findings, result.source, rel)):
        applicability = effective_applicability(finding, settings) if finding.fix is not None else None
        lines, suggestion = None, False
        if applicability in (Applicability.SAFE, Applicability.UNSAFE) and result.source is not None:
            first, last, _old, _new = fix_lines(finding, result.source)
            if all(n in change.added for n in range(first, last + 1)):
                lines, suggestion = (first, last), True
        if lines is None:
            first, last = finding_lines(finding)
            touched = [n for n in range(first, last + 1) if n in change.added]
            if len(touched) == last - first + 1:
                lines = (first, last)
            elif touched:
                run_first, run_last = change.added_run(touched[0])
                lines = (max(run_first, first), min(run_last, last))
        placed.append(Placed(rel, result, finding, fp, applicability, lines, suggestion, finding.severity <= settings.failure_threshold))
    return placed


def merge_same_lines(placed: list[Placed]) -> list[Placed]:
    """One comment per group of suggestions on overlapping lines of a file (DL3009 and DL3015 on
    one RUN): GitHub shows each ```suggestion as a replacement of the whole lines, so two on the
    same lines conflict and only one could be committed. The merged comment suggests the lines
    with all the group's fixes applied; its first finding heads it. Fixes whose edits overlap
    cannot be combined: the later one then keeps a diff instead of a suggestion."""
    out: list[Placed] = []
    groups: list[Placed] = []
    for p in placed:
        if not p.suggestion or p.lines is None:
            out.append(p)
            continue
        group = next((g for g in groups if g.path == p.path and g.lines[0] <= p.lines[1] and p.lines[0] <= g.lines[1]), None)
        if group is None:
            groups.append(p)
            out.append(p)
            continue
        edits = sorted((e for m in group.members for e in m.finding.fix.edits), key=lambda e: (e.start, e.end))
        mine = sorted(p.finding.fix.edits, key=lambda e: (e.start, e.end))
        if any(a.start < b.end and b.start < a.end or (a.start == a.end == b.start == b.end) for a in edits for b in mine):
            p.suggestion = False  # cannot be applied together with the group: shown as a diff
            out.append(p)
            continue
        group.members.append(p)
        group.lines = (min(group.lines[0], p.lines[0]), max(group.lines[1], p.lines[1]))
        group.blocking = group.blocking or p.blocking
    return out


def merged_suggestion(p: Placed) -> str:
    """The lines `p.lines` with the fixes of every member applied (no final line break)."""
    source = p.result.source
    first, last = p.lines
    start = source.line_start(first)
    end = source.line_start(last + 1) if last < source.line_count else len(source.text)
    edits = sorted((e for m in p.members for e in m.finding.fix.edits), key=lambda e: (e.start, e.end))
    pieces, position = [], start
    for e in edits:
        pieces.append(source.text[position : e.start])
        pieces.append(e.content)
        position = e.end
    pieces.append(source.text[position:end])
    new = "".join(pieces).replace("\r\n", "\n")
    return new[:-1] if source.text[start:end].endswith("\n") and new.endswith("\n") else new


# ---- what to say --------------------------------------------------------------------------------

def _docs(code: str) -> str:
    from dockerlint.docs import rule_url

    return rule_url(code)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _block(text: str, info: str) -> str:
    from dockerlint.report.anchors import fence

    opening, closing = fence(text, info)
    return f"{opening}\n{text}\n{closing}" if text else f"{opening}\n{closing}"


def merged_comment_body(p: Placed) -> str:
    """One comment for several findings on the same lines: each finding, one suggestion with
    all their fixes, what each fix does."""
    from dockerlint.model import Applicability

    parts = [" · ".join(f"**{m.finding.code}** `{m.finding.name}` ({m.finding.severity})" for m in p.members)]
    parts += [f"- **{m.finding.code}**: {_one_line(m.finding.message)}" for m in p.members]
    parts.append(_block(merged_suggestion(p), "suggestion"))
    notes = []
    for m in p.members:
        description = f": {_one_line(m.finding.fix.description)}" if m.finding.fix.description else ""
        unsafe = m.applicability is Applicability.UNSAFE
        notes.append(f"- {m.finding.code}: {'**Unsafe fix**' if unsafe else 'Safe fix'}{description}")
    parts.append("This suggestion applies all of these fixes:\n" + "\n".join(notes))
    if any(m.applicability is Applicability.UNSAFE for m in p.members):
        parts.append("An unsafe fix may change behaviour: review it before committing the suggestion.")
    parts.append(" · ".join(f"[{m.finding.code} documentation]({_docs(m.finding.code)})" for m in p.members))
    parts.append("\n".join(FP_MARK.format(fp) for fp in p.fingerprints))
    return "\n\n".join(parts)


def comment_body(p: Placed) -> str:
    from dockerlint.model import Applicability
    from dockerlint.report.anchors import fix_lines

    if len(p.members) > 1:
        return merged_comment_body(p)
    f = p.finding
    # The first line is what a "resolved" update strikes through.
    parts = [f"**{f.code}** `{f.name}` ({f.severity}): {_one_line(f.message)}"]
    source = p.result.source
    if f.fix is not None and p.applicability is not None and source is not None:
        _first, _last, old, new = fix_lines(f, source)
        new = new.replace("\r\n", "\n")  # a suggestion holds lines, not line terminators
        description = f": {_one_line(f.fix.description)}" if f.fix.description else ""
        if p.suggestion:
            parts.append(_block(new, "suggestion"))
            if p.applicability is Applicability.UNSAFE:
                parts.append(f"**Unsafe fix**{description}. It may change behaviour: review it before committing the suggestion.")
            else:
                parts.append(f"Safe fix{description}.")
        else:
            diff = "\n".join([f"-{line}" for line in old.split("\n")] + [f"+{line}" for line in new.split("\n")] if new else [f"-{line}" for line in old.split("\n")])
            parts.append(_block(diff, "diff"))
            if p.applicability is Applicability.DISPLAY_ONLY:
                parts.append(f"Suggested change, shown only{description}: `dockerlint fix` never applies it.")
            else:
                unsafe = " --unsafe-fixes" if p.applicability is Applicability.UNSAFE else ""
                parts.append(f"{'Unsafe fix' if unsafe else 'Fix'}{description}; it reaches lines outside this diff, so apply it with `dockerlint fix{unsafe}`.")
    parts.append(f"[{f.code} documentation]({_docs(f.code)})")
    parts.append(FP_MARK.format(p.fingerprint))
    return "\n\n".join(parts)


def resolved_body(old_body: str, fingerprint: str) -> str:
    header = old_body.split("\n", 1)[0].strip()
    return f"~~{header}~~\n\nResolved in a later commit.\n\n{FP_MARK.format(fingerprint)}\n{RESOLVED_MARK}"


def review_comment(p: Placed) -> dict:
    first, last = p.lines
    comment: dict = {"path": p.path}
    if first != last:
        comment.update(start_line=first, start_side="RIGHT")
    comment.update(line=last, side="RIGHT", body=comment_body(p))
    return comment


def summary_body(inline: list[Placed], fresh: list[Placed], posted: list[Placed], elsewhere: list[Placed], resolved: int) -> str:
    def plural(n: int, word: str) -> str:
        return f"{n} {word}{'' if n == 1 else 's'}"

    blocking = sum(1 for p in inline for m in p.members if m.blocking)
    found = sum(len(p.members) for p in inline)  # a merged comment holds several findings
    lines = [REVIEW_MARK, "### dockerlint"]
    head = f"Found {plural(found, 'problem')} on lines this pull request changed"
    if blocking:
        head += f" ({blocking} at or above the failure threshold)"
    head += f", and {plural(len(elsewhere), 'problem')} elsewhere in the changed files." if elsewhere else "."
    lines.append(head)
    notes = []
    if posted:
        notes.append(f"{plural(len(posted), 'new inline comment')} below")
    already = found - sum(len(p.members) for p in fresh)
    if already > 0:
        notes.append(f"{already} already commented")
    if resolved:
        notes.append(f"{plural(resolved, 'earlier comment')} marked resolved")
    if notes:
        lines.append("; ".join(notes).capitalize() + ".")
    if elsewhere:
        items = []
        for p in elsewhere[:MAX_SUMMARY_ITEMS]:
            f = p.finding
            note = " (not commented inline: comment limit reached)" if p.lines else ""
            items.append(f"- `{p.path}:{f.span.line}` [{f.code}]({_docs(f.code)}) ({f.severity}): {_one_line(f.message)}{note}")
        if len(elsewhere) > MAX_SUMMARY_ITEMS:
            items.append(f"- … and {len(elsewhere) - MAX_SUMMARY_ITEMS} more (run `dockerlint check` locally)")
        lines.append(f"<details><summary>Elsewhere in the changed files ({len(elsewhere)})</summary>\n\n" + "\n".join(items) + "\n\n</details>")
    return "\n\n".join(lines) + "\n"


# ---- running ------------------------------------------------------------------------------------

def run(args) -> int:
    from dockerlint.frontend import EXIT_ERROR
    from dockerlint.review.diffs import GitError
    from dockerlint.review.github_api import ApiError

    try:
        return review(args)
    except (ApiError, GitError) as e:
        print(f"dockerlint: error: {e}", file=sys.stderr)
        return EXIT_ERROR


def changed_files(client, pr: PullRequest) -> dict:
    from dockerlint.review.diffs import from_patch

    files = client.paginate(f"{pr.api_path}/files")
    return {f["filename"]: from_patch(f["filename"], f.get("patch"), f.get("status", "modified")) for f in files}


def review(args) -> int:
    from dockerlint.review import diffs
    from dockerlint.frontend import EXIT_OK, UsageError, make_resolver
    from dockerlint.review.github_api import DEFAULT_API_URL, ApiError, GitHubClient, check_api_url

    try:
        api_url = check_api_url(os.environ.get("GITHUB_API_URL") or DEFAULT_API_URL)
    except ValueError as e:
        raise UsageError(str(e)) from None
    pr = pull_request(args)
    token = os.environ.get("GITHUB_TOKEN") or None
    if token is None and not args.dry_run:
        raise UsageError("GITHUB_TOKEN is not set (use --dry-run to print the review without posting it)")
    client = GitHubClient(api_url, token) if token else None
    root = diffs.toplevel() or os.getcwd()

    if args.base:
        changes = diffs.changes_since(args.base, root)
    elif client is not None:
        changes = changed_files(client, pr)
    else:
        raise UsageError("without --base the changed lines come from the GitHub API, which needs GITHUB_TOKEN")
    commit = args.commit or pr.head_sha
    try:
        local_head = diffs.head_sha(root)
    except diffs.GitError:
        local_head = None  # not a git checkout: only the files API can say what changed
    if commit is None and client is not None and not args.base:
        commit = (client.request("GET", pr.api_path)[0] or {}).get("head", {}).get("sha")
    commit = commit or local_head
    if commit is None:
        raise UsageError("cannot tell the pull request's head commit: pass --commit SHA")
    if local_head and commit != local_head:
        print(f"dockerlint: warning: HEAD is {local_head[:12]} but the review goes on {commit[:12]}; check out the pull request head so line numbers match", file=sys.stderr)

    scopes = [_relative_to(root, p) for p in (args.paths or [])]
    resolver = make_resolver(args)
    placed: list[Placed] = []
    for rel, result, settings in lint_changed(args, resolver, root, changes, scopes):
        if result.error is not None:
            print(f"dockerlint: warning: {rel}: {result.error.message}", file=sys.stderr)
            continue
        placed += merge_same_lines(place(rel, result, settings, changes[rel]))

    existing: dict[str, dict] = {}
    previous_review = False
    if client is not None:
        for c in client.paginate(f"{pr.api_path}/comments"):
            for fp in FP_PATTERN.findall(c.get("body") or ""):  # a merged comment carries several
                existing.setdefault(fp, c)
        previous_review = any(REVIEW_MARK in (r.get("body") or "") for r in client.paginate(f"{pr.api_path}/reviews"))

    inline = [p for p in placed if p.lines is not None]
    fresh = [p for p in inline if not all(fp in existing for fp in p.fingerprints)]
    posted, overflow = fresh[: max(0, args.max_comments)], fresh[max(0, args.max_comments) :]
    elsewhere = [p for p in placed if p.lines is None] + overflow
    current = {fp for p in placed for fp in p.fingerprints}
    stale = [
        (fp, c)
        for fp, c in existing.items()
        if FP_PATTERN.findall(c.get("body") or "")[:1] == [fp]  # one entry per comment
        and not any(other in current for other in FP_PATTERN.findall(c.get("body") or ""))
        and RESOLVED_MARK not in (c.get("body") or "")
        and _in_scope(c.get("path") or "", scopes)
    ]

    event = "REQUEST_CHANGES" if any(p.blocking for p in inline) else "COMMENT"
    request = {
        "commit_id": commit,
        "body": summary_body(inline, fresh, posted, elsewhere, len(stale)),
        "event": event,
        "comments": [review_comment(p) for p in posted],
    }
    should_post = bool(posted) or (bool(placed) and not previous_review)

    if args.dry_run:
        if should_post:
            sys.stdout.write(json.dumps(request, indent=2, ensure_ascii=False) + "\n")
        else:
            print(f"dockerlint: nothing new to post on {pr}", file=sys.stderr)
        if stale:
            print(f"dockerlint: would mark {len(stale)} earlier comment(s) resolved", file=sys.stderr)
        return EXIT_OK

    if should_post:
        try:
            client.request("POST", f"{pr.api_path}/reviews", request)
        except ApiError as e:
            # GitHub refuses REQUEST_CHANGES from the pull request's own author (a personal
            # token): the comments still matter, so post them as a plain review.
            if not (e.status == 422 and event == "REQUEST_CHANGES" and "own pull request" in e.detail):
                raise
            event = request["event"] = "COMMENT"
            client.request("POST", f"{pr.api_path}/reviews", request)
    for fp, c in stale:
        client.request("PATCH", f"/repos/{pr.owner}/{pr.repo}/pulls/comments/{int(c['id'])}", {"body": resolved_body(c.get("body") or "", fp)})
    if should_post:
        print(f"dockerlint: posted a {event} review on {pr} with {len(posted)} inline comment(s); {len(stale)} earlier comment(s) marked resolved")
    else:
        print(f"dockerlint: nothing new to post on {pr}; {len(stale)} earlier comment(s) marked resolved")
    return EXIT_OK
