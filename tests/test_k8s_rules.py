"""Kubernetes rules (KS...) on what the PSS fixtures do not cover: ephemeral containers, the
appArmorProfile field, container_engine_t, user-namespace relaxations, Windows pods, legacy
seccomp annotations, more volume types and probe handlers; plus spans, aliases, suppressions."""
from __future__ import annotations

import textwrap

import pytest

from helpers import lint


def run(text: str, codes=("KS",), **kw):
    result = lint(textwrap.dedent(text).lstrip("\n"), list(codes), filename="manifest.yaml", **kw)
    assert result.error is None, result.error
    return result.findings


def pss_of(finding) -> set[str]:
    return {a for a in finding.aliases if a.startswith("PSS:")}


def spanned(text: str, finding) -> str:
    return text[finding.span.start : finding.span.end]


def only(findings, code):
    return [f for f in findings if f.code == code]


def pod(spec: str, meta: str = "metadata:\n  name: p\n") -> str:
    return "apiVersion: v1\nkind: Pod\n" + meta + "spec:\n" + textwrap.indent(textwrap.dedent(spec).lstrip("\n"), "  ")


# a container that satisfies every restricted control
GOOD_SC = """\
securityContext:
  allowPrivilegeEscalation: false
  readOnlyRootFilesystem: true
  capabilities:
    drop: [ALL]
"""
RESTRICTED_POD_SC = """\
securityContext:
  runAsNonRoot: true
  seccompProfile:
    type: RuntimeDefault
"""


def container(name: str, extra: str = GOOD_SC, group: str = "containers") -> str:
    return f"{group}:\n- name: {name}\n  image: nginx:1.27\n" + textwrap.indent(extra, "  ")


# ---- ephemeral containers --------------------------------------------------------------------


def test_ephemeral_containers_are_checked_like_the_others():
    text = pod(
        RESTRICTED_POD_SC
        + container("app")
        + container("debug", "securityContext:\n  privileged: true\n", group="ephemeralContainers")
    )
    findings = run(text, ["pss-restricted"])
    codes = {f.code for f in findings if 'ephemeral container "debug"' in f.message}
    assert {"KS003", "KS004", "KS007"} <= codes
    (priv,) = only(findings, "KS003")
    assert pss_of(priv) == {"PSS:baseline:privileged", "PSS:restricted:privileged"}
    assert (priv.span.line, priv.span.col) == (22, 19) and spanned(text, priv) == "true"


# ---- AppArmor field --------------------------------------------------------------------------


def test_apparmor_field_unconfined_at_pod_level():
    text = pod("securityContext:\n  appArmorProfile:\n    type: Unconfined\n" + container("app"))
    (f,) = only(run(text, ["KS006"]), "KS006")
    assert pss_of(f) == {"PSS:baseline:appArmorProfile", "PSS:restricted:appArmorProfile"}
    assert "the pod" in f.message and "Unconfined" in f.message
    assert (f.span.line, f.span.col) == (8, 13) and spanned(text, f) == "Unconfined"


def test_apparmor_good_pod_does_not_save_an_unconfined_container():
    text = pod(
        "securityContext:\n  appArmorProfile:\n    type: RuntimeDefault\n"
        + container("app", "securityContext:\n  appArmorProfile:\n    type: Unconfined\n")
        + "- name: side\n  image: busybox:1.36\n"
    )
    (f,) = only(run(text, ["KS006"]), "KS006")
    assert 'container "app"' in f.message


def test_apparmor_localhost_field_and_localhost_annotation_pass():
    meta = "metadata:\n  name: p\n  annotations:\n    container.apparmor.security.beta.kubernetes.io/b: localhost/custom\n"
    text = pod(
        "containers:\n- name: a\n  image: nginx:1.27\n  securityContext:\n    appArmorProfile:\n"
        "      type: Localhost\n      localhostProfile: custom\n- name: b\n  image: nginx:1.27\n",
        meta,
    )
    assert only(run(text, ["KS006"]), "KS006") == []


def test_apparmor_missing_profile_is_not_a_pss_violation():
    (f,) = only(run(pod(container("app"))), "KS006")
    assert pss_of(f) == set()
    assert str(f.severity) == "info"


def test_apparmor_annotation_for_a_missing_container_is_still_checked():
    meta = "metadata:\n  name: p\n  annotations:\n    container.apparmor.security.beta.kubernetes.io/ghost: unconfined\n"
    findings = only(run(pod(container("app"), meta), ["KS006"]), "KS006")
    bad = [f for f in findings if pss_of(f)]
    assert len(bad) == 1 and "ghost" in bad[0].message


def test_apparmor_annotations_on_deployment_metadata_do_not_reach_the_pods():
    text = textwrap.dedent("""\
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          annotations:
            container.apparmor.security.beta.kubernetes.io/web: unconfined
        spec:
          template:
            spec:
              containers:
              - name: web
                image: nginx:1.27
        """)
    (f,) = only(run(text, ["KS006"]), "KS006")
    assert "no explicit AppArmor profile" in f.message and pss_of(f) == set()


# ---- SELinux ---------------------------------------------------------------------------------


@pytest.mark.parametrize("selinux_type", ["container_engine_t", "container_kvm_t", '""'])
def test_selinux_allowed_types(selinux_type):
    text = pod(container("app", f"securityContext:\n  seLinuxOptions:\n    type: {selinux_type}\n    level: s0:c1,c2\n"))
    assert only(run(text, ["KS013"]), "KS013") == []


def test_selinux_custom_type_user_and_role_one_finding_per_level():
    text = pod(
        "securityContext:\n  seLinuxOptions:\n    type: spc_t\n"
        + container("app", "securityContext:\n  seLinuxOptions:\n    role: sysadm_r\n    user: sysadm_u\n")
    )
    findings = only(run(text, ["KS013"]), "KS013")
    assert [("the pod" in f.message, spanned(text, f)) for f in findings] == [(True, "spc_t"), (False, "sysadm_r")]
    assert all(pss_of(f) == {"PSS:baseline:seLinuxOptions", "PSS:restricted:seLinuxOptions"} for f in findings)


# ---- user namespaces (hostUsers: false) ------------------------------------------------------


def test_host_users_false_relaxes_run_as_non_root_and_run_as_user():
    text = pod(
        "hostUsers: false\nsecurityContext:\n  runAsUser: 0\n  runAsNonRoot: false\n"
        + container("app", "securityContext:\n  runAsUser: 0\n")
    )
    assert only(run(text, ["KS002"]), "KS002") == []


def test_host_users_true_does_not_relax():
    text = pod("hostUsers: true\nsecurityContext:\n  runAsUser: 0\n" + container("app"))
    findings = only(run(text, ["KS002"]), "KS002")
    assert sorted(sorted(pss_of(f)) for f in findings) == [
        ["PSS:restricted:runAsNonRoot"],
        ["PSS:restricted:runAsUser"],
    ]
    uid = next(f for f in findings if "runAsUser" in f.message)
    assert "AVD-KSV-0105" in uid.aliases and "AVD-KSV-0012" not in uid.aliases


def test_proc_mount_unmasked_with_user_namespace_is_restricted_only():
    text = pod("hostUsers: false\n" + container("app", "securityContext:\n  procMount: Unmasked\n"))
    (f,) = only(run(text, ["KS014"]), "KS014")
    assert pss_of(f) == {"PSS:restricted:procMount_restricted"}
    assert only(run(text, ["pss-baseline"]), "KS014") == []  # not a baseline violation


def test_proc_mount_unmasked_with_host_users_is_both_levels():
    (f,) = only(run(pod(container("app", "securityContext:\n  procMount: Unmasked\n")), ["KS014"]), "KS014")
    assert pss_of(f) == {"PSS:baseline:procMount", "PSS:restricted:procMount_restricted"}


def test_pod_level_uid_zero_fails_even_when_every_container_overrides_it():
    text = pod("securityContext:\n  runAsNonRoot: true\n  runAsUser: 0\n" + container("app", "securityContext:\n  runAsUser: 1000\n"))
    (f,) = only(run(text, ["KS002"]), "KS002")
    assert "the pod" in f.message and pss_of(f) == {"PSS:restricted:runAsUser"}


# ---- Windows pods ----------------------------------------------------------------------------

WINDOWS = "os:\n  name: windows\n"


def test_windows_pod_is_exempt_from_restricted_seccomp_capabilities_and_privilege_escalation():
    text = pod(WINDOWS + "securityContext:\n  runAsNonRoot: true\n" + container("app", ""))
    findings = run(text, ["pss-restricted"])
    assert [f for f in findings if pss_of(f)] == []


def test_windows_pod_is_not_exempt_from_run_as_non_root():
    (f,) = only(run(pod(WINDOWS + container("app", ""))), "KS002")
    assert pss_of(f) == {"PSS:restricted:runAsNonRoot"}


def test_windows_pod_with_non_default_capability_is_a_baseline_violation_only():
    text = pod(WINDOWS + container("app", "securityContext:\n  capabilities:\n    add: [SYS_ADMIN]\n"))
    (f,) = only(run(text, ["KS007"]), "KS007")
    assert pss_of(f) == {"PSS:baseline:capabilities_baseline"}
    assert "does not drop ALL" not in f.message


def test_windows_pod_with_default_set_capability_passes():
    text = pod(WINDOWS + container("app", "securityContext:\n  capabilities:\n    add: [CHOWN]\n"))
    assert only(run(text, ["KS007"]), "KS007") == []


def test_windows_pod_unconfined_seccomp_is_a_baseline_violation_only():
    text = pod(WINDOWS + "securityContext:\n  seccompProfile:\n    type: Unconfined\n" + container("app", ""))
    (f,) = only(run(text, ["KS005"]), "KS005")
    assert pss_of(f) == {"PSS:baseline:seccompProfile_baseline"}


def test_windows_host_process_at_both_levels():
    text = pod(
        WINDOWS + "hostNetwork: true\nsecurityContext:\n  windowsOptions:\n    hostProcess: true\n"
        + container("app", "securityContext:\n  windowsOptions:\n    hostProcess: true\n")
    )
    findings = only(run(text, ["KS016"]), "KS016")
    assert len(findings) == 2
    assert all(pss_of(f) == {"PSS:baseline:windowsHostProcess", "PSS:restricted:windowsHostProcess"} for f in findings)


# ---- seccomp ---------------------------------------------------------------------------------


def test_seccomp_bad_container_among_inheriting_ones():
    text = pod(
        RESTRICTED_POD_SC
        + container("a", "securityContext:\n  seccompProfile:\n    type: Unconfined\n")
        + "- name: b\n  image: nginx:1.27\n"
        + "- name: c\n  image: nginx:1.27\n  securityContext:\n    seccompProfile: {type: Localhost, localhostProfile: x.json}\n"
    )
    (f,) = only(run(text, ["KS005"]), "KS005")
    assert 'container "a"' in f.message and str(f.severity) == "warning"
    assert pss_of(f) == {"PSS:baseline:seccompProfile_baseline", "PSS:restricted:seccompProfile_restricted"}


def test_seccomp_missing_is_restricted_only_and_info():
    findings = only(run(pod(container("a") + "- name: b\n  image: nginx:1.27\n"), ["KS005"]), "KS005")
    assert len(findings) == 2
    assert all(pss_of(f) == {"PSS:restricted:seccompProfile_restricted"} for f in findings)
    assert all(str(f.severity) == "info" for f in findings)


def test_empty_seccomp_profile_hides_the_pod_level_and_is_invalid():
    text = pod(RESTRICTED_POD_SC + container("a", "securityContext:\n  seccompProfile: {}\n"))
    (f,) = only(run(text, ["KS005"]), "KS005")
    assert "without a type" in f.message


def test_legacy_seccomp_annotations_are_flagged_and_do_not_count():
    meta = (
        "metadata:\n  name: p\n  annotations:\n    seccomp.security.alpha.kubernetes.io/pod: runtime/default\n"
        "    container.seccomp.security.alpha.kubernetes.io/app: docker/default\n"
    )
    findings = run(pod(container("app"), meta), ["KS005", "KS011"])
    assert [f.code for f in findings].count("KS011") == 2
    assert [f.code for f in findings].count("KS005") == 1
    assert all(pss_of(f) == set() for f in only(findings, "KS011"))


def test_legacy_seccomp_annotation_on_a_deployment_itself():
    text = textwrap.dedent("""\
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          annotations:
            seccomp.security.alpha.kubernetes.io/pod: runtime/default
        spec:
          template:
            spec:
              containers:
              - name: web
                image: nginx:1.27
        """)
    (f,) = only(run(text, ["KS011"]), "KS011")
    assert "never reaches its pods" in f.message and f.span.line == 6


# ---- volumes ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "source",
    [
        "csi:\n    driver: secrets-store.csi.k8s.io",
        "ephemeral:\n    volumeClaimTemplate:\n      spec:\n        accessModes: [ReadWriteOnce]",
        "image:\n    reference: ruleset.example.com/data:1",
        "projected:\n    sources: []",
    ],
)
def test_allowed_volume_types(source):
    text = pod(container("app") + "volumes:\n- name: v\n  " + source + "\n")
    assert run(text, ["KS010", "KS018"]) == []


def test_photon_disk_is_a_restricted_volume_violation():
    text = pod(container("app") + "volumes:\n- name: v\n  photonPersistentDisk:\n    pdID: x\n")
    (f,) = only(run(text, ["pss-restricted"]), "KS018")
    assert pss_of(f) == {"PSS:restricted:restrictedVolumes"} and spanned(text, f) == "photonPersistentDisk"
    assert only(run(text, ["pss-baseline"]), "KS018") == []


def test_host_path_is_reported_once_at_restricted():
    text = pod(container("app") + "volumes:\n- name: v\n  hostPath:\n    path: /var/run/docker.sock\n")
    findings = [f for f in run(text, ["pss-restricted"]) if "volume" in f.message]
    assert [f.code for f in findings] == ["KS010"]
    assert pss_of(findings[0]) == {"PSS:baseline:hostPathVolumes", "PSS:restricted:restrictedVolumes"}
    assert "/var/run/docker.sock" in findings[0].message


# ---- probes and lifecycle hooks --------------------------------------------------------------


@pytest.mark.parametrize(
    "handler",
    [
        "startupProbe:\n  httpGet:\n    host: example.com\n    port: 80\n",
        "lifecycle:\n  preStop:\n    httpGet:\n      host: 10.0.0.1\n      port: 80\n",
        "lifecycle:\n  postStart:\n    tcpSocket:\n      host: localhost\n      port: 80\n",
    ],
)
def test_probe_and_lifecycle_hosts(handler):
    text = pod(container("app", handler))
    (f,) = only(run(text, ["KS017"]), "KS017")
    assert pss_of(f) == {"PSS:baseline:hostProbesAndHostLifecycle", "PSS:restricted:hostProbesAndHostLifecycle"}


def test_probe_hosts_one_finding_per_container():
    text = pod(
        container(
            "app",
            "livenessProbe:\n  tcpSocket:\n    host: a\n    port: 1\nreadinessProbe:\n  httpGet:\n    host: b\n    port: 2\n",
        )
    )
    (f,) = only(run(text, ["KS017"]), "KS017")
    assert "livenessProbe.tcpSocket.host a" in f.message and "readinessProbe.httpGet.host b" in f.message


# ---- capabilities ----------------------------------------------------------------------------


def test_capabilities_default_set_add_is_restricted_only():
    text = pod(container("app", "securityContext:\n  capabilities:\n    drop: [ALL]\n    add: [CHOWN]\n"))
    (f,) = only(run(text, ["KS007"]), "KS007")
    assert pss_of(f) == {"PSS:restricted:capabilities_restricted"}
    assert "only NET_BIND_SERVICE" in f.message and spanned(text, f) == "CHOWN"


def test_capabilities_non_default_add_is_both_levels_at_the_entry():
    text = pod(container("app", "securityContext:\n  capabilities:\n    add:\n    - NET_BIND_SERVICE\n    - SYS_ADMIN\n"))
    (f,) = only(run(text, ["KS007"]), "KS007")
    assert pss_of(f) == {"PSS:baseline:capabilities_baseline", "PSS:restricted:capabilities_restricted"}
    assert (f.span.line, f.span.col) == (13, 11) and spanned(text, f) == "SYS_ADMIN"
    assert "SYS_ADMIN" in f.message and "does not drop ALL" in f.message
    assert "AVD-KSV-0022" in f.aliases and "AVD-KSV-0003" in f.aliases


# ---- KS001 -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "image,flagged",
    [
        ("nginx", True),
        ("nginx:latest", True),
        ("localhost:5000/nginx", True),
        ("nginx:latest@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", False),
        ("localhost:5000/nginx:1.27", False),
        ("'${IMAGE}'", False),
    ],
)
def test_image_tags(image, flagged):
    text = pod(f"containers:\n- name: app\n  image: {image}\n")
    findings = only(run(text, ["KS001"]), "KS001")
    assert bool(findings) == flagged
    if findings:
        assert (findings[0].span.line, findings[0].span.col) == (8, 12)
        assert spanned(text, findings[0]) == image


# ---- metadata, presets, suppressions ---------------------------------------------------------


def test_pss_presets_select_only_pss_rules():
    # Under a PSS preset, rules chosen only through it report only violations of that level:
    # a missing seccomp or AppArmor profile, or no drop ALL, is not a baseline violation.
    assert run(pod(container("app", "")), ["pss-baseline"]) == []
    restricted = run(pod(container("app", "")), ["pss-restricted"])
    assert {f.code for f in restricted} >= {"KS005", "KS007"}
    assert all(any(a.startswith("PSS:restricted:") for a in f.aliases) for f in restricted)
    # Naming a rule as well brings back its advice beyond the standard.
    both = run(pod(container("app", "")), ["pss-baseline", "KS006"])
    assert {f.code for f in both} == {"KS006"}


def test_checkov_skip_annotation_suppresses_through_aliases():
    meta = "metadata:\n  name: p\n  annotations:\n    checkov.io/skip1: CKV_K8S_16=debug pod\n"
    text = pod(container("app", "securityContext:\n  privileged: true\n"), meta)
    assert only(run(text, ["KS003"]), "KS003") == []


def test_kube_linter_ignore_annotation_only_hides_its_field():
    meta = "metadata:\n  name: p\n  annotations:\n    ignore-check.kube-linter.io/host-network: agent\n"
    text = pod("hostNetwork: true\nhostPID: true\n" + container("app"), meta)
    (f,) = only(run(text, ["KS009"]), "KS009")
    assert "process ID" in f.message


SECURITY_RULES = {f"KS{n:03d}" for n in range(1, 19)}


def test_every_security_rule_declares_its_pss_levels_and_docs():
    from dockerlint import ruleset

    for rule in ruleset.all_rules():
        if rule.code not in SECURITY_RULES:
            continue
        assert rule.security, rule.code
        assert rule.presets in (frozenset(), frozenset({"pss-restricted"}), frozenset({"pss-baseline", "pss-restricted"}))
        for section in ("Scope", "Compared with other tools"):
            assert section in rule.doc_sections(), (rule.code, section)
