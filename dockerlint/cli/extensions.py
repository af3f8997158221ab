"""Subcommands that live in their own modules (lsp, review, images, pin, suggest).

Each is imported only when it is run, so `dockerlint check` stays fast to start.
"""
from __future__ import annotations

import importlib

# command -> (module, help). The module defines `add_arguments(parser)` and `run(args) -> int`.
EXTENSIONS: dict[str, tuple[str, str]] = {
    "review": ("dockerlint.review.command", "post a pull-request review"),
    "images": ("dockerlint.images.command", "list the base-image knowledge base, or explain one image"),
    "pin": ("dockerlint.pin.command", "pin image tags to digests through the registry API (the only command that uses the network)"),
    "suggest": ("dockerlint.images.suggest", "print a suggested rewrite (multistage: a builder stage plus a slim runtime stage)"),
    "format": ("dockerlint.format.command", "lay out Dockerfiles; each change is proven to build the same image"),
    "lsp": ("dockerlint.lsp.command", "run the language server (stdio; --tcp HOST:PORT)"),
    "clean": ("dockerlint.state.clean", "remove the result cache here and below (--user: also the compiled code kept per user)"),
}


def register(sub, wanted: str | None = None, every: bool = True) -> None:
    """Add the extensions' subcommands (`every`: all of them, else only the one being run,
    `wanted`); only that one imports its module to declare its options, so other commands
    don't pay for pygls, urllib, jinja2..."""
    for name, (module_name, help_text) in EXTENSIONS.items():
        if not every and name != wanted:
            continue
        parser = sub.add_parser(name, help=help_text)
        if name != wanted:
            continue
        module = importlib.import_module(module_name)
        module.add_arguments(parser)


def handler(command: str):
    module_name, _ = EXTENSIONS[command]
    return importlib.import_module(module_name).run
