"""Shared start-up for the atheris targets: import dockerlint instrumented, run one check."""
from __future__ import annotations

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))  # the checkout, when dockerlint is not installed


def run(check, instrument: list[str], *, as_text: bool = True) -> None:
    """atheris.Setup + Fuzz for `check(text)` (or `check(bytes)`). Only the `instrument` modules
    give coverage feedback: instrumenting every rule makes each run about four times slower."""
    import atheris

    import importlib

    with atheris.instrument_imports(include=instrument):
        for name in instrument:
            importlib.import_module(name)
    import properties

    properties.settings_all()  # import every rule now, not on the first input
    target = getattr(properties, check)
    decode = properties.decode

    def one_input(data: bytes) -> None:
        target(decode(data) if as_text else data)

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 1000))
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()
