"""What custom rules cost: the Kubernetes corpus linted with the KS rules alone, with the new
built-in policy rules switched off, and with 50 CEL rules (40 native rules and a
ValidatingAdmissionPolicy with 10 validations, bound to everything), in one run, interleaved,
best of N.

    nice python bench/custom_rules_cost.py [--repeat 3] [--corpus ../shared/corpus/kubernetes]

Needs the `cel` extra. Results: bench/custom_rules_cost.md.
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

CHECKS = [
    ("has(object.metadata.labels) && 'app.kubernetes.io/name' in object.metadata.labels", "needs app.kubernetes.io/name"),
    ("!has(object.spec.template) || object.spec.template.spec.containers.all(c, !c.image.endsWith(':latest'))", "latest tag"),
    ("!has(object.spec.template) || object.spec.template.spec.containers.all(c, has(c.resources) && has(c.resources.limits))", "limits"),
    ("!has(object.spec.template) || object.spec.template.spec.containers.all(c, !has(c.resources) || !has(c.resources.limits) || !has(c.resources.limits.memory) || !quantity(string(c.resources.limits.memory)).isGreaterThan(quantity('8Gi')))", "memory"),
    ("!has(object.spec.replicas) || object.spec.replicas <= 50", "replicas"),
    ("!has(object.spec.template) || !has(object.spec.template.spec.hostNetwork) || object.spec.template.spec.hostNetwork == false", "hostNetwork"),
    ("object.metadata.name.size() <= 63", "name length"),
    ("!has(object.spec.template) || object.spec.template.spec.containers.all(c, c.name.matches('^[a-z0-9-]+$'))", "container names"),
    ("!has(object.spec.template) || object.spec.template.spec.containers.all(c, !has(c.securityContext) || !has(c.securityContext.privileged) || !c.securityContext.privileged)", "privileged"),
    ("!has(object.metadata.namespace) || object.metadata.namespace != 'kube-system'", "kube-system"),
]


def write_rules(directory: Path) -> Path:
    native = ["rules:"]
    for i in range(40):
        expr, what = CHECKS[i % len(CHECKS)]
        native += [
            f"- code: X{i + 1:03d}",
            f"  name: bench-rule-{i + 1}",
            "  kinds: [kubernetes]",
            f"  message: \"{what} ({{object.kind}} {{object.metadata.name}})\"",
            f"  match: \"has(object.metadata) && has(object.metadata.name) && object.kind != 'List' && {i} >= 0\"",
            f"  assert: \"{expr}\"",
        ]
    (directory / "native.yaml").write_text("\n".join(native) + "\n")
    vap = [
        "apiVersion: admissionregistration.k8s.io/v1", "kind: ValidatingAdmissionPolicy", "metadata:", "  name: bench",
        "spec:", "  failurePolicy: Ignore", "  matchConstraints:", "    resourceRules:",
        "    - {apiGroups: ['*'], apiVersions: ['*'], operations: ['CREATE'], resources: ['*']}", "  validations:",
    ]
    for expr, what in CHECKS:
        vap += [f"  - expression: \"has(object.metadata) && has(object.metadata.name) && ({expr})\"", f"    message: \"{what}\""]
    vap += ["---", "apiVersion: admissionregistration.k8s.io/v1", "kind: ValidatingAdmissionPolicyBinding",
            "metadata:", "  name: bench", "spec:", "  policyName: bench", "  validationActions: [Warn]"]
    (directory / "vap.yaml").write_text("\n".join(vap) + "\n")
    config = directory / "dockerlint.toml"
    config.write_text('custom-rules = ["native.yaml", "vap.yaml"]\n')
    return config


def run(args: list[str]) -> tuple[float, float, dict]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    p = subprocess.run([sys.executable, "-m", "dockerlint", "check", "--format", "json", "--no-progress", "-j", "1", *args],
                       capture_output=True, text=True)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    if p.returncode not in (0, 1):
        raise SystemExit(f"dockerlint failed ({p.returncode}): {p.stderr[-800:]}")
    data = json.loads(p.stdout)
    counts: dict[str, int] = {}
    for f in data["findings"]:
        key = "X" if f["code"].startswith("X") else f["code"]
        counts[key] = counts.get(key, 0) + 1
    return wall, cpu, {"files": data["summary"]["files"], "findings": data["summary"]["findings"], "X": counts.get("X", 0), "KS900": counts.get("KS900", 0)}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--corpus", default=str(REPO.parent / "shared" / "corpus" / "kubernetes"))
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        config = write_rules(Path(tmp))
        variants = {
            "KS rules, no policy configured": ["--isolated", "--select", "KS", args.corpus],
            "KS rules without KS301/KS302/KS900": ["--isolated", "--select", "KS", "--ignore", "KS301,KS302,KS900", args.corpus],
            "KS rules + 50 CEL rules (40 native, 1 policy x 10 validations)": ["--config", str(config), "--select", "KS,X", args.corpus],
        }
        best: dict[str, float] = {}
        best_cpu: dict[str, float] = {}
        info: dict[str, dict] = {}
        for _ in range(args.repeat):
            for name, argv in variants.items():
                wall, cpu, counts = run(argv)
                best[name] = min(best.get(name, wall), wall)
                best_cpu[name] = min(best_cpu.get(name, cpu), cpu)
                info[name] = counts
    # CPU time is the figure to compare on a loaded shared machine; wall time follows the load
    for name in variants:
        print(f"{name:66} CPU {best_cpu[name]:6.2f} s  wall {best[name]:6.2f} s  {info[name]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
