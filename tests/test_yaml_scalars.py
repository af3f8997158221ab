"""parse/yaml_scalars: PyYAML's resolver table and core constructors, without importing PyYAML.
Both must give exactly what the installed PyYAML gives; a run that reads YAML through the C
composer must not import PyYAML at all."""
from __future__ import annotations

import math
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from dockerlint.parse import yaml as ours
from dockerlint.parse.yaml_scalars import FIRST_CHARS, construct, implicit_resolvers, resolve_plain

RESOLVER = yaml.resolver.Resolver()
CONSTRUCTOR = yaml.SafeLoader("")
TAGS = ["str", "null", "bool", "int", "float", "timestamp", "binary", "merge", "value", "set", "seq", "map"]
SCALARS = [
    "", " ", "~", "null", "Null", "NULL", "nULL", "yes", "Yes", "YES", "yEs", "no", "on", "Off", "y", "n", "true", "False",
    "0", "-0", "+0", "00", "07", "08", "0o7", "0b101", "-0b1_0", "0b", "0x1F", "0x_1f", "-0xff", "0xg", "1_000", "_1", "1__0",
    "12", "+12", "-12", "1:30", "-1:30", "1:70", "190:20:30", "1:30.5", "-1:30.5", "1.5", "1.", ".5", "-.5", "1e3", "1.0e+3",
    "1.0e3", "6.8523015e+5", "685.230_15e+03", ".inf", "-.Inf", "+.INF", ".NaN", ".nan", "-.nan", "<<", "=", "!", "&", "*",
    "2001-12-14", "2001-12-14t21:59:43.10-05:00", "2001-12-14 21:59:43.10 -5", "2002-12-14T21:59:43Z", "2001-13-40",
    "c2ltcGxl", "not base64!", "0.5.1", "1.2.3", "v1", "1Gi", "100m", "8080", "80:80", "2:80", "1e", "e3", "-", "+", ".",
    "1:", ":1", "1::2", "٣", "１２", "12\n", "ünïcode", "a b", "line\nbreak",
]


def test_the_table_is_pyyamls():
    theirs = yaml.SafeLoader.yaml_implicit_resolvers
    assert list(FIRST_CHARS) == list(theirs)  # the same first characters, in the same order
    for char, entries in theirs.items():
        assert [(tag, p.pattern, p.flags) for tag, p in entries] == [
            (tag, p.pattern, p.flags) for tag, p in implicit_resolvers()[char]], char
    assert not yaml.SafeLoader.yaml_path_resolvers  # the C composer is given the default tags


@pytest.mark.parametrize("value", SCALARS)
def test_plain_scalars_resolve_as_pyyaml_resolves_them(value):
    assert resolve_plain(value) == RESOLVER.resolve(yaml.ScalarNode, value, (True, False))


@given(st.text(alphabet=st.sampled_from("0123456789+-._:eExXbBoOabcfinNtTuyYl~<= \t"), max_size=12))
@settings(max_examples=3000, deadline=None)
def test_plain_scalars_resolve_as_pyyaml_resolves_them_generated(value):
    assert resolve_plain(value) == RESOLVER.resolve(yaml.ScalarNode, value, (True, False))


def _pyyaml_value(tag: str, value: str):
    ctor = yaml.SafeLoader.yaml_constructors.get(tag)
    if ctor is None:
        return ("value", value)
    try:
        return ("value", ctor(CONSTRUCTOR, yaml.ScalarNode(tag, value)))
    except Exception as e:
        return ("raises", type(e))


def _our_value(tag: str, value: str):
    try:
        return ("value", construct(tag, value))
    except Exception as e:
        return ("raises", type(e))


def _same(a, b) -> bool:
    if a[0] != b[0]:
        return False
    x, y = a[1], b[1]
    if isinstance(x, float) and isinstance(y, float) and math.isnan(x):
        return math.isnan(y) and math.copysign(1, x) == math.copysign(1, y)
    if type(x).__name__ == "generator":  # `!!set abc`: PyYAML's constructor is a generator, never run here
        return type(y).__name__ == "generator"
    return type(x) is type(y) and x == y and (not isinstance(x, float) or math.copysign(1, x) == math.copysign(1, y))


@pytest.mark.parametrize("tag", TAGS)
def test_values_are_pyyamls_for_every_tag(tag):
    full = f"tag:yaml.org,2002:{tag}"
    for value in SCALARS:
        assert _same(_our_value(full, value), _pyyaml_value(full, value)), (tag, value)
    assert construct("!custom", "1") == "1" and construct("tag:example.com,2000:x", "yes") == "yes"


@given(st.sampled_from(["null", "bool", "int", "float"]),
       st.text(alphabet=st.sampled_from("0123456789+-._:eExXbBoOabcfinNtTuyYl~ "), min_size=0, max_size=12))
@settings(max_examples=3000, deadline=None)
def test_values_are_pyyamls_generated(tag, value):
    full = f"tag:yaml.org,2002:{tag}"
    assert _same(_our_value(full, value), _pyyaml_value(full, value)), (tag, value)


def test_a_timestamp_and_binary_still_come_from_pyyaml():
    (doc,) = ours.load_documents(ours.SourceText("t: 2001-12-14t21:59:43.10-05:00\nb: !!binary c2ltcGxl\n"))
    assert ours.to_python(doc.root) == yaml.safe_load("t: 2001-12-14t21:59:43.10-05:00\nb: !!binary c2ltcGxl\n")


def test_linting_yaml_through_the_c_composer_imports_no_pyyaml(tmp_path):
    """Manifests and a Compose file linted (fixes shown) without PyYAML; invalid YAML, which
    the C composer hands back, still gets PyYAML's message."""
    if ours._native is None:
        pytest.skip("the C composer was not built (libyaml's headers missing): PyYAML composes")
    (tmp_path / "pod.yaml").write_text(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels: {n: 1, ok: yes, ratio: 1.5, none: ~}\n"
        "spec:\n  hostNetwork: true\n  containers:\n  - name: c\n    image: nginx:latest\n    ports: [{containerPort: 0x50}]\n"
    )
    (tmp_path / "compose.yaml").write_text("services:\n  web:\n    image: nginx\n    privileged: true\n    ports: ['80:80']\n")
    probe = (
        "import contextlib, io, json, sys\n"
        "from dockerlint.cli.main import main\n"
        "out = io.StringIO()\n"
        "with contextlib.redirect_stdout(out):\n"
        f"    main(['check', '--isolated', '--no-cache', '-j', '1', '--format', 'json', {str(tmp_path)!r}])\n"
        "print(len(json.loads(out.getvalue())['findings']) > 5, 'yaml' in sys.modules)\n"
        f"open({str(tmp_path / 'bad.yaml')!r}, 'w').write('apiVersion: v1\\nkind: Pod\\nmetadata: {{name: [1, 2\\n')\n"
        "with contextlib.redirect_stdout(out):\n"
        f"    main(['check', '--isolated', '--no-cache', '-j', '1', {str(tmp_path / 'bad.yaml')!r}])\n"
        "print('yaml' in sys.modules, 'flow sequence' in out.getvalue())\n"
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, env=env,
                          cwd=Path(__file__).resolve().parents[1])
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["True False", "True True"]


ITEMS = SCALARS + ["ALL", "NET_RAW", "'quoted'", '"yes"', "!!str 123", "!!int 1", "!custom x", "&a x", "*a", "[a]", "{a: 1}",
                   "a: b", "- a", "a\n---\nb", "--- a", "a\n...\n", "# only a comment", "!!binary c2ltcGxl", "! 12",
                   "\ud800", "a # c", "key: [", "|\n  block\n", ">-\n  folded\n"]


def _safe_load_string(item: str):
    try:
        loaded = yaml.load(item, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except Exception:  # YAMLError, UnicodeEncodeError; ValueError for `2001-13-40`, which PyYAML takes for a date
        return None
    return loaded if isinstance(loaded, str) else None


@pytest.mark.parametrize("item", ITEMS)
def test_the_fixers_read_a_rendered_item_as_safe_load_does(item):
    from dockerlint.fixers.yaml_edits import _scalar_value_of

    assert _scalar_value_of(item) == _safe_load_string(item)


@given(st.text(alphabet=st.sampled_from("aZ09 -:#'\"!&*[]{}|>.\n~yY_"), max_size=10))
@settings(max_examples=2000, deadline=None)
def test_the_fixers_read_a_rendered_item_as_safe_load_does_generated(item):
    from dockerlint.fixers.yaml_edits import _scalar_value_of

    assert _scalar_value_of(item) == _safe_load_string(item)
