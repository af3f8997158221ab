from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.ecs import known, task_definitions

_FIELDS = {"pidMode": ("process", ("CKV_AWS_335",)), "ipcMode": ("IPC", ())}


class EcsHostNamespaces(Rule):
    """
    Do not share the host's process or IPC namespace with an ECS task.

    ## What it does
    Flags an ECS task definition with `pid_mode=ecs.PidMode.HOST` or `ipc_mode=ecs.IpcMode.HOST`
    (`pid_mode="host"` / `ipc_mode="host"` in Pulumi AWS).

    ## Why is this bad?
    With the host's PID namespace the task's containers see, and as root can signal or trace,
    every process of the EC2 instance, the ECS agent and other tasks included; with the host's
    IPC namespace they share its shared memory. AWS Security Hub control ECS.3.

    ## Example
    ```python
    ecs.Ec2TaskDefinition(self, "Task", pid_mode=ecs.PidMode.HOST)
    ```

    ## Compared with other tools
    Checkov CKV_AWS_335 checks the process namespace on Terraform and CloudFormation. The
    Kubernetes rule KS009 is the same check for pods (`hostPID`, `hostIPC`).
    """

    code = "EC006"
    name = "ecs-host-namespaces"
    kinds = frozenset({FileKind.PYTHON})
    severity = Severity.ERROR
    security = True
    aliases = ("CKV_AWS_335",)
    examples = [
        bad(
            """
            from aws_cdk import aws_ecs as ecs

            task = ecs.Ec2TaskDefinition(stack, "Task", pid_mode=ecs.PidMode.HOST)
            """,
            count=1,
            filename="stack.py",
            at=(3, 54),
        ),
        ok(
            """
            from aws_cdk import aws_ecs as ecs

            task = ecs.Ec2TaskDefinition(stack, "Task", pid_mode=ecs.PidMode.TASK, network_mode=ecs.NetworkMode.AWS_VPC)
            """,
            filename="stack.py",
        ),
    ]

    def check(self, ctx):
        for task in task_definitions(ctx):
            for field, (what, aliases) in _FIELDS.items():
                node = known(task.fields.get(field))
                if node is not None and node.value == "host":
                    ctx.report(node.span, f"the task definition shares the host's {what} namespace ({field} host)", aliases=aliases)
