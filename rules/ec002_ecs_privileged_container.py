from dockerlint.model import FileKind, Severity
from dockerlint.fixers.python_fields import remove_field
from dockerlint.fixers.security_context import fix_of
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.ecs import containers, describe

_ECS = ("CKV_AWS_334",)
_BATCH = ("CKV_AWS_210",)


class EcsPrivilegedContainer(Rule):
    """
    Do not run ECS or AWS Batch containers privileged.

    ## What it does
    Flags an ECS container definition with `privileged=True` (`"privileged": true` in a task
    definition's JSON): AWS CDK `add_container` / `ContainerDefinition`, AWS Batch
    `EcsEc2ContainerDefinition`, Pulumi AWS `container_definitions`, awsx container
    definitions. Only container definitions count: `privileged=True` on a CodeBuild
    `BuildEnvironment` (Docker builds in CodeBuild) is not an ECS container and is not flagged.

    ## Why is this bad?
    A privileged container gets every capability and all host devices: root in it is root on the
    EC2 instance that runs the task, with every other task on it. AWS Security Hub control ECS.4.

    ## Example
    ```python
    task_definition.add_container("agent", image=image, privileged=True)
    ```

    ## Use instead
    ```python
    task_definition.add_container("agent", image=image)  # add only the capabilities it needs
    ```

    ## Compared with other tools
    Checkov CKV_AWS_334 (ECS task definitions) and CKV_AWS_210 (Batch job definitions) check the
    same on Terraform and CloudFormation; each finding carries the matching one.

    ## Fix safety
    The fix removes `privileged=True`. It is unsafe: whatever needed it (Docker-in-Docker,
    device access, kernel settings) stops working and may need specific capabilities instead.
    """

    code = "EC002"
    name = "ecs-privileged-container"
    kinds = frozenset({FileKind.PYTHON})
    severity = Severity.ERROR
    security = True
    aliases = _ECS + _BATCH
    examples = [
        bad(
            """
            from aws_cdk import aws_ecs as ecs

            task = ecs.Ec2TaskDefinition(stack, "Task")
            task.add_container(
                "agent",
                image=ecs.ContainerImage.from_registry("datadog/agent:7"),
                privileged=True,
                memory_limit_mib=256,
            )
            """,
            """
            from aws_cdk import aws_ecs as ecs

            task = ecs.Ec2TaskDefinition(stack, "Task")
            task.add_container(
                "agent",
                image=ecs.ContainerImage.from_registry("datadog/agent:7"),
                memory_limit_mib=256,
            )
            """,
            count=1,
            filename="stack.py",
            at=(7, 16),
        ),
        ok(
            """
            from aws_cdk import aws_codebuild as codebuild, aws_ecs as ecs

            build = codebuild.PipelineProject(
                stack, "Build",
                environment=codebuild.BuildEnvironment(privileged=True),
            )
            task = ecs.FargateTaskDefinition(stack, "Task")
            task.add_container("web", image=ecs.ContainerImage.from_registry("nginx:1.27"), privileged=False)
            """,
            filename="stack.py",
        ),
    ]

    def check(self, ctx):
        for container in containers(ctx):
            node = container.fields.get("privileged")
            if not (node is not None and getattr(node, "py", None) is True):
                continue
            ctx.report(
                node.span,
                f"{describe(container)} runs privileged",
                aliases=_BATCH if container.framework == "aws-batch" else _ECS,
                fix=fix_of(remove_field(ctx.model, node), "remove privileged=True"),
            )
