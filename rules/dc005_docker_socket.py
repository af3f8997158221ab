from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.compose import compose_services, interpolated, mounts
from dockerlint.rulekit.k8s_objects import normalise_path, runtime_socket


class DockerSocket(Rule):
    """
    Do not mount the Docker socket into a service.

    ## What it does
    Flags a volume whose host source is the Docker socket (`/var/run/docker.sock`,
    `/run/docker.sock`), another container runtime socket (containerd, CRI-O, Podman) or a
    directory holding one (`/var/run`, `/run`), in the short (`- /var/run/docker.sock:/var/run/docker.sock`)
    and the long (`type: bind`, `source: ...`) syntax. Read-only mounts are reported too.

    ## Why is this bad?
    The Docker API is root on the host: whoever reaches the socket can start a privileged
    container with the host's filesystem mounted. `:ro` does not help, since it only stops
    the socket file from being replaced, not the API from being called. Tools that need it
    (Traefik, Portainer, CI runners) should get a filtered proxy such as a socket proxy.

    ## Scope
    `volumes` of every service; interpolated sources are not judged.

    ## Compared with other tools
    The Compose counterpart of KS041 (Checkov CKV_K8S_27, Trivy KSV-0006 and kube-linter
    `docker-sock` in Kubernetes).
    """

    code = "DC005"
    name = "compose-docker-socket"
    kinds = frozenset({FileKind.COMPOSE})
    severity = Severity.ERROR
    security = True
    examples = [
        bad(
            """
            services:
              proxy:
                image: traefik:v3.1
                volumes:
                  - /var/run/docker.sock:/var/run/docker.sock:ro
              runner:
                image: example/runner:2.0
                volumes:
                  - type: bind
                    source: /run/docker.sock
                    target: /var/run/docker.sock
            """,
            count=2,
            at=[(5, 9), (10, 17)],
        ),
        ok(
            """
            services:
              app:
                image: example/app:1.0
                volumes:
                  - ./data:/data
                  - cache:/var/cache
                  - type: volume
                    source: logs
                    target: /var/log/app
            volumes:
              cache: {}
              logs: {}
            """
        ),
    ]

    def check(self, ctx):
        for service in compose_services(ctx):
            for mount in mounts(service):
                source = mount.source
                if not source or interpolated(source) or not source.startswith("/"):
                    continue
                path = normalise_path(source)
                if runtime_socket(path):
                    ctx.report(
                        mount.source_span(ctx.source),
                        f"service {service.name} mounts the container runtime socket ({path}): this is root on the host",
                    )
