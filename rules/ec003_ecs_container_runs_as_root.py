
from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.ecs import containers, describe, is_unknown, known
from dockerlint.rulekit.patterns import lazy

_ROOT = lazy(r"^(?:root|0)(?::.*)?$")


class EcsContainerRunsAsRoot(Rule):
    """
    Run ECS containers as a non-root user.

    ## What it does
    Flags an ECS or AWS Batch container definition that sets `user="root"` (or `"0"`,
    `"root:root"`, `"0:0"`), and one that sets no `user` at all: it then runs as the image's
    user, which is root for most images. Task image options of `aws_ecs_patterns` constructs
    have no `user` setting and are not judged, nor are Windows containers (a Windows image, or
    a program that targets a Windows platform), for which ECS does not support `user`.

    ## Why is this bad?
    Root in a container is one kernel bug or one mis-mounted path away from root on the host
    (on EC2 launch types, the instance that runs every other task). ECS has no equivalent of
    Kubernetes' `runAsNonRoot` check at start-up, so the task definition is the only place to
    say who the process runs as.

    ## Example
    ```python
    task_definition.add_container("web", image=image, user="root")
    ```

    ## Use instead
    ```python
    task_definition.add_container("web", image=image, user="1000:1000")
    ```

    ## Compared with other tools
    The Kubernetes rule KS002 is the same check for pods. Checkov has no ECS check for the
    container user. No fix is offered: which non-root user the image can run as is for the
    image's author to say.
    """

    code = "EC003"
    whole_object = True
    name = "ecs-container-runs-as-root"
    kinds = frozenset({FileKind.PYTHON})
    severity = Severity.WARNING
    security = True
    examples = [
        bad(
            """
            from aws_cdk import aws_ecs as ecs

            task = ecs.FargateTaskDefinition(stack, "Task")
            task.add_container("web", image=ecs.ContainerImage.from_registry("nginx:1.27"))
            task.add_container("envoy", image=ecs.ContainerImage.from_registry("envoy:1.30"), user="0")
            """,
            count=2,
            filename="stack.py",
            at=[(4, 1), (5, 88)],
        ),
        ok(
            """
            from aws_cdk import aws_ecs as ecs

            task = ecs.FargateTaskDefinition(stack, "Task")
            task.add_container("envoy", image=ecs.ContainerImage.from_registry("envoy:1.30"), user="1337")
            """,
            filename="stack.py",
        ),
    ]

    def check(self, ctx):
        for container in containers(ctx):
            if container.windows:  # ECS does not support the setting for Windows containers
                continue
            node = container.fields.get("user")
            who = describe(container)
            if node is None:
                ctx.report(container.missing_span, f"{who} sets no user: it runs as the image's user, root for most images")
                continue
            if is_unknown(node):
                continue
            value = known(node)
            if value is not None and _ROOT.match(value.value.strip()):
                ctx.report(node.span, f"{who} runs as root (user {value.value!r})")
