"""The one compiled part: the YAML composer over libyaml (dockerlint/parse/_yamlcompose.c).

Optional: without libyaml's headers (Debian's libyaml-dev) or a C compiler the build says so
and goes on, and dockerlint/parse/yaml.py composes in Python, with the same results (about 4x
slower to load a manifest). Everything else is in pyproject.toml."""
from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "dockerlint.parse._yamlcompose",
            sources=["dockerlint/parse/_yamlcompose.c"],
            libraries=["yaml"],
            optional=True,
        )
    ]
)
