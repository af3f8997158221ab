from dockerlint.images.reference import is_templated, parse_image
from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.ecs import containers, describe


class EcsLatestImageTag(Rule):
    """
    Pin the images of ECS containers to a version, not `latest` or no tag at all.

    ## What it does
    Flags an ECS container (AWS CDK `add_container`, `ContainerDefinition`, AWS Batch container
    definitions, `aws_ecs_patterns` task image options, Pulumi AWS task definitions) whose image
    is `ContainerImage.from_registry("nginx")` or `"nginx:latest"` (no tag, or `latest`), or
    `ContainerImage.from_ecr_repository(repo)` without a `tag` (the CDK then uses `latest`) or
    with `tag="latest"`. A digest (`name@sha256:...`) is fine; images built from the program's
    own Dockerfile (`from_asset`) are not judged, nor images the program computes at run time.

    ## Why is this bad?
    `latest` moves: each task started, scaled out or replaced pulls whatever the tag points to
    then, so the tasks of one service can run different code, a rollback to an earlier task
    definition does not roll the code back, and a breaking upstream release arrives unannounced.

    ## Example
    ```python
    task_definition.add_container("web", image=ecs.ContainerImage.from_registry("nginx"))
    ```

    ## Use instead
    ```python
    task_definition.add_container("web", image=ecs.ContainerImage.from_registry("nginx:1.27"))
    ```

    ## Compared with other tools
    The Kubernetes rule KS001 is the same check for pods. Checkov has no ECS image-tag check;
    AWS's own guidance (ECS best practices) recommends immutable tags or digests.
    """

    code = "EC001"
    name = "ecs-latest-image-tag"
    kinds = frozenset({FileKind.PYTHON})
    severity = Severity.WARNING
    security = True
    examples = [
        bad(
            """
            from aws_cdk import Stack, aws_ecs as ecs

            class Web(Stack):
                def __init__(self, scope, id):
                    super().__init__(scope, id)
                    task = ecs.FargateTaskDefinition(self, "Task")
                    task.add_container("web", image=ecs.ContainerImage.from_registry("nginx"))
                    task.add_container("app", image=ecs.ContainerImage.from_ecr_repository(repo))
            """,
            count=2,
            filename="app.py",
        ),
        ok(
            """
            from aws_cdk import Stack, aws_ecs as ecs

            NGINX = "public.ecr.aws/nginx/nginx:1.27"

            class Web(Stack):
                def __init__(self, scope, id, repo):
                    super().__init__(scope, id)
                    task = ecs.FargateTaskDefinition(self, "Task")
                    task.add_container("web", image=ecs.ContainerImage.from_registry(NGINX))
                    task.add_container("app", image=ecs.ContainerImage.from_ecr_repository(repo, tag="2.4.1"))
                    task.add_container("own", image=ecs.ContainerImage.from_asset("./app"))
                    task.add_container("dyn", image=ecs.ContainerImage.from_registry(repo.repository_uri))
            """,
            filename="app.py",
        ),
    ]

    def check(self, ctx):
        for container in containers(ctx, definitions_only=False):
            image = container.image
            if image is None:
                continue
            who = describe(container)
            if image.source == "ecr":
                if image.tag is None:
                    ctx.report(image.span, f"{who}: `from_ecr_repository` without a tag pulls `latest`; pass tag= a version")
                elif image.tag == "latest":
                    ctx.report(image.span, f"{who}: image tag `latest`; pin a version or a digest")
                continue
            ref = image.ref
            if not ref or not ref.strip() or is_templated(ref):
                continue
            parsed = parse_image(ref)
            if parsed.digest is not None:
                continue
            if parsed.tag is None:
                problem = "has no tag (ECS pulls `latest`)"
            elif parsed.tag == "latest":
                problem = "uses the `latest` tag"
            else:
                continue
            ctx.report(image.span, f"image `{ref}` of {who} {problem}; pin a version or a digest")
