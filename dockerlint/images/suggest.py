"""`dockerlint suggest multistage FILE`: print a Dockerfile rewritten as builder + runtime stages.

The same text as DF002's display-only fix, for reading or redirecting to a file. Nothing is
written. Imported on every CLI start (to add its arguments), so heavy imports live in `run`.
"""
from __future__ import annotations

import sys

KINDS = ("multistage",)


def add_arguments(parser) -> None:
    parser.add_argument("what", choices=KINDS, help="multistage: a builder stage plus a slim runtime stage")
    parser.add_argument("path", metavar="PATH", help="the Dockerfile (- reads stdin)")
    parser.add_argument("--go-runtime", choices=["distroless", "scratch"], default="distroless",
                        help="runtime image of a Go binary (default gcr.io/distroless/static-debian12:nonroot)")
    parser.add_argument("--build-arg", action="append", metavar="NAME=VALUE", help="ARG values for resolving FROM")
    parser.add_argument("--diff", action="store_true", help="print a unified diff against the file instead")


def run(args) -> int:
    import difflib

    from dockerlint.files import DecodeError, decode
    from dockerlint.images.multistage import suggest_multistage
    from dockerlint.loader import load_path, load_text
    from dockerlint.model import FileError, FileKind

    if args.path == "-":
        try:
            loaded = load_text(decode(sys.stdin.buffer.read()).text, "-", FileKind.DOCKERFILE)
        except DecodeError as e:
            print(f"stdin: error: {e}", file=sys.stderr)
            return 2
    else:
        loaded = load_path(args.path, FileKind.DOCKERFILE)
    if isinstance(loaded, FileError):
        print(loaded.describe(), file=sys.stderr)
        return 2
    text, df = loaded.source.text, loaded.model
    build_args = dict(item.split("=", 1) for item in (args.build_arg or []) if "=" in item)
    suggestion = suggest_multistage(df, build_args, go_runtime=args.go_runtime)
    if suggestion is None:
        print(
            f"{args.path}: no multi-stage rewrite: the final image is already built from other stages, "
            "or no Go, Python (pip), Node.js (npm/yarn/pnpm build) or Maven/Gradle build was recognised",
            file=sys.stderr,
        )
        return 1
    if args.diff:
        sys.stdout.writelines(difflib.unified_diff(text.splitlines(True), suggestion.text.splitlines(True), f"a/{args.path}", f"b/{args.path}"))
    else:
        sys.stdout.write(suggestion.text)
    return 0
