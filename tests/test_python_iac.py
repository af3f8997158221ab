"""Python infrastructure-as-code programs: cdk8s, cdk8s-plus, Pulumi Kubernetes, AWS CDK EKS
and ECS, Pulumi AWS. Each framework with realistic programs (findings, fixes, clean ones),
values through constants, unknown values that must not fire, suppressions, and the corpus."""
from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap

import libcst
import pytest

from conftest import shared_path
from dockerlint.discovery import might_be_target
from dockerlint.fix import fix_source
from dockerlint.model import FileKind, SourceText
from dockerlint.parse.detect import detect_kind, is_python_iac
from dockerlint.settings import Settings
from helpers import lint, settings_for

SECURITY = ["KS001", "KS002", "KS003", "KS004", "KS008"]


def program(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def found(text: str, codes=SECURITY, filename: str = "main.py") -> list[tuple[str, int, int]]:
    result = lint(text, codes, filename=filename)
    assert result.error is None, result.error
    assert result.kind is FileKind.PYTHON
    return [(f.code, f.span.line, f.span.col) for f in result.findings]


def fixed(text: str, codes=SECURITY, filename: str = "main.py") -> str:
    outcome = fix_source(text, filename, settings_for(codes), unsafe=True)
    assert outcome.error is None and outcome.converged
    assert_valid_python(outcome.text)
    return outcome.text


def assert_valid_python(text: str) -> None:
    libcst.parse_module(text)
    compile(text, "<fixed>", "exec")


# ---- detection ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "imports",
    [
        "import cdk8s",
        "from cdk8s import App, Chart",
        "import cdk8s_plus_27 as kplus",
        "from imports import k8s",
        "from .imports import k8s",
        "from imports.k8s import KubeDeployment",
        "import pulumi_kubernetes as k8s",
        "from pulumi_kubernetes.apps.v1 import Deployment",
        "import aws_cdk.aws_ecs as ecs",
        "from aws_cdk import aws_ecs",
        "from aws_cdk import (\n    App,\n    aws_ec2 as ec2,\n    aws_eks as eks,\n)",
    ],
)
def test_iac_imports_are_detected(imports):
    assert is_python_iac(imports + "\n")
    assert detect_kind("stack.py", imports + "\n") is FileKind.PYTHON


@pytest.mark.parametrize(
    "text",
    [
        "import os\nprint('cdk8s')\n",
        "from aws_cdk import aws_s3 as s3\n",
        "import pulumi_aws as aws\nbucket = aws.s3.Bucket('b')\n",
        "import docker\nclient = docker.from_env()\n",
        "# from imports import k8s\nx = 1\n",
    ],
)
def test_other_python_is_skipped(text):
    assert detect_kind("main.py", text) is None


def test_pulumi_aws_counts_with_a_task_definition():
    assert detect_kind("__main__.py", "import pulumi_aws as aws\naws.ecs.TaskDefinition('t')\n") is FileKind.PYTHON


def test_discovery_reads_python_files_by_content():
    assert might_be_target("main.py") is True
    assert might_be_target("Main.PY") is True


def test_python_syntax_error_is_a_parse_error():
    result = lint("from imports import k8s\nk8s.KubeDeployment(\n", ["KS003"], filename="main.py")
    assert result.error is not None and result.error.code == "E002"


# ---- cdk8s -------------------------------------------------------------------------------------

CDK8S = program(
    """
    from constructs import Construct
    from cdk8s import App, Chart

    from imports import k8s


    class Web(Chart):
        def __init__(self, scope: Construct, id: str):
            super().__init__(scope, id)
            label = {"app": "web"}
            k8s.KubeDeployment(
                self,
                "deployment",
                spec=k8s.DeploymentSpec(
                    selector=k8s.LabelSelector(match_labels=label),
                    template=k8s.PodTemplateSpec(
                        metadata=k8s.ObjectMeta(labels=label),
                        spec=k8s.PodSpec(
                            containers=[
                                k8s.Container(
                                    name="web",
                                    image="nginx",
                                    security_context=k8s.SecurityContext(allow_privilege_escalation=True),
                                )
                            ]
                        ),
                    ),
                ),
            )


    app = App()
    Web(app, "web")
    app.synth()
    """
)


def test_cdk8s_findings_point_into_the_program():
    assert found(CDK8S) == [
        ("KS002", 21, 33),  # name="web": the container (runAsNonRoot missing)
        ("KS008", 21, 33),
        ("KS001", 22, 39),  # image="nginx"
        ("KS004", 23, 97),  # allow_privilege_escalation=True: the value
    ]


def test_cdk8s_fix_extends_and_adds_security_contexts_in_struct_style():
    # nginx runs as root: KS002 and KS008 offer no fix there (their docs say why), KS004 does
    expected = CDK8S.replace(
        "k8s.SecurityContext(allow_privilege_escalation=True)",
        "k8s.SecurityContext(allow_privilege_escalation=False)",
    )
    assert expected != CDK8S
    after = fixed(CDK8S)
    assert after == expected
    assert found(after) == [("KS002", 21, 33), ("KS008", 21, 33), ("KS001", 22, 39)]
    # an image known to run as a non-root user: runAsNonRoot goes on the pod, in the struct style
    unprivileged = CDK8S.replace('image="nginx"', 'image="nginxinc/nginx-unprivileged:1.27"')
    assert fixed(unprivileged, ["KS002"]) == unprivileged.replace(
        "                        ]\n                    ),",
        "                        ],\n"
        "                        security_context=k8s.PodSecurityContext(\n"
        "                            run_as_non_root=True,\n"
        "                        )\n"
        "                    ),",
    )


def test_cdk8s_api_object_dict_is_read_verbatim():
    text = program(
        """
        from cdk8s import ApiObject, App, Chart

        app = App()
        chart = Chart(app, "raw")
        ApiObject(
            chart,
            "pod",
            api_version="v1",
            kind="Pod",
            metadata={"name": "debug"},
            spec={"hostPID": True, "containers": [{"name": "sh", "image": "busybox:1.36", "securityContext": {"privileged": True}}]},
        )
        """
    )
    assert found(text, ["KS003", "KS009"]) == [("KS009", 11, 22), ("KS003", 11, 117)]
    after = fixed(text, ["KS003"])
    # KS003's fix sets privileged to false, in a program as in a manifest
    assert '"securityContext": {"privileged": False}' in after


# ---- cdk8s-plus --------------------------------------------------------------------------------

PLUS = program(
    """
    import cdk8s_plus_27 as kplus
    from cdk8s import App, Chart


    class Web(Chart):
        def __init__(self, scope, id):
            super().__init__(scope, id)
            deployment = kplus.Deployment(
                self,
                "web",
                containers=[kplus.ContainerProps(image="nginx:1.27", port_number=8080)],
            )
            deployment.add_container(
                image="busybox:1.36",
                name="debug",
                security_context=kplus.ContainerSecurityContextProps(ensure_non_root=False, privileged=True),
            )


    app = App()
    Web(app, "web")
    app.synth()
    """
)


def test_cdk8s_plus_secure_defaults_fire_only_on_explicit_overrides():
    assert found(PLUS, SECURITY + ["KS019", "KS020", "KS021", "KS022"]) == [("KS002", 16, 82), ("KS003", 16, 100)]


def test_cdk8s_plus_fix_rewrites_the_overrides():
    after = fixed(PLUS)
    # the image's user is unknown: ensure_non_root stays as written (KS002 shows, does not fix)
    assert "kplus.ContainerSecurityContextProps(ensure_non_root=False, privileged=False)," in after
    assert found(after) == [("KS002", 16, 82)]


def test_cdk8s_plus_1x_has_no_defaults():
    text = PLUS.replace("cdk8s_plus_27", "cdk8s_plus_17")
    assert ("KS008", 11, 25) in found(text)  # the ContainerProps callee: nothing else to report at


# ---- Pulumi ------------------------------------------------------------------------------------

PULUMI = program(
    """
    import pulumi
    import pulumi_kubernetes as k8s

    IMAGE = "nginx:latest"

    dep = k8s.apps.v1.Deployment(
        "web",
        spec=k8s.apps.v1.DeploymentSpecArgs(
            selector=k8s.meta.v1.LabelSelectorArgs(match_labels={"app": "web"}),
            template=k8s.core.v1.PodTemplateSpecArgs(
                metadata=k8s.meta.v1.ObjectMetaArgs(labels={"app": "web"}),
                spec=k8s.core.v1.PodSpecArgs(
                    containers=[
                        k8s.core.v1.ContainerArgs(
                            name="web",
                            image=IMAGE,
                            security_context=k8s.core.v1.SecurityContextArgs(
                                privileged=True,  # for the sidecar injector
                            ),
                        ),
                        k8s.core.v1.ContainerArgs(
                            name="side",
                            image=f"{IMAGE.split(':')[0]}:1.27",
                        ),
                    ],
                ),
            ),
        ),
    )
    pulumi.export("name", dep.metadata["name"])
    """
)

PULUMI_FIXED = program(
    """
    import pulumi
    import pulumi_kubernetes as k8s

    IMAGE = "nginx:latest"

    dep = k8s.apps.v1.Deployment(
        "web",
        spec=k8s.apps.v1.DeploymentSpecArgs(
            selector=k8s.meta.v1.LabelSelectorArgs(match_labels={"app": "web"}),
            template=k8s.core.v1.PodTemplateSpecArgs(
                metadata=k8s.meta.v1.ObjectMetaArgs(labels={"app": "web"}),
                spec=k8s.core.v1.PodSpecArgs(
                    containers=[
                        k8s.core.v1.ContainerArgs(
                            name="web",
                            image=IMAGE,
                            security_context=k8s.core.v1.SecurityContextArgs(
                                privileged=False,  # for the sidecar injector
                                allow_privilege_escalation=False,
                            ),
                        ),
                        k8s.core.v1.ContainerArgs(
                            name="side",
                            image=f"{IMAGE.split(':')[0]}:1.27",
                            security_context=k8s.core.v1.SecurityContextArgs(
                                allow_privilege_escalation=False,
                            ),
                        ),
                    ],
                ),
            ),
        ),
    )
    pulumi.export("name", dep.metadata["name"])
    """
)


def test_pulumi_args_findings():
    assert found(PULUMI) == [
        ("KS002", 15, 25),  # name="web": the container, for missing fields
        ("KS004", 15, 25),
        ("KS008", 15, 25),
        ("KS001", 16, 31),  # IMAGE, a module constant: reported where it is used
        ("KS003", 18, 40),
        ("KS002", 22, 25),
        ("KS004", 22, 25),
        ("KS008", 22, 25),
    ]  # the second image is computed (IMAGE.split): not judged


def test_pulumi_args_fix():
    assert fixed(PULUMI) == PULUMI_FIXED
    assert [f for f in found(PULUMI_FIXED) if f[0] not in ("KS002", "KS008")] == [("KS001", 16, 31)]


def test_pulumi_bare_names_get_their_import():
    text = program(
        """
        from pulumi_kubernetes.apps.v1 import Deployment, DeploymentSpecArgs
        from pulumi_kubernetes.core.v1 import ContainerArgs, PodSpecArgs, PodTemplateSpecArgs
        from pulumi_kubernetes.meta.v1 import LabelSelectorArgs, ObjectMetaArgs

        Deployment(
            "app",
            spec=DeploymentSpecArgs(
                selector=LabelSelectorArgs(match_labels={"app": "app"}),
                template=PodTemplateSpecArgs(
                    metadata=ObjectMetaArgs(labels={"app": "app"}),
                    spec=PodSpecArgs(containers=[ContainerArgs(name="app", image="gcr.io/distroless/static-debian12:nonroot")]),
                ),
            ),
        )
        """
    )
    after = fixed(text)
    assert after.splitlines()[1] == (
        "from pulumi_kubernetes.core.v1 import ContainerArgs, PodSpecArgs, PodTemplateSpecArgs, "
        "SecurityContextArgs, PodSecurityContextArgs"
    )
    assert "image=\"gcr.io/distroless/static-debian12:nonroot\", security_context=SecurityContextArgs(" in after
    assert found(after) == [("KS008", 11, 56)]  # shown only: where the application writes is unknown


PULUMI_DICT = program(
    """
    import pulumi
    from pulumi_kubernetes.apps.v1 import Deployment

    app_labels = {"app": "nginx"}

    deployment = Deployment(
        "nginx",
        spec={
            "selector": {"match_labels": app_labels},
            "template": {
                "metadata": {"labels": app_labels},
                "spec": {
                    "containers": [{
                        "name": "nginx",
                        "image": "nginx",
                        "ports": [{"container_port": 80}],
                    }],
                },
            },
        },
    )
    """
)


def test_pulumi_dict_form_with_snake_case_keys():
    assert found(PULUMI_DICT) == [("KS002", 14, 21), ("KS004", 14, 21), ("KS008", 14, 21), ("KS001", 15, 30)]
    expected = PULUMI_DICT.replace(
        '                    "ports": [{"container_port": 80}],\n',
        '                    "ports": [{"container_port": 80}],\n'
        '                    "security_context": {\n'
        '                        "allow_privilege_escalation": False,\n'
        '                    },\n',
    )
    after = fixed(PULUMI_DICT)
    assert after == expected
    assert found(after) == [("KS002", 14, 21), ("KS008", 14, 21), ("KS001", 15, 30)]  # shown, not fixed: nginx runs as root
    # with an image known to run as non-root, runAsNonRoot goes on the pod, keys in snake_case
    unprivileged = PULUMI_DICT.replace('"image": "nginx",', '"image": "nginxinc/nginx-unprivileged:1.27",')
    assert fixed(unprivileged, ["KS002"]) == unprivileged.replace(
        "                }],\n",
        "                }],\n"
        '                "security_context": {\n'
        '                    "run_as_non_root": True,\n'
        "                },\n",
    )


def test_pulumi_dict_form_with_camel_case_keys_and_single_quotes():
    text = program(
        """
        from pulumi_kubernetes.apps.v1 import Deployment

        Deployment('redis', spec={
            'selector': {'matchLabels': {'app': 'redis'}},
            'template': {
                'metadata': {'labels': {'app': 'redis'}},
                'spec': {'containers': [{'name': 'redis', 'image': 'redis:7', 'securityContext': {'runAsNonRoot': False}}]},
            },
        })
        """
    )
    assert ("KS002", 7, 107) in found(text)
    after = fixed(text)
    # redis:7 runs as root: runAsNonRoot: False stays (KS002 shows it), KS004 adds its field
    assert "'securityContext': {'runAsNonRoot': False, 'allowPrivilegeEscalation': False}" in after


# ---- EKS ---------------------------------------------------------------------------------------


def test_eks_add_manifest_dicts():
    text = program(
        """
        from aws_cdk import Stack, aws_eks as eks

        NAMESPACE = "tools"


        class Cluster(Stack):
            def __init__(self, scope, id):
                super().__init__(scope, id)
                cluster = eks.Cluster(self, "Cluster", version=eks.KubernetesVersion.V1_29)
                cluster.add_manifest("debug", {
                    "apiVersion": "v1",
                    "kind": "Pod",
                    "metadata": {"name": "debug", "namespace": NAMESPACE},
                    "spec": {
                        "containers": [{
                            "name": "debug",
                            "image": "busybox:1.36",
                            "securityContext": {"privileged": True},
                        }],
                    },
                })
        """
    )
    assert found(text, ["KS003"]) == [("KS003", 18, 55)]
    after = fixed(text, ["KS003"])
    assert '"securityContext": {"privileged": False},' in after


# ---- values ------------------------------------------------------------------------------------


def test_values_fold_through_constants_and_f_strings():
    text = program(
        """
        import pulumi_kubernetes as k8s

        REGISTRY = "registry.example.com"
        TAG = "latest"
        PRIVILEGED = True

        def containers():
            image = f"{REGISTRY}/team/api:{TAG}"
            return [k8s.core.v1.ContainerArgs(name="api", image=image,
                                              security_context=k8s.core.v1.SecurityContextArgs(privileged=PRIVILEGED))]

        k8s.core.v1.Pod("api", spec=k8s.core.v1.PodSpecArgs(containers=[
            k8s.core.v1.ContainerArgs(name="api", image=f"{REGISTRY}/team/api:{TAG}",
                                      security_context=k8s.core.v1.SecurityContextArgs(privileged=PRIVILEGED)),
        ]))
        """
    )
    assert found(text, ["KS001", "KS003"]) == [("KS001", 13, 49), ("KS003", 14, 91)]
    assert "privileged=PRIVILEGED" not in fixed(text, ["KS003"]).split("k8s.core.v1.Pod(")[1]


UNKNOWN = program(
    """
    import pulumi
    import pulumi_kubernetes as k8s

    config = pulumi.Config()
    image = config.require("image")
    common = defaults()


    def deployment(name, image, security_context, privileged):
        return k8s.apps.v1.Deployment(
            name,
            spec=k8s.apps.v1.DeploymentSpecArgs(
                selector=k8s.meta.v1.LabelSelectorArgs(match_labels={"app": name}),
                template=k8s.core.v1.PodTemplateSpecArgs(
                    metadata=k8s.meta.v1.ObjectMetaArgs(labels={"app": name}),
                    spec=k8s.core.v1.PodSpecArgs(
                        containers=[
                            k8s.core.v1.ContainerArgs(name="a", image=image, security_context=security_context),
                            k8s.core.v1.ContainerArgs(
                                name="b",
                                image=config.get("b") or "b:1",
                                security_context=k8s.core.v1.SecurityContextArgs(
                                    privileged=privileged,
                                    run_as_non_root=config.get_bool("nonRoot"),
                                    allow_privilege_escalation=pulumi.Output.from_input(False),
                                    read_only_root_filesystem=privileged is False,
                                ),
                            ),
                            k8s.core.v1.ContainerArgs(name="c", image=image, **common),
                        ],
                    ),
                ),
            ),
        )
    """
)


def test_unknown_values_do_not_fire():
    assert found(UNKNOWN) == []
    assert found(UNKNOWN, ["ALL"]) == [] or all(code not in SECURITY for code, _, _ in found(UNKNOWN, ["ALL"]))


def test_a_container_named_by_a_parameter_is_still_judged():
    text = program(
        """
        import pulumi_kubernetes as k8s


        def pod(name, image):
            return k8s.core.v1.Pod(name, spec=k8s.core.v1.PodSpecArgs(containers=[
                k8s.core.v1.ContainerArgs(name=name, image=image),
            ]))
        """
    )
    assert found(text) == [("KS002", 6, 35), ("KS004", 6, 35), ("KS008", 6, 35)]  # not KS001: the image is unknown


def test_unknown_scalar_compares_unequal_to_everything():
    from dockerlint.parse.python.iac import parse_python
    from dockerlint.rulekit.k8s_model import workloads

    model = parse_python(SourceText(UNKNOWN, "main.py"))
    [workload] = workloads(model)
    b = workload.containers[1]
    privileged = b.security_context.get("privileged")
    assert privileged.tag == "!dockerlint/unknown" and privileged.value == "${privileged}"
    assert privileged.py != True and privileged.py != False and privileged.py != privileged.py  # noqa: E712
    assert not privileged.py
    # an unknown security context answers every field with an unknown value, never "missing"
    a = workload.containers[0]
    assert a.security_context.get("allowPrivilegeEscalation") is not None
    assert a.security_context.get_in("seccompProfile", "type") is not None


def test_suppression_comments():
    text = PULUMI.replace(
        "privileged=True,  # for the sidecar injector", "privileged=True,  # dockerlint: ignore=KS003"
    ).replace("        k8s.core.v1.ContainerArgs(\n                    name=\"side\"", "        # dockerlint: ignore=KS002,KS004\n                k8s.core.v1.ContainerArgs(\n                    name=\"side\"")
    codes = [code for code, _, _ in found(text)]
    assert "KS003" not in codes
    text2 = PULUMI.replace('                        name="side",', '                        name="side",  # dockerlint: ignore=KS002,KS004')
    assert [c for c in found(text2) if c[1] == 22] == [("KS008", 22, 25)]


def test_annotations_suppress_like_in_manifests():
    text = PULUMI.replace(
        '    "web",\n    spec=',
        '    "web",\n    metadata=k8s.meta.v1.ObjectMetaArgs(annotations={"dockerlint.io/ignore": "KS008"}),\n    spec=',
    )
    assert text != PULUMI
    assert "KS008" not in [code for code, _, _ in found(text)]


# ---- ECS ---------------------------------------------------------------------------------------

CDK_ECS = program(
    """
    from aws_cdk import App, Stack, aws_codebuild as codebuild, aws_ecs as ecs, aws_ecs_patterns as patterns


    class Service(Stack):
        def __init__(self, scope, id, repo):
            super().__init__(scope, id)
            task = ecs.Ec2TaskDefinition(self, "Task")
            task.add_container(
                "web",
                image=ecs.ContainerImage.from_registry("nginx:latest"),
                privileged=True,
                user="root",
            )
            task.add_container(
                "api",
                image=ecs.ContainerImage.from_ecr_repository(repo),
                user="1000",
                readonly_root_filesystem=True,
            )
            patterns.ApplicationLoadBalancedFargateService(
                self, "Svc",
                task_image_options=patterns.ApplicationLoadBalancedTaskImageOptions(
                    image=ecs.ContainerImage.from_registry("amazon/amazon-ecs-sample"),
                ),
            )
            codebuild.PipelineProject(self, "Build", environment=codebuild.BuildEnvironment(privileged=True))
    """
)
EC = ["EC001", "EC002", "EC003", "EC004", "EC005", "EC006"]


def test_cdk_ecs_containers():
    assert found(CDK_ECS, EC, filename="stack.py") == [
        ("EC004", 8, 9),  # task.add_container: readonly_root_filesystem missing
        ("EC001", 10, 52),
        ("EC002", 11, 24),
        ("EC003", 12, 18),
        ("EC001", 16, 19),  # from_ecr_repository(repo) without a tag
        ("EC001", 23, 56),  # ecs_patterns task image options
    ]  # CodeBuild's privileged=True is not a container


def test_cdk_ecs_fix():
    expected = CDK_ECS.replace(
        '            privileged=True,\n            user="root",\n',
        '            user="root",\n            readonly_root_filesystem=True,\n',
    )
    assert expected != CDK_ECS
    assert fixed(CDK_ECS, EC, filename="stack.py") == expected  # CodeBuild's privileged=True stays


def test_pulumi_ecs_json_string_and_dumps():
    text = program(
        """
        import json
        import pulumi
        import pulumi_aws as aws

        repo = aws.ecr.Repository("repo")
        literal = aws.ecs.TaskDefinition(
            "literal",
            family="literal",
            container_definitions='[{"name": "web", "image": "nginx", "privileged": true, "readonlyRootFilesystem": true, "user": "101"}]',
        )
        dumped = aws.ecs.TaskDefinition(
            "dumped",
            family="dumped",
            pid_mode="host",
            container_definitions=pulumi.Output.json_dumps([{
                "name": "app",
                "image": repo.repository_url,
                "user": "0",
                "readonlyRootFilesystem": True,
            }]),
        )
        """
    )
    assert found(text, EC, filename="__main__.py") == [
        ("EC001", 9, 27),
        ("EC002", 9, 27),
        ("EC006", 14, 14),
        ("EC003", 18, 17),  # "user": "0"
    ]


# ---- invariants --------------------------------------------------------------------------------


def test_libcst_is_imported_only_for_python_files():
    code = (
        "import sys\n"
        "from dockerlint.engine import lint_source\n"
        "from dockerlint.settings import Settings\n"
        "lint_source('FROM alpine:3.20\\n', 'Dockerfile', Settings())\n"
        "lint_source('apiVersion: v1\\nkind: Pod\\nmetadata: {name: a}\\nspec: {containers: []}\\n', 'p.yaml', Settings())\n"
        "print('libcst' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_crlf_program():
    text = PULUMI.replace("\n", "\r\n")
    assert found(text) == found(PULUMI)
    after = fixed(text)
    assert after == PULUMI_FIXED.replace("\n", "\r\n")


# ---- corpus ------------------------------------------------------------------------------------


def _corpus_programs():
    corpus = shared_path("corpus", "python-iac")
    return sorted(p for p in corpus.iterdir() if p.suffix == ".py")


def test_corpus_check_never_crashes():
    settings = Settings(select=["ALL"])
    from dockerlint.engine import lint_path

    linted = 0
    for path in _corpus_programs():
        result = lint_path(str(path), settings)
        assert result.error is None, (path, result.error)
        assert not [f for f in result.findings if "internal error" in f.message], path
        linted += result.kind is FileKind.PYTHON
    assert linted >= 90


def test_corpus_unsafe_fixes_keep_programs_valid(tmp_path):
    from dockerlint.cli.main import main

    copies = []
    for path in _corpus_programs():
        target = tmp_path / path.name
        shutil.copyfile(path, target)
        copies.append(target)
    code = main(["fix", "--unsafe-fixes", "--isolated", "--no-progress", "--select", "ALL", str(tmp_path)])
    assert code in (0, 1)
    changed = 0
    for target in copies:
        text = target.read_text(encoding="utf-8")
        assert_valid_python(text)
        changed += text != (shared_path("corpus", "python-iac") / target.name).read_text(encoding="utf-8")
    assert changed >= 20
