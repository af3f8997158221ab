from dockerlint.model import FileKind, Severity
from dockerlint.fixers.python_fields import set_field
from dockerlint.fixers.security_context import fix_of
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.ecs import containers, describe, is_unknown

_ALIASES = ("CKV_AWS_336",)


class EcsWritableRootFilesystem(Rule):
    """
    Mount the root filesystem of ECS containers read-only.

    ## What it does
    Flags an ECS or AWS Batch container definition whose `readonly_root_filesystem`
    (`"readonlyRootFilesystem"` in task definition JSON) is not `True`: unset or `False`.
    Windows containers (a Windows image, or a program that targets a Windows platform) are not
    judged: ECS does not support the setting for them.

    ## Why is this bad?
    A writable root filesystem lets an intruder drop binaries, alter configuration or plant a
    web shell that lasts as long as the task. With a read-only root, writes go only to the
    volumes the task definition mounts, which are explicit and easy to audit. AWS Security Hub
    control ECS.5.

    ## Example
    ```python
    task_definition.add_container("web", image=image)
    ```

    ## Use instead
    ```python
    task_definition.add_container("web", image=image, readonly_root_filesystem=True)
    ```

    ## Compared with other tools
    Checkov CKV_AWS_336 checks the same on Terraform and CloudFormation task definitions. The
    Kubernetes rule KS008 is the same check for pods.

    ## Fix safety
    The fix sets `readonly_root_filesystem=True` (adding the argument, or the JSON key, when it
    is missing). It is unsafe: an application that writes to its own filesystem (`/tmp`, caches,
    pid files) fails at run time until those paths get a volume, which the fix cannot know.
    """

    code = "EC004"
    whole_object = True
    name = "ecs-writable-root-filesystem"
    kinds = frozenset({FileKind.PYTHON})
    severity = Severity.WARNING
    security = True
    aliases = _ALIASES
    examples = [
        bad(
            """
            from aws_cdk import aws_ecs as ecs

            task = ecs.FargateTaskDefinition(stack, "Task")
            task.add_container(
                "web",
                image=ecs.ContainerImage.from_registry("nginx:1.27"),
                user="101",
            )
            task.add_container("cache", image=ecs.ContainerImage.from_registry("redis:7"), readonly_root_filesystem=False)
            """,
            """
            from aws_cdk import aws_ecs as ecs

            task = ecs.FargateTaskDefinition(stack, "Task")
            task.add_container(
                "web",
                image=ecs.ContainerImage.from_registry("nginx:1.27"),
                user="101",
                readonly_root_filesystem=True,
            )
            task.add_container("cache", image=ecs.ContainerImage.from_registry("redis:7"), readonly_root_filesystem=True)
            """,
            count=2,
            filename="stack.py",
            at=[(4, 1), (9, 105)],
        ),
        bad(
            """
            import json
            import pulumi_aws as aws

            task = aws.ecs.TaskDefinition(
                "app",
                family="app",
                container_definitions=json.dumps([{
                    "name": "app",
                    "image": "nginx:1.27",
                    "user": "101",
                }]),
            )
            """,
            """
            import json
            import pulumi_aws as aws

            task = aws.ecs.TaskDefinition(
                "app",
                family="app",
                container_definitions=json.dumps([{
                    "name": "app",
                    "image": "nginx:1.27",
                    "user": "101",
                    "readonlyRootFilesystem": True,
                }]),
            )
            """,
            count=1,
            filename="__main__.py",
            at=(7, 39),
        ),
        ok(
            """
            from aws_cdk import aws_ecs as ecs

            READ_ONLY = True
            task = ecs.FargateTaskDefinition(stack, "Task")
            task.add_container("web", image=ecs.ContainerImage.from_registry("nginx:1.27"), readonly_root_filesystem=READ_ONLY)
            task.add_container("app", image=ecs.ContainerImage.from_registry("app:2"), readonly_root_filesystem=settings.read_only)
            """,
            filename="stack.py",
        ),
    ]

    def check(self, ctx):
        for container in containers(ctx):
            if container.windows:  # ECS does not support the setting for Windows containers
                continue
            node = container.fields.get("readonlyRootFilesystem")
            who = describe(container)
            if node is not None and (getattr(node, "py", None) is True or is_unknown(node)):
                continue
            fix = fix_of(set_field(ctx.model, container.fields, ("readonlyRootFilesystem",), True), "set readonly_root_filesystem=True")
            if node is None:
                ctx.report(container.missing_span, f"{who} has a writable root filesystem: set readonly_root_filesystem=True", fix=fix)
            else:
                ctx.report(node.span, f"{who} has a writable root filesystem: set readonly_root_filesystem=True", fix=fix)
