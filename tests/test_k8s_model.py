import textwrap
from pathlib import Path

import pytest

from dockerlint.rulekit.k8s_model import objects, workloads
from dockerlint.model import SourceText
from dockerlint.parse.yaml import MappingNode, ScalarNode, load_documents

POD_META = "metadata:\n  name: p\n  annotations:\n    a: b\n"
POD_SPEC = textwrap.dedent("""\
    spec:
      securityContext:
        runAsNonRoot: true
      initContainers:
      - name: init
        image: busybox
      containers:
      - name: app
        image: nginx:1.25
        securityContext:
          runAsUser: 1000
      ephemeralContainers:
      - name: debug
        image: busybox
    """)


def indent(text, n):
    return textwrap.indent(text, " " * n)


def template(path_keys):
    """A pod template nested under `path_keys`."""
    body = "template:\n" + indent(POD_META + POD_SPEC, 2)
    for key in reversed(path_keys):
        body = f"{key}:\n" + indent(body, 2)
    return body


def docs(text):
    return load_documents(SourceText(text))


def wrap(kind, body, api="apps/v1"):
    return f"apiVersion: {api}\nkind: {kind}\nmetadata:\n  name: obj\n  namespace: ns\n" + body


CASES = {
    "Pod": "apiVersion: v1\nkind: Pod\n" + POD_META + POD_SPEC,
    "Deployment": wrap("Deployment", template(["spec"])),
    "StatefulSet": wrap("StatefulSet", template(["spec"])),
    "DaemonSet": wrap("DaemonSet", template(["spec"])),
    "ReplicaSet": wrap("ReplicaSet", template(["spec"])),
    "ReplicationController": wrap("ReplicationController", template(["spec"]), "v1"),
    "Job": wrap("Job", template(["spec"]), "batch/v1"),
    "CronJob": wrap("CronJob", template(["spec", "jobTemplate", "spec"]), "batch/v1"),
    "PodTemplate": wrap("PodTemplate", template([]), "v1"),
    "Rollout": wrap("Rollout", template(["spec"]), "argoproj.io/v1alpha1"),
    "KnativeService": wrap("Service", template(["spec"]), "serving.knative.dev/v1"),
    "CronLikeCRD": wrap("ScheduledThing", template(["spec", "jobTemplate", "spec"]), "example.com/v1"),
}


@pytest.mark.parametrize("name", list(CASES))
def test_each_workload_kind(name):
    text = CASES[name]
    (w,) = workloads(docs(text))
    assert [(c.group, c.name) for c in w.containers] == [
        ("initContainers", "init"),
        ("containers", "app"),
        ("ephemeralContainers", "debug"),
    ]
    assert w.pod_meta is not None and w.pod_meta.str("name") == "p"
    assert w.annotations.str("a") == "b"
    assert isinstance(w.pod_spec, MappingNode) and "containers" in w.pod_spec
    app = w.containers[1]
    assert isinstance(app.image, ScalarNode) and app.image.value == "nginx:1.25"
    assert app.security_context.get("runAsUser").py == 1000
    assert w.spec_key is not None and w.spec_key.value == "spec"
    assert text[w.missing_span.start:w.missing_span.end] == "spec"
    if name != "Pod":
        assert w.obj.name == "obj" and w.obj.namespace == "ns"


def test_objects_and_non_workloads():
    text = textwrap.dedent("""\
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: cm}
        data: {a: b}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: r}
        rules: []
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: s}
        spec:
          template: {}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: patch-without-template}
        spec: {replicas: 2}
        ---
        just: data
        ---
        """)
    ds = docs(text)
    objs = objects(ds)
    assert [(o.kind, o.name, o.doc_index) for o in objs] == [
        ("ConfigMap", "cm", 0),
        ("ClusterRole", "r", 1),
        ("Service", "s", 2),
        ("Deployment", "patch-without-template", 3),
    ]
    assert objs[0].api_version == "v1" and objs[0].namespace is None
    assert workloads(ds) == []
    assert text[objs[1].kind_span.start:objs[1].kind_span.end] == "kind: ClusterRole"


def test_list_items_recursively():
    text = textwrap.dedent("""\
        apiVersion: v1
        kind: List
        items:
        - apiVersion: v1
          kind: Pod
          metadata: {name: a}
          spec: {containers: [{name: c, image: x}]}
        - apiVersion: v1
          kind: List
          items:
          - apiVersion: apps/v1
            kind: Deployment
            metadata: {name: b}
            spec:
              template:
                spec: {containers: [{name: d, image: y}]}
          - apiVersion: v1
            kind: ConfigMap
            metadata: {name: cm}
        """)
    ds = docs(text)
    assert [(o.kind, o.name, o.list_item) for o in objects(ds)] == [
        ("Pod", "a", True),
        ("Deployment", "b", True),
        ("ConfigMap", "cm", True),
    ]
    assert [(w.kind, w.containers[0].name) for w in workloads(ds)] == [("Pod", "c"), ("Deployment", "d")]
    # typed lists too
    typed = "apiVersion: v1\nkind: PodList\nitems:\n- {apiVersion: v1, kind: Pod, spec: {containers: []}}\n"
    assert [w.kind for w in workloads(docs(typed))] == ["Pod"]


def test_unknown_kind_needs_the_shape():
    text = wrap("Widget", "spec:\n  template:\n    spec:\n      foo: bar\n", "example.com/v1")
    assert workloads(docs(text)) == []
    text = wrap("Widget", "spec:\n  template:\n    spec:\n      containers: []\n", "example.com/v1")
    assert len(workloads(docs(text))) == 1


POD_SC = textwrap.dedent("""\
    apiVersion: v1
    kind: Pod
    spec:
      securityContext:
        runAsNonRoot: true
        runAsUser: 1000
        seccompProfile: {type: RuntimeDefault}
        windowsOptions: {runAsUserName: podUser, hostProcess: false}
        fsGroup: 2000
      containers:
      - name: a
        securityContext:
          runAsUser: 0
          runAsNonRoot: null
          seccompProfile: {}
          windowsOptions: {hostProcess: true}
          privileged: true
          capabilities: {drop: [ALL]}
          fsGroup: 9
      - name: b
      - name: c
        securityContext:
          seccompProfile: {type: Localhost, localhostProfile: p.json}
    """)


def test_effective_security_context():
    (w,) = workloads(docs(POD_SC))
    a, b, c = w.containers
    # container value wins
    value, node, level = w.effective(a, "runAsUser")
    assert (value, level) == (0, "container") and node.span.line == 13
    # a null is "not set": the pod's value applies
    assert w.effective(a, "runAsNonRoot")[::2] == (True, "pod")
    # structs are taken whole: `seccompProfile: {}` hides the pod's type
    assert w.effective(a, "seccompProfile", "type") == (None, None, "container")
    assert w.effective(b, "seccompProfile", "type")[::2] == ("RuntimeDefault", "pod")
    assert w.effective(c, "seccompProfile", "type")[::2] == ("Localhost", "container")
    assert w.effective(c, "seccompProfile")[::2] == ({"type": "Localhost", "localhostProfile": "p.json"}, "container")
    # windowsOptions merges field by field
    assert w.effective(a, "windowsOptions", "hostProcess")[::2] == (True, "container")
    assert w.effective(a, "windowsOptions", "runAsUserName")[::2] == ("podUser", "pod")
    # container-only fields never come from the pod, pod-only fields never from the container
    assert w.effective(a, "privileged")[::2] == (True, "container")
    assert w.effective(b, "privileged") == (None, None, None)
    assert w.effective(a, "capabilities", "drop")[::2] == (["ALL"], "container")
    assert w.effective(a, "fsGroup")[::2] == (2000, "pod")
    assert w.effective(b, "allowPrivilegeEscalation") == (None, None, None)
    assert w.effective(b, "runAsUser")[::2] == (1000, "pod")
    # where to report a missing field: the container's `name: x`
    span = b.missing_span
    assert POD_SC[span.start:span.end] == "name: b"


def test_windows_and_host_users_flags():
    base = "apiVersion: v1\nkind: Pod\nspec:\n  containers: [{name: a}]\n"
    (w,) = workloads(docs(base))
    assert not w.is_windows and not w.host_users_false and w.pod_security_context is None
    (w,) = workloads(docs(base + "  os: {name: windows}\n  hostUsers: false\n"))
    assert w.is_windows and w.host_users_false
    (w,) = workloads(docs(base + "  os: {name: linux}\n  hostUsers: true\n"))
    assert not w.is_windows and not w.host_users_false
    (w,) = workloads(docs(base + "  hostUsers: 'false'\n"))
    assert not w.host_users_false  # a string is not the boolean


def test_volumes():
    text = textwrap.dedent("""\
        apiVersion: v1
        kind: Pod
        spec:
          containers: []
          volumes:
          - name: only-name
          - name: e
            emptyDir: {}
          - name: h
            hostPath: {path: /}
          - name: s
            scaleIO:
              gateway: localhost
              secretRef: null
          - name: nulled
            hostPath: null
        """)
    (w,) = workloads(docs(text))
    vols = w.volumes
    assert [(v.name, v.source_type) for v in vols] == [
        ("only-name", "emptyDir"),
        ("e", "emptyDir"),
        ("h", "hostPath"),
        ("s", "scaleIO"),
        ("nulled", "emptyDir"),  # a null source is no source: API defaulting makes it emptyDir
    ]
    name, node, source_type = vols[2]
    assert node.get("hostPath") is vols[2].source
    assert vols[0].source is None


def test_merge_keys_and_anchors_in_manifests():
    text = textwrap.dedent("""\
        apiVersion: v1
        kind: Pod
        spec:
          containers:
          - &c
            name: a
            image: x
            securityContext: &sc {privileged: true}
          - <<: *c
            name: b
            securityContext: {<<: *sc, runAsUser: 5}
        """)
    (w,) = workloads(docs(text))
    a, b = w.containers
    assert (b.name, b.image.value) == ("b", "x")
    assert b.image is a.image
    assert w.effective(b, "privileged")[0] is True and w.effective(b, "runAsUser")[0] == 5


CONFORMANCE = Path(__file__).resolve().parents[1].parent / "shared" / "conformance" / "pss"


@pytest.mark.skipif(not CONFORMANCE.is_dir(), reason=f"{CONFORMANCE} not present")
def test_pss_fixtures_load_as_pod_workloads():
    files = sorted(CONFORMANCE.glob("*/*/*.yaml"))
    assert len(files) == 148
    for path in files:
        (w,) = workloads(docs(path.read_text(encoding="utf-8")))
        assert w.kind == "Pod" and w.obj.name == path.stem and w.containers
    (w,) = workloads(docs((CONFORMANCE / "restricted/pass/restrictedvolumes0.yaml").read_text()))
    assert w.volumes[0].source_type == "emptyDir"
