"""tree-sitter-bash's grammar, without its package's `__init__`.

`tree_sitter_bash/__init__.py` imports `importlib.resources` for a query file dockerlint never
reads, and with it tempfile, shutil, bz2, lzma and random: ~3.5 ms of every run that parses a
shell script, ~10 ms in a fresh interpreter. The grammar comes from the package's compiled
`_binding` module alone, which is loaded here from the package's folder the way the import
system loads it (and registered under its name, so a later `import tree_sitter_bash` uses it).
Anything unexpected falls back to the plain import.
"""
from __future__ import annotations

import sys

import tree_sitter

_NAME = "tree_sitter_bash._binding"


def _binding():
    module = sys.modules.get(_NAME)
    if module is not None:
        return module
    try:
        from importlib.machinery import EXTENSION_SUFFIXES, ExtensionFileLoader, FileFinder, PathFinder
        from importlib.util import module_from_spec

        package = PathFinder.find_spec("tree_sitter_bash")
        spec = FileFinder(package.submodule_search_locations[0], (ExtensionFileLoader, EXTENSION_SUFFIXES)).find_spec(_NAME)
        module = module_from_spec(spec)
        spec.loader.exec_module(module)
        module.language  # noqa: B018 - the function this module is loaded for
    except Exception:  # another layout or loader: the package's own way
        import tree_sitter_bash

        return sys.modules.get(_NAME) or tree_sitter_bash
    sys.modules[_NAME] = module
    return module


LANGUAGE = tree_sitter.Language(_binding().language())  # immutable: shared by every parser and query
