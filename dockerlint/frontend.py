"""What every command-line front end shares (check and fix, and the subcommands of the
integrations: review, lsp, pin, ...): exit statuses, usage errors, the rule-selection options
and the per-file settings they produce. Lives outside `dockerlint.cli` so that integrations
never import the command line itself."""
from __future__ import annotations

import argparse
from dataclasses import replace

from dockerlint.model import FileKind, Severity
from dockerlint.settings import Settings

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class UsageError(Exception):
    pass


def _split(values: list[str] | None) -> list[str]:
    out: list[str] = []
    for v in values or []:
        out += [x.strip() for x in v.split(",") if x.strip()]
    return out


def add_selection_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="*", default=None, metavar="PATH", help="files or directories; - reads stdin")
    p.add_argument("--select", action="append", metavar="CODES", help="rules to run: codes, prefixes, names, presets, ALL")
    p.add_argument("--extend-select", action="append", metavar="CODES", help="rules to run in addition to the selection")
    p.add_argument("--ignore", action="append", metavar="CODES", help="rules not to run (codes, prefixes, names)")
    p.add_argument("--severity", action="append", metavar="CODE=LEVEL", help="override a rule's severity")
    p.add_argument("--failure-threshold", "-t", metavar="LEVEL", help="error|warning|info|style: lowest severity that fails the run (default info)")
    p.add_argument("--kind", choices=[k.value for k in FileKind], help="force the file kind")
    p.add_argument("--stdin-filename", metavar="PATH", help="the name of the file read from stdin (kind and config lookup)")
    p.add_argument("--config", metavar="FILE", help="use this config file instead of discovery")
    p.add_argument("--isolated", action="store_true", help="ignore every config file")
    p.add_argument("--exclude", action="append", metavar="GLOB", help="skip paths matching these globs")
    p.add_argument("--build-arg", action="append", metavar="NAME=VALUE", help="ARG values for resolving FROM and pins")
    p.add_argument("--helm-values", action="append", metavar="FILE", help="values file for every Helm chart, after the chart's own (repeatable)")
    p.add_argument("--kubernetes-version", metavar="X.Y", help="validate manifests against this Kubernetes version's schemas (default: newest bundled)")
    p.add_argument("--unsafe-fixes", action="store_true", help="also apply (or show) fixes that may change behaviour")
    p.add_argument("--as-of", metavar="YYYY-MM-DD", help="judge end-of-life images as on this day (default today), for reproducible CI")
    p.add_argument("--no-progress", action="store_true", help="never show a progress bar")
    p.add_argument("--jobs", "-j", type=int, metavar="N", help="processes that lint, this one included (default: one per CPU, up to 8, once the files are worth it)")


def cli_settings_overrides(args):
    def apply(s: Settings) -> Settings:
        from dockerlint import ruleset

        s = replace(s)
        if args.select:
            s.select = _split(args.select)
        if args.extend_select:
            s.extend_select = s.extend_select + _split(args.extend_select)
        if args.ignore:
            s.ignore = s.ignore + _split(args.ignore)
        for code in s.select + s.extend_select + s.ignore:
            if not ruleset.is_known_selector(code):
                raise UsageError(f"unknown rule, prefix or preset: {code!r} (see `dockerlint rules`)")
        if args.severity:
            overrides = dict(s.severity_overrides)
            for item in _split(args.severity):
                code, _, level = item.partition("=")
                if not level:
                    raise UsageError(f"--severity expects CODE=LEVEL, got {item!r}")
                try:
                    overrides[code.strip().upper()] = Severity.parse(level)
                except ValueError as e:
                    raise UsageError(str(e)) from None
            s.severity_overrides = overrides
        if args.failure_threshold:
            try:
                s.failure_threshold = Severity.parse(args.failure_threshold)
            except ValueError as e:
                raise UsageError(f"--failure-threshold: {e}") from None
        if args.exclude:
            s.exclude = s.exclude + _split(args.exclude)
        if args.build_arg:
            build_args = dict(s.build_args)
            for item in args.build_arg:
                name, sep, value = item.partition("=")
                if not sep:
                    raise UsageError(f"--build-arg expects NAME=VALUE, got {item!r}")
                build_args[name] = value
            s.build_args = build_args
        if args.unsafe_fixes:
            s.unsafe_fixes = True
        if getattr(args, "kubernetes_version", None):
            from dockerlint.schemas import check_version

            problem = check_version(args.kubernetes_version)
            if problem:
                raise UsageError(f"--kubernetes-version: {problem}")
            s.kubernetes_version = args.kubernetes_version
        if getattr(args, "as_of", None):
            import datetime as dt

            try:
                s.as_of = dt.date.fromisoformat(args.as_of.strip()).isoformat()
            except ValueError:
                raise UsageError(f"--as-of expects a date YYYY-MM-DD, got {args.as_of!r}") from None
        if getattr(args, "helm_values", None):
            import os

            s.helm_values = s.helm_values + [os.path.abspath(v) for v in args.helm_values]
        return s

    return apply


def make_resolver(args):
    from pathlib import Path

    from dockerlint.config import ConfigResolver

    explicit = Path(args.config) if args.config else None
    if explicit is not None and not explicit.is_file():
        raise UsageError(f"--config: no such file: {args.config}")
    # one command's run: the working directory does not change while it lasts
    return ConfigResolver(Settings(), cli_settings_overrides(args), explicit, args.isolated, fixed_cwd=True)
