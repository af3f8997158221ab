import datetime
import subprocess
import sys
import textwrap

import pytest
import yaml as pyyaml

import dockerlint.parse.yaml as Y
from dockerlint.model import SourceText
from dockerlint.parse.yaml import (
    MappingNode,
    ScalarNode,
    SequenceNode,
    YamlParseError,
    comment_lines,
    iter_nodes,
    load_documents,
    to_python,
)


def load(text):
    return load_documents(SourceText(textwrap.dedent(text)))


def src_of(text, node):
    return text[node.span.start:node.span.end]


POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: web   # trailing comment
spec:
  containers:
  - name: app
    image: "nginx:1.25"
    args: ['a', "b"]
"""


def test_scalar_and_mapping_spans():
    (doc,) = load_documents(SourceText(POD))
    root = doc.root
    assert isinstance(root, MappingNode) and not root.flow
    name = root.get_in("metadata", "name")
    assert isinstance(name, ScalarNode)
    assert (name.span.line, name.span.col, name.span.end_line, name.span.end_col) == (4, 9, 4, 12)
    assert src_of(POD, name) == "web" and name.style is None
    image = root.get_in("spec", "containers").items[0].get("image")
    assert src_of(POD, image) == '"nginx:1.25"' and image.value == "nginx:1.25" and image.style == '"'
    assert (image.span.line, image.span.col) == (8, 12)
    # block collections end at their last character, not at the next token
    meta = root.get("metadata")
    assert (meta.span.line, meta.span.col, meta.span.end_line, meta.span.end_col) == (4, 3, 4, 12)
    assert root.span.start == 0 and root.span.end == len(POD) - 1
    args = root.get_in("spec", "containers").items[0].get("args")
    assert isinstance(args, SequenceNode) and args.flow and src_of(POD, args) == "['a', \"b\"]"
    key = root.key_node("kind")
    assert (key.span.line, key.span.col, key.span.end_col) == (2, 1, 5)
    assert root.keys() == ["apiVersion", "kind", "metadata", "spec"]
    assert root.str("kind") == "Pod" and root.str("missing") is None
    assert doc.span.line == 1 and doc.start_marker_line is None


def test_block_scalar_span_excludes_trailing_blank_lines():
    text = "a:\n  s: |\n    one\n    two\n\n\nb: 1\n"
    (doc,) = load_documents(SourceText(text))
    s = doc.root.get_in("a", "s")
    assert s.value == "one\ntwo\n" and s.style == "|"
    assert src_of(text, s) == "|\n    one\n    two"
    assert doc.root.get("a").span.end == s.span.end


def test_multibyte_crlf_and_bom_offsets():
    text = "\ufeffa: é😀x\r\nb: 'q'\r\n"
    (doc,) = load_documents(SourceText(text))
    a, b = doc.root.get("a"), doc.root.get("b")
    assert src_of(text, a) == "é😀x" and (a.span.line, a.span.col) == (1, 5)
    assert src_of(text, b) == "'q'" and (b.span.line, b.span.col, b.span.end_col) == (2, 4, 7)


def test_fast_and_slow_span_paths_agree(monkeypatch):
    text = "a: 1\r\nb:\r\n  - x\r\n  - {c: d}\r\ne: |\r\n  t\r\n"
    fast = [n.span for n in iter_nodes(load_documents(SourceText(text))[0].root)]
    monkeypatch.setattr(Y, "_FAST_SPANS", False)
    slow = [n.span for n in iter_nodes(load_documents(SourceText(text))[0].root)]
    assert fast == slow


def test_multi_document():
    text = "a: 1\n---\n--- # empty\n# only a comment\n---\nkind: X\n...\n"
    docs = load_documents(SourceText(text))
    assert [d.index for d in docs] == [0, 1, 2, 3]
    assert docs[0].root.get("a").py == 1 and docs[0].start_marker_line is None
    assert docs[1].root is None and docs[1].start_marker_line == 2
    assert docs[2].root is None and docs[2].start_marker_line == 3
    assert docs[3].root.str("kind") == "X" and docs[3].start_marker_line == 5
    assert load_documents(SourceText("")) == []
    assert load_documents(SourceText("# nothing\n")) == []


SCALARS = """\
t: true
y: yes
off: off
q: "true"
i: 0x1F
o: 012
f: 1.5e3
inf: .inf
n: ~
e:
host: ::1
ts: 2001-12-14
sexa: 1:30
ver: 1.10
s: !!str 123
"""


def test_scalar_resolution_yaml11():
    (doc,) = load_documents(SourceText(SCALARS + "custom: !Ref thing\n"))
    r = doc.root
    assert r.get("t").py is True and r.get("y").py is True and r.get("q").py == "true"
    assert r.get("off").py is False  # `off` as a key resolves to False too, but get() matches text
    assert r.get("i").py == 31 and r.get("o").py == 10
    assert r.get("f").py == "1.5e3"  # YAML 1.1 floats need a dot in the mantissa and a sign
    assert r.get("inf").py == float("inf")
    assert r.get("n").py is None and r.get("n").is_null and r.get("e").py is None
    assert r.get("host").py == "::1" and r.get("host").tag == "tag:yaml.org,2002:str"
    assert r.get("ts").py == datetime.date(2001, 12, 14)
    assert r.get("sexa").py == 90 and r.get("sexa").value == "1:30"  # YAML 1.1 base 60
    assert r.get("ver").py == 1.1
    assert r.get("s").py == "123"
    assert r.get("custom").py == "thing" and r.get("custom").tag == "!Ref"
    expected = pyyaml.safe_load(SCALARS)
    assert to_python(r) == expected | {"custom": "thing"}


def test_secret_ref_null_and_empty_mappings():
    (doc,) = load("""\
        volumes:
        - name: v
          scaleIO:
            gateway: localhost
            secretRef: null
        sc: {}
        """)
    vol = doc.root.get("volumes").items[0]
    ref = vol.get("scaleIO").get("secretRef")
    assert isinstance(ref, ScalarNode) and ref.is_null and ref.py is None
    sc = doc.root.get("sc")
    assert isinstance(sc, MappingNode) and sc.flow and sc.pairs == [] and sc.keys() == []


def test_anchors_are_shared_nodes():
    text = "base: &b\n  x: [1, 2]\nuse: *b\nlist: [*b, *b]\n"
    (doc,) = load_documents(SourceText(text))
    r = doc.root
    assert r.get("use") is r.get("base") and r.get("base").anchor == "b"
    assert all(item is r.get("base") for item in r.get("list").items)
    # the flow sequence of aliases ends at its bracket
    assert src_of(text, r.get("list")) == "[*b, *b]"
    # root, 3 keys, base, x, [1, 2], 1, 2, the list: aliased nodes are visited once
    assert len(list(iter_nodes(r))) == 10


def test_merge_keys():
    (doc,) = load("""\
        defaults: &d
          image: base
          restart: always
          env: {A: 1}
        more: &m
          restart: never
          user: root
        svc:
          <<: [*d, *m]
          image: mine
        single:
          <<: *m
        inline:
          <<: {k: v}
          z: 1
        """)
    r = doc.root
    svc = r.get("svc")
    assert svc.get("image").value == "mine"  # explicit wins
    assert svc.get("restart").value == "always"  # earlier in the list wins
    assert svc.get("user").value == "root"
    assert svc.get("env") is r.get_in("defaults", "env")
    assert set(svc.keys()) == {"image", "restart", "env", "user"} and "<<" not in svc
    assert svc.has_merge and len(svc.pairs) == 2  # pairs as written
    assert r.get("single").get("user").value == "root"
    assert r.get("inline").keys() == ["k", "z"]
    assert to_python(r)["svc"] == {"image": "mine", "restart": "always", "env": {"A": 1}, "user": "root"}


def test_repeated_merge_keys_earlier_wins():
    (doc,) = load("""\
        d: &d {restart: always}
        m: &m {restart: never, user: root}
        s:
          <<: *d
          <<: *m
        """)
    s = doc.root.get("s")
    assert s.get("restart").value == "always" and s.get("user").value == "root"


def test_nested_merge_and_quoted_merge_key():
    (doc,) = load("""\
        a: &a {x: 1}
        b: &b {<<: *a, y: 2}
        c: {<<: *b, z: 3}
        d: {"<<": 1}
        """)
    assert doc.root.get("c").keys() == ["x", "y", "z"]
    assert doc.root.get("d").get("<<").py == 1  # quoted: an ordinary key


def test_duplicate_keys_last_wins():
    (doc,) = load("a: 1\nb: 2\na: 3\n")
    assert doc.root.get("a").py == 3
    (first, dup), = doc.root.duplicate_keys()
    assert first.span.line == 1 and dup.span.line == 3


def test_flow_style_and_spans():
    text = "m: {a: 1, b: [x, y]}\n"
    (doc,) = load_documents(SourceText(text))
    m = doc.root.get("m")
    assert m.flow and src_of(text, m) == "{a: 1, b: [x, y]}"
    b = m.get("b")
    assert b.flow and src_of(text, b) == "[x, y]" and (b.span.col, b.span.end_col) == (14, 20)


def test_alias_bomb_bounded():
    text = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    for prev, name in zip("abcdefgh", "bcdefghi"):
        text += f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]\n"
    (doc,) = load_documents(SourceText(text))  # composing shares nodes: instant
    assert len(list(iter_nodes(doc.root))) < 100
    with pytest.raises(YamlParseError, match="too large after alias expansion"):
        to_python(doc.root)
    with pytest.raises(YamlParseError):
        to_python(doc.root.get("c"), budget=100)
    assert len(to_python(doc.root.get("c"), budget=10_000)) == 9


def test_recursive_alias_rejected():
    with pytest.raises(YamlParseError, match="recursive alias") as info:
        load_documents(SourceText("a: &x\n  b: *x\n"))
    assert info.value.line == 2


@pytest.mark.parametrize(
    "text",
    [
        "[" * 10_000 + "]" * 10_000,
        "{a: " * 10_000 + "}" * 10_000,
        "".join(" " * i + f"k{i}:\n" for i in range(10_000)),
        "- " * 10_000 + "x\n",
    ],
    ids=["flow-seq", "flow-map", "block-map", "block-seq"],
)
def test_deep_nesting_is_an_error_not_a_crash(text):
    with pytest.raises(YamlParseError, match="nested too deeply"):
        load_documents(SourceText(text))


def test_nesting_under_the_limit_loads():
    (doc,) = load_documents(SourceText("[" * 900 + "]" * 900))
    depth, node = 0, doc.root
    while node.items:
        node, depth = node.items[0], depth + 1
    assert depth == 899
    assert to_python(doc.root) is not None


@pytest.mark.parametrize(
    "text, line, column",
    [
        ("a: 1\n b: 2\n", 2, 3),
        ("a: [1, 2\nb: 3\n", 2, 2),
        ("a:\n\t- b\n", 2, 1),
        ("a: *nope\n", 1, 4),
        ("a: 1\nb: x\x07y\n", 2, 5),
        ("a: é\nb: \x00\n", 2, 4),
    ],
)
def test_invalid_yaml_reports_line(text, line, column):
    with pytest.raises(YamlParseError) as info:
        load_documents(SourceText(text))
    assert (info.value.line, info.value.column) == (line, column)
    assert info.value.message


def test_unhashable_key():
    (doc,) = load("? [a, b]\n: 1\n")
    with pytest.raises(YamlParseError, match="unhashable"):
        to_python(doc.root)


def test_comment_lines():
    text = textwrap.dedent("""\
        # top
        a: "x # not" # yes
        b: 'it''s # no'  #  spaced
        c: x#y
        d: |
          # inside a block scalar
          echo
        # after
        url: http://h/#frag
        """)
    src = SourceText(text)
    docs = load_documents(src)
    exact = [(c.line, c.col, c.text) for c in comment_lines(src, docs)]
    assert exact == [(1, 1, "top"), (2, 14, "yes"), (3, 18, "spaced"), (8, 1, "after")]
    approx = [(c.line, c.col, c.text) for c in comment_lines(src)]
    assert approx == exact
    assert Y.comments is comment_lines


def test_new_span_makes_the_span_the_constructor_makes():
    from dockerlint.model import Span, new_span

    made, built = new_span(3, 9, 1, 4, 2, 1), Span(3, 9, 1, 4, 2, 1)
    assert made == built and hash(made) == hash(built) and repr(made) == repr(built)
    assert made < Span(3, 10, 1, 4, 2, 2) and made.contains(Span(4, 5, 1, 5, 1, 6))
    with pytest.raises(AttributeError):
        made.start = 0  # frozen like any other span


def test_new_edit_and_new_fix_make_what_the_constructors_make():
    from dockerlint.model import Applicability, Edit, Fix, new_edit, new_fix

    edits = (new_edit(1, 2, "a"), new_edit(5, 5, "b"))
    assert edits == (Edit(1, 2, "a"), Edit(5, 5, "b")) and hash(edits[0]) == hash(Edit(1, 2, "a"))
    made, built = new_fix(edits, Applicability.UNSAFE, "d"), Fix((Edit(5, 5, "b"), Edit(1, 2, "a")), Applicability.UNSAFE, "d")
    assert made == built and repr(made) == repr(built) and (made.start, made.end) == (1, 5)
    with pytest.raises(AttributeError):
        made.description = ""


def test_pyyaml_imported_without_compiling_its_reader_pattern():
    """`_import_pyyaml` leaves PyYAML's pure-Python reader pattern to be compiled on first use:
    that reader still refuses unprintable characters, and `re`'s cache is left as it was."""
    code = (
        "import re\n"
        "import sys\n"
        "import dockerlint.parse.yaml\n"
        "assert 'yaml' not in sys.modules  # imported on first use\n"
        "yaml = dockerlint.parse.yaml.pyyaml()\n"
        "from dockerlint.rulekit.patterns import LazyPattern\n"
        "assert type(yaml.reader.Reader.NON_PRINTABLE) is LazyPattern, type(yaml.reader.Reader.NON_PRINTABLE)\n"
        "assert yaml.reader.Reader.NON_PRINTABLE._compiled is None\n"
        "for cache in (re._cache, getattr(re, '_cache2', {})):\n"
        "    assert not any(type(p) is LazyPattern for p in cache.values())\n"
        "try:\n"
        "    yaml.safe_load('a: \\x01')\n"
        "except yaml.reader.ReaderError as e:\n"
        "    print('refused', e.character)\n"
        "assert yaml.safe_load('a: b') == {'a': 'b'}\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "refused 1"  # the code point ReaderError names


@pytest.mark.parametrize("text", [
    "a: 1\nb: {c: [1, {d: 2}], e: [x, y]}\nf:\n  - g: 1\n  - [h]\n",
    "base: &b {x: 1, y: [1, 2]}\none: *b\ntwo:\n  <<: *b\n  z: 3\n",  # an aliased mapping once
    "? [k, {n: 1}]\n: v\n",  # a complex key is visited too
    "plain scalar\n",
])
def test_iter_collections_is_iter_nodes_without_the_scalars(text):
    (doc,) = load_documents(SourceText(text))
    expected = [n for n in iter_nodes(doc.root) if type(n) is not Y.ScalarNode]
    found = list(Y.iter_collections(doc.root))
    assert [id(n) for n in found] == [id(n) for n in expected]
