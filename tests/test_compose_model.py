import textwrap

from dockerlint.rulekit.compose_model import is_v1_layout, services
from dockerlint.model import SourceText
from dockerlint.parse.yaml import load_documents


def docs(text):
    return load_documents(SourceText(textwrap.dedent(text)))


def test_v2_layout_with_x_fields_and_merge_keys():
    text = textwrap.dedent("""\
        version: "3.8"
        x-defaults: &defaults
          restart: always
          logging: {driver: json-file}
        services:
          web:
            <<: *defaults
            image: nginx:1.25
            restart: "no"
          db:
            <<: *defaults
            build: ./db
          x-not-a-service:
            image: ignored
          empty:
        volumes:
          data: {}
        """)
    svcs = services(load_documents(SourceText(text)))
    assert [s.name for s in svcs] == ["web", "db"]
    web, db = svcs
    assert web.node.get("restart").value == "no"  # explicit wins over the merge
    assert db.node.get("restart").value == "always"
    assert db.node.get("logging") is web.node.get("logging")
    assert web.image.value == "nginx:1.25" and db.image is None
    assert (web.name_node.span.line, web.name_node.span.col) == (6, 3)
    assert text[web.missing_span.start:web.missing_span.end] == "web"
    assert web.node.keys() == ["restart", "logging", "image"]


def test_v1_layout():
    ds = docs("""\
        web:
          image: nginx
          links: [db]
        db:
          build: .
        base:
          extends: {file: common.yml, service: web}
        x-meta:
          image: nope
        """)
    assert is_v1_layout(ds[0].root)
    assert [s.name for s in services(ds)] == ["web", "db", "base"]


def test_not_compose():
    assert services(docs("name: x\njobs: {}\n")) == []
    assert services(docs("services:\n")) == []
    assert services(docs("- a\n- b\n")) == []
    assert services(docs("")) == []


def test_services_mapping_via_merge():
    ds = docs("""\
        x-more: &more
          worker: {image: w}
        services:
          <<: *more
          web: {image: n}
        """)
    assert [s.name for s in services(ds)] == ["worker", "web"]
