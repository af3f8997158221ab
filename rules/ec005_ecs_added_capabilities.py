from dockerlint.model import FileKind, Severity
from dockerlint.parse.yaml import MappingNode, SequenceNode
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.ecs import containers, describe, known

# Docker's default capability set: adding one of these back changes nothing
DEFAULT_CAPABILITIES = frozenset({
    "AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD",
    "NET_BIND_SERVICE", "NET_RAW", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT",
})


class EcsAddedCapabilities(Rule):
    """
    Do not add Linux capabilities to ECS containers beyond Docker's defaults.

    ## What it does
    Flags an ECS or AWS Batch container whose Linux parameters add a capability outside
    Docker's default set: `ecs.LinuxParameters(...).add_capabilities(ecs.Capability.SYS_ADMIN)`
    passed as `linux_parameters=`, or `"linuxParameters": {"capabilities": {"add": [...]}}`
    in task definition JSON. `ALL` counts as every capability.

    ## Why is this bad?
    Capabilities such as `SYS_ADMIN`, `NET_ADMIN`, `SYS_PTRACE` or `SYS_MODULE` give the
    container powers over the host kernel (mounting filesystems, reconfiguring the network,
    reading other processes' memory, loading modules) that an application rarely needs and an
    intruder always wants. Only the EC2 launch type honours them; Fargate accepts only
    `SYS_PTRACE`.

    ## Example
    ```python
    params = ecs.LinuxParameters(self, "Params")
    params.add_capabilities(ecs.Capability.SYS_ADMIN)
    task_definition.add_container("app", image=image, linux_parameters=params)
    ```

    ## Compared with other tools
    The Kubernetes rule KS007 (baseline part) is the same check for pods. Checkov has no ECS
    capabilities check.
    """

    code = "EC005"
    name = "ecs-added-capabilities"
    kinds = frozenset({FileKind.PYTHON})
    severity = Severity.WARNING
    security = True
    examples = [
        bad(
            """
            from aws_cdk import Stack, aws_ecs as ecs

            class App(Stack):
                def __init__(self, scope, id):
                    super().__init__(scope, id)
                    task = ecs.Ec2TaskDefinition(self, "Task")
                    params = ecs.LinuxParameters(self, "Params", init_process_enabled=True)
                    params.add_capabilities(ecs.Capability.SYS_ADMIN, ecs.Capability.NET_BIND_SERVICE)
                    task.add_container("app", image=ecs.ContainerImage.from_registry("app:1.2"), linux_parameters=params)
            """,
            count=1,
            filename="stack.py",
            at=(8, 33),
        ),
        ok(
            """
            from aws_cdk import Stack, aws_ecs as ecs

            class App(Stack):
                def __init__(self, scope, id):
                    super().__init__(scope, id)
                    task = ecs.Ec2TaskDefinition(self, "Task")
                    params = ecs.LinuxParameters(self, "Params", init_process_enabled=True)
                    params.add_capabilities(ecs.Capability.NET_BIND_SERVICE)
                    params.drop_capabilities(ecs.Capability.ALL)
                    task.add_container("app", image=ecs.ContainerImage.from_registry("app:1.2"), linux_parameters=params)
            """,
            filename="stack.py",
        ),
    ]

    def check(self, ctx):
        for container in containers(ctx):
            params = container.fields.get("linuxParameters")
            caps = params.get("capabilities") if type(params) is MappingNode else None
            added = caps.get("add") if type(caps) is MappingNode else None
            if type(added) is not SequenceNode:
                continue
            extra = [n for n in (known(i) for i in added.items) if n is not None and n.value not in DEFAULT_CAPABILITIES]
            if extra:
                names = ", ".join(n.value for n in extra)
                ctx.report(extra[0].span, f"{describe(container)} adds {names}, beyond Docker's default capabilities")
