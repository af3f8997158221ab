"""A `helm` command for `kubectl kustomize --enable-helm`, backed by the Helm SDK in-process
(the `[helm]` extra), so `helmCharts:` in a kustomization builds with no helm binary.

kustomize runs `helm version --short` and `helm template RELEASE CHART_DIR [-f VALUES]...
[--namespace NS] [--include-crds] [--skip-tests] [--kube-version V] ...`; this answers exactly
those, printing what `helm template` prints. Anything else (`helm pull` for a remote chart)
fails with a message saying so.
"""
from __future__ import annotations

import sys


def _template(args: list[str]) -> int:
    import yaml

    from dockerlint.helm.chart import _merge
    from dockerlint.helm.render import RenderError, helm_sdk

    positional: list[str] = []
    values: dict = {}
    namespace, kube_version, skip_tests = "default", None, False
    i = 0
    while i < len(args):
        a = args[i]
        value = args[i + 1] if i + 1 < len(args) else None
        if a in ("-f", "--values"):
            with open(value, encoding="utf-8") as f:
                values = _merge(values, yaml.safe_load(f) or {})
            i += 2
        elif a in ("-n", "--namespace"):
            namespace, i = value, i + 2
        elif a == "--kube-version":
            kube_version, i = value, i + 2
        elif a in ("--api-versions", "--version", "--repo"):
            i += 2
        elif a == "--skip-tests":
            skip_tests, i = True, i + 1
        elif a.startswith("-"):
            i += 1  # --include-crds and other switches: the render includes CRDs as helm template does
        else:
            positional.append(a)
            i += 1
    if len(positional) != 2:
        print(f"dockerlint helm shim: expected `template RELEASE CHART`, got {args}", file=sys.stderr)
        return 2
    release, chart_dir = positional
    try:
        helm = helm_sdk()
    except RenderError as e:
        print(str(e), file=sys.stderr)
        return 2
    import json

    from helm_python import _native

    opts = {"name": release, "namespace": namespace}
    if kube_version:
        opts["kube_version"] = kube_version
    try:
        with helm.Chart.load(chart_dir) as chart:
            crds = chart.crds
            rendered = json.loads(_native.call_string("helm_render", chart._raw(), json.dumps(values), json.dumps(opts)))
    except helm.HelmError as e:
        print(f"Error: {e}", file=sys.stderr)
        return 1
    out = sys.stdout
    for crd in crds:
        out.write(f"---\n# Source: {crd.get('filename') or crd.get('name')}\n{crd.get('data', '')}\n")
    for name in sorted(rendered):
        text = rendered[name]
        if name.endswith("NOTES.txt") or not text.strip() or (skip_tests and "/tests/" in name):
            continue
        out.write(f"---\n# Source: {name}\n{text}" + ("" if text.endswith("\n") else "\n"))
    return 0


def main(argv: list[str]) -> int:
    if argv[:1] == ["version"]:
        print("v3.16.0+dockerlint")  # kustomize wants a Helm 3 style answer
        return 0
    if argv[:1] == ["template"]:
        return _template(argv[1:])
    print(f"dockerlint helm shim: `helm {' '.join(argv)}` is not supported (vendor the chart under charts/)", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
